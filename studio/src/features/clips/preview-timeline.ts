import type { CaptionLineView, PreviewRange } from "@/lib/api/types";
import { parseTimestamp } from "@/lib/timecode";

/** How close to a range's edge counts as on it (a seek lands within a frame or so). */
const EDGE_SECONDS = 0.05;

export type PlaybackAction = { kind: "none" } | { kind: "seek"; to: number } | { kind: "stop"; at: number };

/**
 * What the player does at `currentTime` (the playlist's timeline): inside a range, play on; in a
 * range's lead-in or the tail and lead-in between two ranges, skip to the next range's `playFrom`;
 * at or past the last range's `playTo`, stop there.
 */
export function playbackAction(currentTime: number, ranges: readonly PreviewRange[]): PlaybackAction {
  const last = ranges[ranges.length - 1];
  if (!last) return { kind: "none" };
  for (const range of ranges) {
    if (currentTime < range.playFrom - EDGE_SECONDS) return { kind: "seek", to: range.playFrom };
    if (currentTime < range.playTo) return { kind: "none" };
  }
  return { kind: "stop", at: last.playTo };
}

/** Whether playing from `currentTime` should start over (the clip was played to its end). */
export function atEnd(currentTime: number, ranges: readonly PreviewRange[]): boolean {
  const last = ranges[ranges.length - 1];
  return last !== undefined && currentTime >= last.playTo - EDGE_SECONDS;
}

/** The caption line showing at `currentTime`: the player's time mapped back to the episode's. */
export function captionAt(
  currentTime: number,
  ranges: readonly PreviewRange[],
  captions: readonly CaptionLineView[],
): CaptionLineView | undefined {
  const range = ranges.find((candidate) => currentTime >= candidate.playFrom && currentTime < candidate.playTo);
  if (!range) return undefined;
  const episodeTime = parseTimestamp(range.startTime) + (currentTime - range.playFrom);
  return captions.find(
    (line) => parseTimestamp(line.startTime) <= episodeTime && episodeTime < parseTimestamp(line.endTime),
  );
}
