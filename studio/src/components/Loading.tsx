export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="status">
      Loading {what}…
    </p>
  );
}
