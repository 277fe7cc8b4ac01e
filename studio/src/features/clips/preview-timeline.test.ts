import { describe, expect, it } from "vitest";
import { atEnd, captionAt, playbackAction } from "./preview-timeline";

const ranges = [
  { startTime: "00:01:00,000", endTime: "00:01:10,000", playFrom: 1.5, playTo: 11.5 },
  { startTime: "00:02:00,000", endTime: "00:02:05,000", playFrom: 13.25, playTo: 18.25 },
];

describe("the preview's timeline", () => {
  it("plays inside ranges, skips lead-ins and gaps, stops at the end", () => {
    expect(playbackAction(0, ranges)).toEqual({ kind: "seek", to: 1.5 });
    expect(playbackAction(1.47, ranges)).toEqual({ kind: "none" });
    expect(playbackAction(11.6, ranges)).toEqual({ kind: "seek", to: 13.25 });
    expect(playbackAction(18.25, ranges)).toEqual({ kind: "stop", at: 18.25 });
    expect(playbackAction(3, [])).toEqual({ kind: "none" });
    expect(atEnd(18.22, ranges)).toBe(true);
    expect(atEnd(10, ranges)).toBe(false);
  });

  it("finds the caption line of the moment in the episode's time", () => {
    const captions = [
      { startTime: "00:01:00,000", endTime: "00:01:04,000", text: "first" },
      { startTime: "00:02:01,000", endTime: "00:02:03,000", text: "second" },
    ];
    expect(captionAt(2, ranges, captions)?.text).toBe("first");
    expect(captionAt(6, ranges, captions)).toBeUndefined();
    expect(captionAt(14.5, ranges, captions)?.text).toBe("second");
    expect(captionAt(12, ranges, captions)).toBeUndefined();
  });
});
