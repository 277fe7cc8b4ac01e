import { Link } from "react-router";
import { useDocumentTitle } from "@/components/use-document-title";
import { EpisodeList } from "@/features/episodes/components/EpisodeList";

export function EpisodesRoute() {
  useDocumentTitle("Episodes");
  return (
    <>
      <div className="page-heading">
        <h1>Episodes</h1>
        <Link to="/episodes/new" className="button">
          New episode
        </Link>
      </div>
      <EpisodeList />
    </>
  );
}
