import type { CompletedPart, UploadedPart } from "@/lib/api/types";

const MIB = 1024 * 1024;
/** S3's smallest part (every part but the last) and the studio's usual one (the CLI's too). */
export const MIN_PART_SIZE = 5 * MIB;
export const DEFAULT_PART_SIZE = 8 * MIB;
export const MAX_PARTS = 10_000;

export interface PlannedPart {
  partNumber: number;
  start: number;
  end: number;
  size: number;
}

/** `partSize`, grown to whole MiB when the file would otherwise need more than S3's 10,000 parts. */
export function fittingPartSize(fileSize: number, partSize = DEFAULT_PART_SIZE): number {
  const atLeast = Math.max(partSize, MIN_PART_SIZE);
  if (Math.ceil(fileSize / atLeast) <= MAX_PARTS) return atLeast;
  return Math.ceil(fileSize / MAX_PARTS / MIB) * MIB;
}

/** The file cut into parts of `partSize` bytes, numbered from 1 (the last one shorter). */
export function planParts(fileSize: number, partSize: number): PlannedPart[] {
  const parts: PlannedPart[] = [];
  for (let start = 0, partNumber = 1; start < fileSize; start += partSize, partNumber += 1) {
    const end = Math.min(start + partSize, fileSize);
    parts.push({ partNumber, start, end, size: end - start });
  }
  return parts;
}

/** An ETag as S3 quotes it (`"…"`) → the bare lower-case hex MD5. */
export function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "").toLowerCase();
}

/** Parts storage already holds with the size this plan gives them: worth hashing to compare. */
export function reusableCandidates(planned: PlannedPart[], stored: UploadedPart[]): PlannedPart[] {
  const storedSize = new Map(stored.map((part) => [part.partNumber, part.size]));
  return planned.filter((part) => storedSize.get(part.partNumber) === part.size);
}

export interface ResumeDecision {
  /** Stored parts equal to the local slices: sent as they are when completing. */
  reuse: CompletedPart[];
  /** Parts to upload (missing, another size, or other bytes). */
  send: PlannedPart[];
}

/**
 * Which parts to send again: a stored part is reused only when its size matches the plan and its
 * ETag equals the MD5 of the local slice (`localMd5`, hex by part number).
 */
export function decideResume(
  planned: PlannedPart[],
  stored: UploadedPart[],
  localMd5: ReadonlyMap<number, string>,
): ResumeDecision {
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  const decision: ResumeDecision = { reuse: [], send: [] };
  for (const part of planned) {
    const held = byNumber.get(part.partNumber);
    const md5 = localMd5.get(part.partNumber);
    if (held && held.size === part.size && md5 !== undefined && normalizeEtag(held.etag) === md5.toLowerCase()) {
      decision.reuse.push({ PartNumber: part.partNumber, ETag: held.etag });
    } else {
      decision.send.push(part);
    }
  }
  return decision;
}

/** The filename the API accepts (printable ASCII, at most 255): the same file always gives the same. */
export function apiFilename(name: string): string {
  const printable = name.replace(/[^\x20-\x7E]/g, "_");
  if (printable.length <= 255) return printable || "video";
  const dot = printable.lastIndexOf(".");
  const extension = dot > 0 && printable.length - dot <= 16 ? printable.slice(dot) : "";
  return printable.slice(0, 255 - extension.length) + extension;
}

/** The track name a file suggests: its name without the extension. */
export function defaultTrackName(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return (dot > 0 ? fileName.slice(0, dot) : fileName).trim().slice(0, 128) || "track";
}
