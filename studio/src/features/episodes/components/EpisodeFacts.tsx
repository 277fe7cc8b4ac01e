import type { EpisodeDetail } from "@/lib/api/types";
import { formatDate } from "@/lib/format";

/** Number, status, air date, series, platforms and summaries of an episode. */
export function EpisodeFacts({ episode }: { episode: EpisodeDetail }) {
  const facts = [
    `Episode ${episode.episodeNumber}`,
    episode.status,
    episode.airDate ? `airs ${formatDate(episode.airDate)}` : null,
    episode.seriesName ? `series ${episode.seriesName}` : null,
    episode.platforms?.length ? episode.platforms.join(", ") : null,
  ].filter(Boolean);
  return (
    <div className="episode-facts">
      <p className="muted">{facts.join(" · ")}</p>
      {episode.summary && <p>{episode.summary}</p>}
      {episode.agentSummary && (
        <p>
          <strong>The clip agent's summary:</strong> {episode.agentSummary}
        </p>
      )}
    </div>
  );
}
