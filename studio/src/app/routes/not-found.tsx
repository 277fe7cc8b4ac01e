import { Link } from "react-router";
import { useDocumentTitle } from "@/components/use-document-title";

export function NotFoundRoute() {
  useDocumentTitle("Not found");
  return (
    <>
      <h1>Nothing here</h1>
      <p>
        This address shows nothing. <Link to="/">Back to episodes</Link>
      </p>
    </>
  );
}
