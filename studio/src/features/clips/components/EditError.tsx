import { ErrorAlert } from "@/components/ErrorAlert";
import { describeError } from "@/lib/errors";
import { isConflict } from "../api/clips";

export const CONFLICT_NOTE = "The clip was changed meanwhile: the latest version is shown now. Make your change again.";

/** An edit's refusal in words; a 409 also says the screen now shows the clip as it stands. */
export function EditError({ error }: { error: unknown }) {
  if (!error) return null;
  return <ErrorAlert error={isConflict(error) ? `${describeError(error)} ${CONFLICT_NOTE}` : error} />;
}
