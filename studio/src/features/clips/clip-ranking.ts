import type { ClipView } from "@/lib/api/types";

/** A clip's rank: its `score` (0–100) when it has one, else its confidence on the same scale. */
export function rankOf(clip: Pick<ClipView, "score" | "confidence">): number {
  if (typeof clip.score === "number") return clip.score;
  return Math.round((clip.confidence ?? 0) * 100);
}

/** Best first; among equals, the earliest proposed first. */
export function rankClips<T extends Pick<ClipView, "score" | "confidence" | "createdAt">>(clips: readonly T[]): T[] {
  return [...clips].sort((a, b) => rankOf(b) - rankOf(a) || a.createdAt.localeCompare(b.createdAt));
}
