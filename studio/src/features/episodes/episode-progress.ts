import type { EpisodeDetail, TrackStatus, TrackView, TranscriptStatus } from "@/lib/api/types";
import { formatDuration } from "@/lib/format";

/** How often the episode screen asks again while work is under way. */
export const POLL_MS = 3_000;

const TRACK_AT_WORK: TrackStatus[] = ["Completing", "Unprocessed", "Processing"];

/**
 * Whether anything of the episode is still at work: a track being completed or chunked, a
 * transcript the clip agent is reading, or a transcript just uploaded that the episode does not
 * show yet (`awaitingTranscriptKey`).
 */
export function episodeAtWork(episode: EpisodeDetail | undefined, awaitingTranscriptKey?: string | null): boolean {
  if (!episode) return false;
  if ((episode.tracks ?? []).some((track) => TRACK_AT_WORK.includes(track.status))) return true;
  if (episode.transcriptStatus === "Uploaded") return true;
  return Boolean(awaitingTranscriptKey && episode.transcriptKey !== awaitingTranscriptKey);
}

export function trackStatusWords(track: TrackView): string {
  switch (track.status) {
    case "Completing":
      return "Completing: storage is putting the upload together";
    case "Unprocessed":
      return "Uploaded: waiting to be chunked";
    case "Processing":
      return "Processing: chunking the video";
    case "Processed": {
      const details = [
        track.segmentCount != null ? `${track.segmentCount} segments` : null,
        track.totalDurationSeconds != null ? formatDuration(track.totalDurationSeconds) : null,
      ].filter(Boolean);
      return details.length ? `Processed (${details.join(", ")})` : "Processed";
    }
    case "ProcessingFailed":
      return `Processing failed: ${track.failureReason ?? "no reason given"}`;
  }
}

export function transcriptStatusWords(status: TranscriptStatus | null | undefined, error?: string | null): string {
  switch (status) {
    case "Uploaded":
      return "Uploaded: the clip agent is reading it";
    case "ClipsProposed":
      return "Read: clips proposed from it";
    case "Invalid":
      return `It cannot be used: ${error ?? "no reason given"}`;
    default:
      return "No transcript yet";
  }
}
