import { Link } from "react-router";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Loading } from "@/components/Loading";
import { formatDuration } from "@/lib/format";
import { useClips } from "../api/clips";
import { rankClips } from "../clip-ranking";
import { ClipScore } from "./ClipScore";

/** The episode's proposed clips, best first: hook (a link to review it), type, length, score, reason. */
export function ClipList({ episodeId, poll }: { episodeId: string; poll: boolean }) {
  const clips = useClips(episodeId, poll);
  if (clips.isPending) return <Loading what="clips" />;
  if (clips.isError) return <ErrorAlert error={clips.error} />;
  if (clips.data.length === 0) return <p>No clips yet: they appear once the clip agent has read a transcript.</p>;
  return (
    <ol className="clip-list" aria-label="Clips, best first">
      {rankClips(clips.data).map((clip) => (
        <li key={clip.clipId} className="card">
          <Link to={`/episodes/${encodeURIComponent(episodeId)}/clips/${encodeURIComponent(clip.clipId)}`} className="card-title">
            {clip.hook}
          </Link>
          <span className="muted">
            {clip.clipType} · {formatDuration(clip.totalDurationSeconds)} · {clip.status.replace("_", " ")}
            {clip.fromEarlierTranscript ? " · from an earlier transcript" : ""}
          </span>
          <ClipScore clip={clip} />
        </li>
      ))}
    </ol>
  );
}
