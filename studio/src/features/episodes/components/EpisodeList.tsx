import { Link } from "react-router";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Loading } from "@/components/Loading";
import { StatusMessage } from "@/components/StatusMessage";
import { formatDate } from "@/lib/format";
import { useEpisodeList } from "../api/episodes";

/** Every episode of the tenant, newest first: title, status and air date; "Load more" pages on. */
export function EpisodeList() {
  const episodes = useEpisodeList();
  if (!episodes.data) return episodes.isError ? <ErrorAlert error={episodes.error} /> : <Loading what="episodes" />;
  const items = episodes.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <p>No episodes yet: create the first one.</p>;
  return (
    <>
      <ul className="episode-list" aria-label="Episodes">
        {items.map((episode) => (
          <li key={episode.id} className="card">
            <Link to={`/episodes/${encodeURIComponent(episode.id)}`} className="card-title">
              {episode.title}
            </Link>
            <span className="badge">{episode.status}</span>
            <span className="muted">{episode.airDate ? `Airs ${formatDate(episode.airDate)}` : "No air date"}</span>
          </li>
        ))}
      </ul>
      {episodes.isFetchNextPageError && <ErrorAlert error={episodes.error} />}
      {episodes.isFetchingNextPage && <StatusMessage>Loading more episodes…</StatusMessage>}
      {episodes.hasNextPage && (
        <button type="button" onClick={() => void episodes.fetchNextPage()} disabled={episodes.isFetchingNextPage}>
          Load more
        </button>
      )}
    </>
  );
}
