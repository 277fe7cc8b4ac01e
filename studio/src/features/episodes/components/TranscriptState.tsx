import type { EpisodeDetail } from "@/lib/api/types";
import { transcriptStatusWords } from "../episode-progress";

/** The newest transcript's status and, when it cannot be used, what to fix. */
export function TranscriptState({ episode }: { episode: EpisodeDetail }) {
  const words = transcriptStatusWords(episode.transcriptStatus, episode.transcriptError);
  return (
    <p role="status" aria-live="polite" className={episode.transcriptStatus === "Invalid" ? "alert" : "status"}>
      Transcript: {words}
    </p>
  );
}
