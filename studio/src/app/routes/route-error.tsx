import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { describeError } from "@/lib/errors";

/** A screen that failed to load or draw: said in words, with a way back. */
export function RouteError() {
  const error = useRouteError();
  const words = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof TypeError && /dynamically imported module|Importing a module script failed/i.test(error.message)
      ? "A new version of the studio is out: reload the page."
      : describeError(error);
  return (
    <div className="page narrow">
      <h1>This screen could not be shown</h1>
      <p role="alert" className="alert">
        {words}
      </p>
      <p>
        <Link to="/">Back to episodes</Link>
      </p>
    </div>
  );
}
