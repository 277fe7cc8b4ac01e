import { useState } from "react";

/**
 * Local, editable state that starts over from `initial()` whenever `version` changes (a new
 * revision of the record it edits), without remounting: the component keeps its other state,
 * such as the outcome of the save that made the new version.
 */
export function useSyncedState<T>(initial: () => T, version: unknown): [T, (update: T | ((now: T) => T)) => void] {
  const [state, setState] = useState(initial);
  const [seen, setSeen] = useState(version);
  if (!Object.is(seen, version)) {
    setSeen(version);
    setState(initial());
  }
  return [state, setState];
}
