import { unwrap, type ApiClient } from "@/lib/api-client";
import type { CompletedPart, TrackUploadSession } from "@/lib/api/types";
import { StorageError } from "@/lib/errors";
import { md5OfBlob } from "./md5";
import { putPart } from "./put-part";
import { runPool } from "./run-pool";
import { apiFilename, decideResume, fittingPartSize, planParts, reusableCandidates, type PlannedPart } from "./upload-planner";

const PARALLEL_PARTS = 4;
const PRESIGN_BATCH = 32;
const ATTEMPTS_PER_PART = 3;

export type UploadPhase = "starting" | "checking" | "uploading" | "completing";

export interface UploadProgress {
  phase: UploadPhase;
  /** Bytes storage holds of this file: parts reused plus parts sent so far. */
  bytesDone: number;
  /** Bytes of parts storage already held (not sent again). */
  bytesReused: number;
  partsReused: number;
  partsTotal: number;
}

export interface TrackUploadRequest {
  api: ApiClient;
  episodeId: string;
  file: File;
  trackName: string;
  speakers?: string[];
  signal: AbortSignal;
  onSession?: (session: TrackUploadSession) => void;
  onProgress: (progress: UploadProgress) => void;
}

export interface TrackUploadResult {
  trackName: string;
  /** "Unprocessed" (200), or "Completing" (202: storage is still assembling the object). */
  status: string;
}

/** Uploads one video track with the API's multipart protocol, resuming what storage already holds. */
export async function uploadTrack(request: TrackUploadRequest): Promise<TrackUploadResult> {
  const { api, episodeId, file, signal, onProgress } = request;
  const report = (progress: Omit<UploadProgress, "partsTotal">, partsTotal: number) =>
    onProgress({ ...progress, partsTotal });
  report({ phase: "starting", bytesDone: 0, bytesReused: 0, partsReused: 0 }, 0);
  const session = await unwrap(
    api.POST("/episodes/{episodeId}/tracks", {
      params: { path: { episodeId } },
      body: {
        filename: apiFilename(file.name),
        trackName: request.trackName,
        size: file.size,
        partSize: fittingPartSize(file.size),
        ...(request.speakers?.length ? { speakers: request.speakers } : {}),
      },
      signal,
    }),
  );
  request.onSession?.(session);
  const path = { episodeId, trackName: session.trackName };
  const planned = planParts(file.size, session.partSize ?? fittingPartSize(file.size));

  report({ phase: "checking", bytesDone: 0, bytesReused: 0, partsReused: 0 }, planned.length);
  const stored = await unwrap(
    api.GET("/episodes/{episodeId}/tracks/{trackName}/parts", {
      params: { path, query: { uploadId: session.uploadId } },
      signal,
    }),
  );
  const localMd5 = new Map<number, string>();
  for (const part of reusableCandidates(planned, stored.parts)) {
    signal.throwIfAborted();
    localMd5.set(part.partNumber, await md5OfBlob(file.slice(part.start, part.end)));
  }
  const { reuse, send } = decideResume(planned, stored.parts, localMd5);
  const bytesReused = planned.filter((part) => !send.includes(part)).reduce((sum, part) => sum + part.size, 0);

  const loaded = new Map<number, number>();
  const progressNow = () => {
    const sent = [...loaded.values()].reduce((sum, bytes) => sum + bytes, 0);
    report({ phase: "uploading", bytesDone: bytesReused + sent, bytesReused, partsReused: reuse.length }, planned.length);
  };
  progressNow();

  const sign = async (parts: PlannedPart[]) => {
    const { urls } = await unwrap(
      api.POST("/episodes/{episodeId}/tracks/{trackName}/parts", {
        params: { path },
        body: { uploadId: session.uploadId, partNumbers: parts.map((part) => part.partNumber) },
        signal,
      }),
    );
    return new Map(urls.map((entry) => [entry.partNumber, entry.url]));
  };

  const completed: CompletedPart[] = [...reuse];
  for (let index = 0; index < send.length; index += PRESIGN_BATCH) {
    const batch = send.slice(index, index + PRESIGN_BATCH);
    const urls = await sign(batch);
    await runPool(batch, PARALLEL_PARTS, async (part) => {
      const body = file.slice(part.start, part.end);
      const track = (bytes: number) => {
        loaded.set(part.partNumber, bytes);
        progressNow();
      };
      let url = urls.get(part.partNumber) ?? "";
      for (let attempt = 1; ; attempt += 1) {
        try {
          const etag = await putPart(url, body, session.requiredHeaders, track, signal);
          completed.push({ PartNumber: part.partNumber, ETag: etag });
          return;
        } catch (error) {
          const refused = error instanceof StorageError && error.status !== 403 && error.status < 500;
          if (signal.aborted || refused || attempt >= ATTEMPTS_PER_PART) throw error;
          track(0);
          url = (await sign([part])).get(part.partNumber) ?? url;
        }
      }
    });
  }

  report({ phase: "completing", bytesDone: file.size, bytesReused, partsReused: reuse.length }, planned.length);
  const done = await unwrap(
    api.POST("/episodes/{episodeId}/tracks/{trackName}/complete", {
      params: { path },
      body: { uploadId: session.uploadId, parts: completed.sort((a, b) => a.PartNumber - b.PartNumber) },
      signal,
    }),
  );
  return { trackName: done.trackName, status: done.status };
}
