import { storageErrorFromXml } from "@/lib/errors";

/**
 * PUTs one part to its presigned URL with exactly the headers the upload session asked for, and
 * answers the ETag storage gave it. XMLHttpRequest, because fetch reports no upload progress.
 */
export function putPart(
  url: string,
  body: Blob,
  headers: Record<string, string>,
  onProgress: (loadedBytes: number) => void,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new DOMException("Upload cancelled", "AbortError"));
      return;
    }
    const request = new XMLHttpRequest();
    const abort = () => request.abort();
    signal.addEventListener("abort", abort, { once: true });
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => {
      signal.removeEventListener("abort", abort);
      if (request.status < 200 || request.status >= 300) {
        reject(storageErrorFromXml(request.status, request.responseText));
        return;
      }
      const etag = request.getResponseHeader("ETag");
      if (!etag) {
        reject(new Error("Storage did not show the part's ETag (its CORS rules must expose ETag)."));
        return;
      }
      onProgress(body.size);
      resolve(etag);
    };
    request.onerror = () => {
      signal.removeEventListener("abort", abort);
      reject(new TypeError("The part could not be sent: the connection failed."));
    };
    request.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    request.send(body);
  });
}
