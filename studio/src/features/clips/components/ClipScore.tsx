import type { ClipView } from "@/lib/api/types";
import { rankOf } from "../clip-ranking";

/** The clip's score (and where it comes from) and the one-line reason for it, when it has one. */
export function ClipScore({ clip }: { clip: Pick<ClipView, "score" | "scoreSource" | "confidence" | "reason"> }) {
  const derived = clip.scoreSource === "confidence" || typeof clip.score !== "number";
  return (
    <span className="clip-score">
      <span className="badge">Score {rankOf(clip)}</span>
      {derived && <span className="muted"> (from the agent's confidence)</span>}
      {clip.reason && <span className="reason"> {clip.reason}</span>}
    </span>
  );
}
