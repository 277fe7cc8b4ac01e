import { describe, expect, it } from "vitest";
import type { EpisodeDetail } from "@/lib/api/types";
import { episodeAtWork, trackStatusWords, transcriptStatusWords } from "./episode-progress";

const episode = (changes: Partial<EpisodeDetail>): EpisodeDetail => ({
  id: "e1",
  title: "Pilot",
  episodeNumber: 1,
  status: "Draft",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  ...changes,
});

describe("polling an episode", () => {
  it("polls while a track is completing, waiting or being chunked", () => {
    for (const status of ["Completing", "Unprocessed", "Processing"] as const) {
      expect(episodeAtWork(episode({ tracks: [{ trackName: "cam", status }] }))).toBe(true);
    }
    expect(episodeAtWork(episode({ tracks: [{ trackName: "cam", status: "Processed" }] }))).toBe(false);
  });

  it("polls while the agent reads a transcript, or until a new one shows", () => {
    expect(episodeAtWork(episode({ transcriptStatus: "Uploaded" }))).toBe(true);
    expect(episodeAtWork(episode({ transcriptStatus: "ClipsProposed", transcriptKey: "old" }), "new")).toBe(true);
    expect(episodeAtWork(episode({ transcriptStatus: "ClipsProposed", transcriptKey: "new" }), "new")).toBe(false);
    expect(episodeAtWork(undefined)).toBe(false);
  });

  it("says each status in words, with the reason of a failure", () => {
    expect(trackStatusWords({ trackName: "cam", status: "ProcessingFailed", failureReason: "not a video" })).toBe(
      "Processing failed: not a video",
    );
    expect(trackStatusWords({ trackName: "cam", status: "Processed", segmentCount: 3, totalDurationSeconds: 75 })).toBe(
      "Processed (3 segments, 1 min 15 s)",
    );
    expect(transcriptStatusWords("Invalid", "line 12: timestamp is not valid")).toBe(
      "It cannot be used: line 12: timestamp is not valid",
    );
    expect(transcriptStatusWords(null)).toBe("No transcript yet");
  });
});
