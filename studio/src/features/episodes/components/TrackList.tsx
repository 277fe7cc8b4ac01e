import { ErrorAlert } from "@/components/ErrorAlert";
import type { TrackView } from "@/lib/api/types";
import { useDeleteTrack } from "../api/episodes";
import { trackStatusWords } from "../episode-progress";

/** The episode's tracks: status in words (with the failure reason), speakers, and delete. */
export function TrackList({ episodeId, tracks }: { episodeId: string; tracks: TrackView[] }) {
  const remove = useDeleteTrack(episodeId);
  if (tracks.length === 0) return <p>No tracks yet: upload the episode's video below.</p>;
  return (
    <>
      <ul className="track-list" aria-label="Tracks" aria-live="polite">
        {tracks.map((track) => (
          <li key={track.trackName} className="card">
            <strong>{track.trackName}</strong>
            <span className={`track-status status-${track.status}`}>{trackStatusWords(track)}</span>
            {track.speakers && track.speakers.length > 0 && (
              <span className="muted">Speakers: {track.speakers.join(", ")}</span>
            )}
            {track.status !== "Processing" && track.status !== "Completing" && (
              <button
                type="button"
                className="quiet"
                onClick={() => remove.mutate(track.trackName)}
                disabled={remove.isPending}
              >
                Delete track {track.trackName}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorAlert error={remove.error} />
    </>
  );
}
