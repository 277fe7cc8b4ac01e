import { describe, expect, it } from "vitest";
import { formatTimestamp, parseTimestamp } from "@/lib/timecode";
import { clipSpan, nudge, totalSeconds, trimSegments } from "./clip-trim";

const one = [{ startTime: "00:01:00,000", endTime: "00:01:30,000" }];
const three = [
  { startTime: "00:01:00,000", endTime: "00:01:10,000" },
  { startTime: "00:02:00,000", endTime: "00:02:10,000" },
  { startTime: "00:03:00,000", endTime: "00:03:10,000" },
];

describe("timestamps", () => {
  it("reads and writes HH:MM:SS,mmm", () => {
    expect(parseTimestamp("01:02:03,450")).toBe(3723.45);
    expect(parseTimestamp("0:00:05.5")).toBe(5.5);
    expect(formatTimestamp(3723.45)).toBe("01:02:03,450");
    expect(formatTimestamp(-1)).toBe("00:00:00,000");
    expect(() => parseTimestamp("1:2")).toThrow();
  });
});

describe("trimming a clip", () => {
  it("starts and ends where the clip's first and last ranges do", () => {
    expect(clipSpan(three)).toEqual({ start: 60, end: 190 });
    expect(clipSpan([])).toEqual({ start: 0, end: 0 });
  });

  it("moves the start and end by half a second, never before 0", () => {
    expect(nudge(60, 0.5)).toBe(60.5);
    expect(nudge(60.3, -0.5)).toBe(59.8);
    expect(nudge(0.2, -0.5)).toBe(0);
  });

  it("cuts or extends a one-range clip", () => {
    expect(trimSegments(one, { start: 60.5, end: 29.5 + 60 })).toEqual({
      ok: true,
      segments: [{ startTime: "00:01:00,500", endTime: "00:01:29,500" }],
    });
    expect(trimSegments(one, { start: 59.5, end: 91 })).toEqual({
      ok: true,
      segments: [{ startTime: "00:00:59,500", endTime: "00:01:31,000" }],
    });
  });

  it("moves only the outer edges of a clip of several ranges", () => {
    const result = trimSegments(three, { start: 62, end: 185 });
    expect(result).toEqual({
      ok: true,
      segments: [
        { startTime: "00:01:02,000", endTime: "00:01:10,000" },
        { startTime: "00:02:00,000", endTime: "00:02:10,000" },
        { startTime: "00:03:00,000", endTime: "00:03:05,000" },
      ],
    });
    if (result.ok) expect(totalSeconds(result.segments)).toBe(23);
  });

  it("leaves out ranges the new span passes, and never reaches into a gap", () => {
    expect(trimSegments(three, { start: 100, end: 130 })).toEqual({
      ok: true,
      segments: [{ startTime: "00:02:00,000", endTime: "00:02:10,000" }],
    });
  });

  it("refuses an end before the start, or a span that leaves nothing", () => {
    expect(trimSegments(one, { start: 70, end: 70 })).toEqual({ ok: false, reason: "End must be after start." });
    expect(trimSegments(three, { start: 71, end: 119 })).toMatchObject({ ok: false });
    expect(trimSegments(one, { start: Number.NaN, end: 80 })).toMatchObject({ ok: false });
  });
});
