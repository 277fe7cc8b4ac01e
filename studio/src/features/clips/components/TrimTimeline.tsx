import type { Span } from "../clip-trim";

const MARGIN_SECONDS = 5;

/** A picture of the trim: the proposal's span and the new one on one bar (the numbers say it too). */
export function TrimTimeline({ proposed, current }: { proposed: Span; current: Span }) {
  const from = Math.max(0, Math.min(proposed.start, current.start) - MARGIN_SECONDS);
  const to = Math.max(proposed.end, current.end) + MARGIN_SECONDS;
  const place = (span: Span) => ({
    left: `${((span.start - from) / (to - from)) * 100}%`,
    width: `${(Math.max(0, span.end - span.start) / (to - from)) * 100}%`,
  });
  return (
    <div className="timeline" aria-hidden="true">
      <div className="timeline-proposed" style={place(proposed)} />
      <div className="timeline-current" style={place(current)} />
    </div>
  );
}
