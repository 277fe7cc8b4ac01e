import type { ClipView } from "@/lib/api/types";
import { formatDuration } from "@/lib/format";
import { ClipScore } from "./ClipScore";

/** What the clip is: hook, type, length, score and reason, summary, revision. */
export function ClipFacts({ clip }: { clip: ClipView }) {
  return (
    <div className="clip-facts">
      <p className="clip-hook">{clip.hook}</p>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{clip.clipType}</dd>
        <dt>Length</dt>
        <dd>{formatDuration(clip.totalDurationSeconds)}</dd>
        <dt>Score</dt>
        <dd>
          <ClipScore clip={clip} />
        </dd>
        <dt>Revision</dt>
        <dd>{clip.revision ?? 0}</dd>
      </dl>
      <p>{clip.summary}</p>
    </div>
  );
}
