import { useEffect } from "react";

/** "Episodes · NullCheck Studio" while the screen is shown. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · NullCheck Studio`;
  }, [title]);
}
