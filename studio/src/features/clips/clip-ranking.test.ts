import { describe, expect, it } from "vitest";
import { rankClips, rankOf } from "./clip-ranking";

describe("ranking clips", () => {
  it("puts the highest score first, then the earliest proposed", () => {
    const clips = [
      { id: "a", score: 40, confidence: 0.99, createdAt: "2026-01-01T00:00:01Z" },
      { id: "b", score: 91, confidence: 0.1, createdAt: "2026-01-01T00:00:03Z" },
      { id: "c", score: 91, confidence: null, createdAt: "2026-01-01T00:00:02Z" },
    ];
    expect(rankClips(clips).map((clip) => clip.id)).toEqual(["c", "b", "a"]);
  });

  it("ranks a clip without a score by its confidence", () => {
    expect(rankOf({ score: undefined as unknown as number, confidence: 0.734 })).toBe(73);
    expect(rankOf({ score: undefined as unknown as number, confidence: null })).toBe(0);
  });
});
