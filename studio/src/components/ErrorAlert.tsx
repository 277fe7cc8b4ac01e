import { describeError } from "@/lib/errors";

/** An error in words, announced where the action was taken (role="alert"); nothing without one. */
export function ErrorAlert({ error, id }: { error: unknown; id?: string }) {
  if (error === null || error === undefined || error === false) return null;
  return (
    <p role="alert" className="alert" id={id}>
      {typeof error === "string" ? error : describeError(error)}
    </p>
  );
}
