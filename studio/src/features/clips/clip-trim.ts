import type { ClipRange } from "@/lib/api/types";
import { formatTimestamp, parseTimestamp } from "@/lib/timecode";

export const NUDGE_SECONDS = 0.5;

export interface Span {
  start: number;
  end: number;
}

interface Timed {
  startTime: string;
  endTime: string;
}

/** Where the clip starts and ends in the episode (its first range's start, its last one's end). */
export function clipSpan(segments: readonly Timed[]): Span {
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (!first || !last) return { start: 0, end: 0 };
  return { start: parseTimestamp(first.startTime), end: parseTimestamp(last.endTime) };
}

/** A time moved by `delta` seconds, to the millisecond, never below 0. */
export function nudge(seconds: number, delta: number): number {
  return Math.max(0, Math.round((seconds + delta) * 1000) / 1000);
}

export type TrimResult = { ok: true; segments: ClipRange[] } | { ok: false; reason: string };

/**
 * The clip's ranges with a new start and end: the first range starts at `span.start` and the last
 * ends at `span.end` (moving them out extends the clip, in cuts it); ranges wholly outside the new
 * span are left out. A start or end falling in a gap between ranges keeps the next (or previous)
 * range whole rather than reaching into the gap.
 */
export function trimSegments(segments: readonly Timed[], span: Span): TrimResult {
  if (!Number.isFinite(span.start) || !Number.isFinite(span.end)) return { ok: false, reason: "Start and end must be numbers." };
  if (span.end <= span.start) return { ok: false, reason: "End must be after start." };
  const lastIndex = segments.length - 1;
  const trimmed = segments
    .map((segment, index) => ({
      start: Math.max(index === 0 ? span.start : parseTimestamp(segment.startTime), span.start),
      end: Math.min(index === lastIndex ? span.end : parseTimestamp(segment.endTime), span.end),
    }))
    .filter((range) => range.end > range.start);
  if (trimmed.length === 0) return { ok: false, reason: "The new start and end leave nothing of the clip." };
  return {
    ok: true,
    segments: trimmed.map((range) => ({ startTime: formatTimestamp(range.start), endTime: formatTimestamp(range.end) })),
  };
}

export function totalSeconds(segments: readonly Timed[]): number {
  return segments.reduce((sum, segment) => sum + parseTimestamp(segment.endTime) - parseTimestamp(segment.startTime), 0);
}
