import type { SubmitEvent } from "react";
import { StatusMessage } from "@/components/StatusMessage";
import { TextField } from "@/components/TextField";
import { useSyncedState } from "@/hooks/use-synced-state";
import type { ClipView } from "@/lib/api/types";
import { useEditClip } from "../api/clips";
import { EditError } from "./EditError";

/** A better hook for the clip (1–200 characters). */
export function HookEditor({ episodeId, clip }: { episodeId: string; clip: ClipView }) {
  const edit = useEditClip(episodeId, clip.clipId);
  const [hook, setHook] = useSyncedState(() => clip.hook, clip.hook);
  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    edit.mutate({ hook: hook.trim() });
  }
  return (
    <form onSubmit={submit} className="stack">
      <TextField
        label="Hook"
        name="hook"
        value={hook}
        onChange={(event) => setHook(event.currentTarget.value)}
        required
        minLength={1}
        maxLength={200}
      />
      <button type="submit" disabled={edit.isPending || !hook.trim()}>
        Save hook
      </button>
      {edit.isSuccess && <StatusMessage>Hook saved.</StatusMessage>}
      <EditError error={edit.error} />
    </form>
  );
}
