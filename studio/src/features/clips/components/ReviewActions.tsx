import type { ClipView, ReviewStatus } from "@/lib/api/types";
import { useEditClip } from "../api/clips";
import { EditError } from "./EditError";

const STATUS_WORDS: Record<string, string> = {
  pending_review: "pending review",
  approved: "approved",
  rejected: "rejected",
};

const ACTIONS: { status: ReviewStatus; label: string }[] = [
  { status: "approved", label: "Approve" },
  { status: "rejected", label: "Reject" },
  { status: "pending_review", label: "Mark as pending review" },
];

/** Approve or reject the clip (PATCH status); the current choice is pressed. */
export function ReviewActions({ episodeId, clip }: { episodeId: string; clip: ClipView }) {
  const edit = useEditClip(episodeId, clip.clipId);
  return (
    <div className="stack">
      <p role="status" aria-live="polite">
        Status: {STATUS_WORDS[clip.status] ?? clip.status}
      </p>
      <div className="button-row">
        {ACTIONS.map((action) => (
          <button
            key={action.status}
            type="button"
            aria-pressed={clip.status === action.status}
            disabled={edit.isPending}
            onClick={() => edit.mutate({ status: action.status })}
          >
            {action.label}
          </button>
        ))}
      </div>
      <EditError error={edit.error} />
    </div>
  );
}
