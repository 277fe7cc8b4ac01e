import { describe, expect, it } from "vitest";
import {
  apiFilename,
  decideResume,
  DEFAULT_PART_SIZE,
  defaultTrackName,
  fittingPartSize,
  MIN_PART_SIZE,
  normalizeEtag,
  planParts,
  reusableCandidates,
} from "./upload-planner";

const MIB = 1024 * 1024;

describe("planParts", () => {
  it("cuts a file into numbered parts, the last one shorter", () => {
    const parts = planParts(20 * MIB + 3, 8 * MIB);
    expect(parts.map((part) => [part.partNumber, part.start, part.size])).toEqual([
      [1, 0, 8 * MIB],
      [2, 8 * MIB, 8 * MIB],
      [3, 16 * MIB, 4 * MIB + 3],
    ]);
    expect(parts.at(-1)?.end).toBe(20 * MIB + 3);
  });

  it("gives one part to a file smaller than a part, none to an empty one", () => {
    expect(planParts(10, DEFAULT_PART_SIZE)).toEqual([{ partNumber: 1, start: 0, end: 10, size: 10 }]);
    expect(planParts(0, DEFAULT_PART_SIZE)).toEqual([]);
  });
});

describe("fittingPartSize", () => {
  it("keeps the usual part size while 10,000 parts are enough", () => {
    expect(fittingPartSize(1024 * MIB)).toBe(DEFAULT_PART_SIZE);
    expect(fittingPartSize(10, 1)).toBe(MIN_PART_SIZE);
  });

  it("grows the part size to whole MiB for a file that would need more than 10,000 parts", () => {
    const size = 200 * 1024 * MIB; // 200 GiB
    const partSize = fittingPartSize(size);
    expect(partSize % MIB).toBe(0);
    expect(Math.ceil(size / partSize)).toBeLessThanOrEqual(10_000);
    expect(planParts(size, partSize).length).toBeLessThanOrEqual(10_000);
  });
});

describe("resuming an upload", () => {
  const planned = planParts(3 * 8 * MIB - 100, 8 * MIB); // parts of 8, 8 and 8 MiB - 100 bytes
  const md5 = new Map([
    [1, "aaaa1111aaaa1111aaaa1111aaaa1111"],
    [2, "bbbb2222bbbb2222bbbb2222bbbb2222"],
    [3, "cccc3333cccc3333cccc3333cccc3333"],
  ]);

  it("reuses a stored part whose size matches and whose ETag is the local slice's MD5", () => {
    const stored = [{ partNumber: 1, size: 8 * MIB, etag: '"AAAA1111aaaa1111aaaa1111aaaa1111"' }];
    const decision = decideResume(planned, stored, md5);
    expect(decision.reuse).toEqual([{ PartNumber: 1, ETag: '"AAAA1111aaaa1111aaaa1111aaaa1111"' }]);
    expect(decision.send.map((part) => part.partNumber)).toEqual([2, 3]);
  });

  it("sends again a part of another size, or other bytes, or one storage lacks", () => {
    const stored = [
      { partNumber: 1, size: 5 * MIB, etag: `"${md5.get(1) ?? ""}"` },
      { partNumber: 2, size: 8 * MIB, etag: '"ffffffffffffffffffffffffffffffff"' },
    ];
    expect(decideResume(planned, stored, md5).send.map((part) => part.partNumber)).toEqual([1, 2, 3]);
  });

  it("sends a part it could not hash", () => {
    const stored = [{ partNumber: 3, size: 8 * MIB - 100, etag: `"${md5.get(3) ?? ""}"` }];
    expect(decideResume(planned, stored, new Map()).reuse).toEqual([]);
  });

  it("hashes only the stored parts whose size matches the plan", () => {
    const stored = [
      { partNumber: 1, size: 8 * MIB, etag: '"x"' },
      { partNumber: 2, size: 1, etag: '"y"' },
      { partNumber: 9, size: 8 * MIB, etag: '"z"' },
    ];
    expect(reusableCandidates(planned, stored).map((part) => part.partNumber)).toEqual([1]);
  });

  it("reads ETags quoted, weak or in upper case", () => {
    expect(normalizeEtag(' W/"ABCDEF" ')).toBe("abcdef");
    expect(normalizeEtag("abcdef")).toBe("abcdef");
  });
});

describe("names", () => {
  it("suggests the file name without its extension as the track name", () => {
    expect(defaultTrackName("Main Camera.mp4")).toBe("Main Camera");
    expect(defaultTrackName(".mov")).toBe(".mov");
  });

  it("sends a printable ASCII filename of at most 255 characters, keeping the extension", () => {
    expect(apiFilename("épisode 1.mp4")).toBe("_pisode 1.mp4");
    const long = apiFilename(`${"a".repeat(300)}.mp4`);
    expect(long).toHaveLength(255);
    expect(long.endsWith(".mp4")).toBe(true);
  });
});
