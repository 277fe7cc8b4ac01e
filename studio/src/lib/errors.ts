import { formatBytes } from "./format";

/** An API answer outside 2xx: the API's own `{"message"}`, its status and any `Retry-After`. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The session could not be refreshed: the user signs in again. */
export class SessionExpiredError extends Error {
  override name = "SessionExpiredError";
  constructor(message = "Your session has expired: sign in again.") {
    super(message);
  }
}

/** Storage (S3) refused a presigned upload; its XML error says why. */
export class StorageError extends Error {
  override name = "StorageError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly proposedSize?: number,
    readonly maxSizeAllowed?: number,
  ) {
    super(message);
  }
}

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export function apiErrorFromResponse(response: Response, body: unknown): ApiError {
  const message =
    typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
      ? (body as { message: string }).message
      : `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, message, parseRetryAfter(response.headers.get("Retry-After")));
}

function xmlField(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

export function storageErrorFromXml(status: number, xml: string): StorageError {
  const size = (name: string) => {
    const value = xmlField(xml, name);
    return value === undefined ? undefined : Number(value);
  };
  return new StorageError(
    status,
    xmlField(xml, "Code") ?? `HTTP ${status}`,
    xmlField(xml, "Message") ?? "",
    size("ProposedSize"),
    size("MaxSizeAllowed"),
  );
}

/** "in 45 seconds", "in 3 minutes", "in 2 hours" */
export function formatRetryAfter(seconds: number): string {
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  if (seconds < 90 * 60) return `in ${Math.round(seconds / 60)} minutes`;
  return `in ${Math.round(seconds / 3600)} hours`;
}

function describeStorageError(error: StorageError): string {
  if (error.code === "EntityTooLarge" && error.proposedSize !== undefined && error.maxSizeAllowed !== undefined) {
    return `Storage refused the file: it is ${formatBytes(error.proposedSize)}, larger than the ${formatBytes(error.maxSizeAllowed)} allowed.`;
  }
  if (error.code === "EntityTooLarge") return "Storage refused the file: it is too large.";
  if (error.code === "EntityTooSmall") return "Storage refused the file: it is empty.";
  const detail = error.message ? `: ${error.message}` : "";
  return `Storage refused the upload (${error.code})${detail}`;
}

/** Any error, in words a producer can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const when = error.retryAfterSeconds === undefined ? "later" : formatRetryAfter(error.retryAfterSeconds);
      return `${error.message.replace(/[.\s]+$/, "")}. Try again ${when}.`;
    }
    return error.message;
  }
  if (error instanceof StorageError) return describeStorageError(error);
  if (error instanceof SessionExpiredError) return error.message;
  if (error instanceof TypeError) return "The studio could not reach the server: check your connection and try again.";
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}
