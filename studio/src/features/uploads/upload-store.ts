import type { ApiClient } from "@/lib/api-client";
import { uploadTrack, type UploadProgress } from "./engine/track-upload";
import { SpeedMeter } from "./speed-meter";

export type UploadState =
  | "waiting"
  | UploadProgress["phase"]
  | "completed"
  | "completingInStorage"
  | "failed"
  | "cancelling"
  | "cancelled";

export interface UploadItem {
  id: string;
  episodeId: string;
  fileName: string;
  fileSize: number;
  /** The name the producer gave (labels use it); `apiTrackName` is the API's sanitised one. */
  trackName: string;
  apiTrackName?: string;
  state: UploadState;
  bytesDone: number;
  bytesReused: number;
  partsReused: number;
  partsTotal: number;
  bytesPerSecond: number;
  error?: unknown;
}

export interface TrackFile {
  file: File;
  trackName: string;
  speakers?: string[];
}

interface Hooks {
  api: ApiClient;
  /** Something about the episode's tracks changed: refetch it. */
  onTracksChanged: (episodeId: string) => void;
  /** Removes a track (and aborts its multipart upload); resolves when done or when there is none. */
  deleteTrack: (episodeId: string, trackName: string) => Promise<void>;
}

const ACTIVE: UploadState[] = ["waiting", "starting", "checking", "uploading", "completing", "cancelling"];
const FILES_AT_ONCE = 2;

export const isActive = (item: UploadItem) => ACTIVE.includes(item.state);

/** The uploads of this tab: client state (files, progress), shared by every screen. */
export class UploadStore {
  private items: UploadItem[] = [];
  private readonly files = new Map<string, TrackFile>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly listeners = new Set<() => void>();
  private counter = 0;

  constructor(private readonly hooks: Hooks) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.items;

  add(episodeId: string, files: TrackFile[]) {
    for (const entry of files) {
      this.counter += 1;
      const id = `upload-${this.counter}`;
      this.files.set(id, entry);
      this.items = [...this.items, newItem(id, episodeId, entry)];
    }
    this.emit();
    this.startWaiting();
  }

  async cancel(id: string) {
    const item = this.items.find((candidate) => candidate.id === id);
    if (!item || !isActive(item) || item.state === "completing") return;
    this.controllers.get(id)?.abort();
    this.update(id, { state: "cancelling" });
    try {
      await this.hooks.deleteTrack(item.episodeId, this.find(id).apiTrackName ?? item.trackName);
      this.update(id, { state: "cancelled" });
    } catch (error) {
      this.update(id, { state: "failed", error });
    }
    this.hooks.onTracksChanged(item.episodeId);
  }

  dismiss(id: string) {
    this.items = this.items.filter((item) => item.id !== id || isActive(item));
    this.files.delete(id);
    this.emit();
  }

  private startWaiting() {
    const running = this.items.filter((item) => isActive(item) && item.state !== "waiting").length;
    const waiting = this.items.filter((item) => item.state === "waiting").slice(0, FILES_AT_ONCE - running);
    waiting.forEach((item) => void this.run(item.id));
  }

  private async run(id: string) {
    const entry = this.files.get(id);
    const item = this.find(id);
    if (!entry) return;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const meter = new SpeedMeter();
    this.update(id, { state: "starting" });
    try {
      const result = await uploadTrack({
        api: this.hooks.api,
        episodeId: item.episodeId,
        ...entry,
        signal: controller.signal,
        onSession: (session) => this.update(id, { apiTrackName: session.trackName }),
        onProgress: (progress) => {
          if (controller.signal.aborted) return;
          const { phase, ...counts } = progress;
          const bytesPerSecond = meter.sample(progress.bytesDone - progress.bytesReused);
          this.update(id, { state: phase, ...counts, bytesPerSecond });
        },
      });
      this.update(id, {
        state: result.status === "Completing" ? "completingInStorage" : "completed",
        apiTrackName: result.trackName,
      });
    } catch (error) {
      if (!controller.signal.aborted) this.update(id, { state: "failed", error });
    } finally {
      this.controllers.delete(id);
      this.hooks.onTracksChanged(item.episodeId);
      this.startWaiting();
    }
  }

  private find(id: string): UploadItem {
    const item = this.items.find((candidate) => candidate.id === id);
    if (!item) throw new Error(`no upload ${id}`);
    return item;
  }

  private update(id: string, changes: Partial<UploadItem>) {
    this.items = this.items.map((item) => (item.id === id ? { ...item, ...changes } : item));
    this.emit();
  }

  private emit() {
    this.listeners.forEach((listener) => listener());
  }
}

function newItem(id: string, episodeId: string, entry: TrackFile): UploadItem {
  return {
    id,
    episodeId,
    fileName: entry.file.name,
    fileSize: entry.file.size,
    trackName: entry.trackName,
    state: "waiting",
    bytesDone: 0,
    bytesReused: 0,
    partsReused: 0,
    partsTotal: 0,
    bytesPerSecond: 0,
  };
}
