import { describeError } from "@/lib/errors";

/** Shown when /config.json cannot be read: nothing else can work without it. */
export function ConfigFailure({ error }: { error: unknown }) {
  return (
    <main className="page narrow">
      <h1>NullCheck Studio cannot start</h1>
      <p role="alert" className="alert">
        {describeError(error)}
      </p>
      <p>Reload the page to try again.</p>
    </main>
  );
}
