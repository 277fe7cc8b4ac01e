import { Link, useNavigate } from "react-router";
import { useDocumentTitle } from "@/components/use-document-title";
import { CreateEpisodeForm } from "@/features/episodes/components/CreateEpisodeForm";

export function NewEpisodeRoute() {
  useDocumentTitle("New episode");
  const navigate = useNavigate();
  return (
    <>
      <p>
        <Link to="/">Back to episodes</Link>
      </p>
      <h1>New episode</h1>
      <CreateEpisodeForm onCreated={(id) => void navigate(`/episodes/${encodeURIComponent(id)}`)} />
    </>
  );
}
