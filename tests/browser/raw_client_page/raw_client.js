// What a web front end does with the NullCheck API with nothing but fetch, from another origin than
// the API's (the raw-client page; the studio app in studio/ is tested on its own origin).
// Every call answers a plain object (status, body, headers the page could read) instead of
// throwing, so the Python side can say which step failed; a fetch the browser refuses (CORS)
// answers {error: "TypeError: Failed to fetch"}. API calls carry the signed-in user's ID token
// (window.NULLCHECK_TOKEN, set before the page loads, as a sign-in library would keep it) as
// `Authorization: Bearer <token>`, so the browser preflights each of them.
"use strict";

(() => {
  const PART_SIZE = 5 * 1024 * 1024;
  const TIMEOUT_MS = 30000;
  const api = new URLSearchParams(location.search).get("api");
  const token = window.NULLCHECK_TOKEN || null;
  const logElement = document.getElementById("log");

  function log(line) {
    logElement.textContent += line + "\n";
  }

  async function request(url, options) {
    try {
      return await fetch(url, { ...options, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      return { error: `${error.name}: ${error.message}` };
    }
  }

  // {anonymous: true} leaves the token out: a request a signed-out page would send.
  async function call(method, path, body, { anonymous = false } = {}) {
    const headers = {};
    if (token && !anonymous) headers.Authorization = `Bearer ${token}`;
    const options = { method, headers };
    if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await request(api + path, options);
    if (response.error) {
      log(`${method} ${path}: ${response.error}`);
      return { method, path, error: response.error };
    }
    const text = await response.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { notJson: text };
    }
    log(`${method} ${path}: ${response.status}`);
    return { method, path, status: response.status, body: parsed };
  }

  async function download(url, name, type) {
    const response = await request(url);
    if (response.error) throw new Error(`${url}: ${response.error}`);
    return new File([await response.blob()], name, { type });
  }

  async function put(url, headers, body) {
    const response = await request(url, { method: "PUT", headers, body });
    if (response.error) return { error: response.error };
    // Readable only if the bucket's CORS rule exposes it.
    return { status: response.status, etag: response.headers.get("ETag"), text: await response.text() };
  }

  // A presigned POST: the form's fields in the order given, then the file (S3 ignores fields after
  // it). A FormData POST is a simple request, so there is no preflight: the page reads the answer
  // only if the bucket's CORS rule allows POST from its origin.
  async function postForm(url, fields, file) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", file);
    const response = await request(url, { method: "POST", body: form });
    if (response.error) return { error: response.error };
    return { status: response.status, text: await response.text() };
  }

  async function requestTranscriptForm(episodeId, filename) {
    const body = filename ? { filename } : {};
    return call("POST", `/episodes/${encodeURIComponent(episodeId)}/transcripts`, body);
  }

  async function uploadTranscript(episodeId, srtUrl, filename) {
    const file = await download(srtUrl, filename, "");
    const requested = await requestTranscriptForm(episodeId, filename);
    if (requested.status !== 201) return { failedAt: "request upload", requested };
    const { uploadUrl, fields } = requested.body;
    return { requested, post: await postForm(uploadUrl, fields, file) };
  }

  // A "transcript" of `size` bytes made in the page: storage, not the page, decides whether it fits.
  async function postTranscriptOfSize(episodeId, size) {
    const requested = await requestTranscriptForm(episodeId, null);
    if (requested.status !== 201) return { failedAt: "request upload", requested };
    const file = new File([new Uint8Array(size).fill(49)], "generated.srt");
    const { uploadUrl, fields, maxBytes } = requested.body;
    return { maxBytes, post: await postForm(uploadUrl, fields, file) };
  }

  async function uploadTrack(episodeId, videoUrl, filename, trackName) {
    const file = await download(videoUrl, filename, "video/mp4");
    const report = { fileSize: file.size };
    const episodePath = `/episodes/${encodeURIComponent(episodeId)}`;
    report.start = await call("POST", `${episodePath}/tracks`, { filename: file.name, trackName });
    if (report.start.status !== 200) return { ...report, failedAt: "start" };
    const { uploadId, requiredHeaders } = report.start.body;

    // The name the producer typed, encoded, as a front end builds the path.
    const trackPath = `${episodePath}/tracks/${encodeURIComponent(trackName)}`;
    const partNumbers = Array.from({ length: Math.ceil(file.size / PART_SIZE) }, (_, i) => i + 1);
    report.presigned = await call("POST", `${trackPath}/parts`, { uploadId, partNumbers });
    if (report.presigned.status !== 200) return { ...report, failedAt: "parts" };

    report.parts = await Promise.all(
      report.presigned.body.urls.map(async ({ partNumber, url }) => {
        // A Blob slice has no type: the browser sends no Content-Type.
        const slice = file.slice((partNumber - 1) * PART_SIZE, partNumber * PART_SIZE);
        const answer = await put(url, requiredHeaders, slice);
        log(`PUT part ${partNumber} (${slice.size} bytes): ${answer.status ?? answer.error} ETag ${answer.etag}`);
        return { PartNumber: partNumber, size: slice.size, sliceType: slice.type, ...answer };
      }),
    );
    if (report.parts.some((part) => part.status !== 200 || !part.etag)) return { ...report, failedAt: "put parts" };

    const parts = report.parts.map(({ PartNumber, etag }) => ({ ETag: etag, PartNumber }));
    report.complete = await call("POST", `${trackPath}/complete`, { uploadId, parts });
    if (report.complete.status !== 200) return { ...report, failedAt: "complete" };
    return report;
  }

  window.rawClient = {
    api,
    call,
    createEpisode: (title, episodeNumber) => call("POST", "/episodes", { title, episodeNumber }),
    listEpisodes: () => call("GET", "/episodes"),
    getEpisode: (id) => call("GET", `/episodes/${encodeURIComponent(id)}`),
    listClips: (id) => call("GET", `/episodes/${encodeURIComponent(id)}/clips`),
    uploadTranscript,
    postTranscriptOfSize,
    uploadTrack,
  };
  log(`raw client ready; API ${api}; ${token ? "signed in" : "signed out"}`);
})();
