import { StatusMessage } from "@/components/StatusMessage";
import type { ClipView } from "@/lib/api/types";
import { useEditClip } from "../api/clips";
import { EditError } from "./EditError";

/** Back to the agent's proposal: its ranges and caption lines. */
export function ResetToProposal({ episodeId, clip }: { episodeId: string; clip: ClipView }) {
  const edit = useEditClip(episodeId, clip.clipId);
  return (
    <div className="stack">
      <p className="muted">Undo every trim and caption edit: the clip goes back to what the agent proposed.</p>
      <button type="button" disabled={edit.isPending} onClick={() => edit.mutate({ reset: true })}>
        Reset to proposal
      </button>
      {edit.isSuccess && <StatusMessage>The clip is back to the proposal.</StatusMessage>}
      <EditError error={edit.error} />
    </div>
  );
}
