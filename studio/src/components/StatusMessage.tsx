import type { ReactNode } from "react";

/** Progress and outcomes read out politely (role="status", aria-live polite). */
export function StatusMessage({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <p role="status" aria-live="polite" className={className ?? "status"}>
      {children}
    </p>
  );
}
