"""Uploads to the presigned S3 URLs the API hands out: multipart video tracks and SRT transcripts (a form POST).

Tracks are several GB, so a file is never read whole: each part is streamed from disk in small
chunks by a worker thread, and the parts go up concurrently. Part URLs are fetched lazily in
batches, just before they are used, so none sits idle long enough to expire (they live 15 min).
A failed part is retried with a fresh URL and backoff; only when every part has its ETag is the
upload completed through the API, which records the track and starts its processing
(`client.completion`: an answer to `complete` that never came is asked about, never taken for a failure).

An interrupted upload resumes: the start sends the file's size and part size, so the same file
(same name and size) started again while its session is open gets the same upload, with the
part size it began with. Its parts list (`GET …/parts`) says which parts storage holds; each is
kept only when its ETag is the MD5 of the file's bytes at that place, and only the others are
sent. The CLI keeps no state of its own: the session and storage hold it.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import httpx

from client.api import ApiError, NullCheckClient
from client.api_types import CompletedPart, CompletedTrack, UploadedPart
from client.completion import CompletionPolicy, Report, complete_upload
from handlers.contract import MAX_TRANSCRIPT_BYTES

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3's minimum for every part but the last
DEFAULT_PART_SIZE = 8 * MIB
MAX_PARTS = 10_000  # S3's limit per multipart upload
DEFAULT_CONCURRENCY = 4
DEFAULT_ATTEMPTS = 3
DEFAULT_RETRY_DELAY = 1.0
DEFAULT_URL_BATCH = 20
CHUNK_SIZE = 256 * 1024  # granularity of reads from disk and of progress reports
STORAGE_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

ProgressCallback = Callable[[int], None]
"""Receives the number of bytes sent since the last call, from worker threads (so it must be
thread-safe, as rich's `Progress.advance` is). A negative number takes back the bytes of an
attempt that failed and will be sent again, so the running total never exceeds the file size."""


class UploadError(Exception):
    """An upload that cannot finish: a part failed every attempt, or the file cannot be sent."""


@dataclass(frozen=True)
class Part:
    """One part of a multipart upload: its 1-based number and its byte range in the file."""

    number: int
    offset: int
    size: int


@dataclass(frozen=True)
class _Session:
    """What every part request needs to know about the upload it belongs to."""

    episode_id: str
    track_name: str
    upload_id: str
    headers: dict[str, str]


def fitting_part_size(file_size: int, part_size: int) -> int:
    """`part_size`, grown (to whole MiB) when the file would otherwise need more than S3's 10,000 parts."""
    if part_size < MIN_PART_SIZE:
        raise ValueError(f"part size must be at least {MIN_PART_SIZE // MIB} MiB")
    if file_size <= 0:
        raise UploadError("the file is empty")
    if math.ceil(file_size / part_size) > MAX_PARTS:
        part_size = math.ceil(file_size / MAX_PARTS / MIB) * MIB
    return part_size


def plan_parts(file_size: int, part_size: int) -> list[Part]:
    """Split `file_size` bytes into parts of `part_size` (the last one shorter).

    The part size grows (to whole MiB) when the file would otherwise need more than S3's 10,000
    parts, so a very large file still uploads with the default setting.
    """
    part_size = fitting_part_size(file_size, part_size)
    return [
        Part(number=index + 1, offset=offset, size=min(part_size, file_size - offset))
        for index, offset in enumerate(range(0, file_size, part_size))
    ]


def upload_track(
    client: NullCheckClient,
    episode_id: str,
    path: Path,
    track_name: str,
    *,
    part_size: int = DEFAULT_PART_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: ProgressCallback | None = None,
    transport: httpx.BaseTransport | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
    retry_delay: float = DEFAULT_RETRY_DELAY,
    url_batch: int = DEFAULT_URL_BATCH,
    completion: CompletionPolicy | None = None,
    report: Report | None = None,
    speakers: Sequence[str] = (),
) -> CompletedTrack:
    """Upload the file at `path` as track `track_name` of the episode and complete the upload (`speakers`: the
    people the track shows, as the transcript labels them).

    `transport` replaces the network for the part PUTs to S3 (not for the API calls, which go
    through `client`). A part is tried `attempts` times, waiting `retry_delay` seconds doubled
    after each failure. Raises `UploadError` when a part fails every attempt (the upload is then
    left incomplete: running again with the same file while the API's session is open, 30 minutes
    after the last part URLs were signed, resumes it, sending only the parts storage lacks or holds
    with another MD5) and `ApiError` when the API refuses to start or complete the upload.

    Completing follows `completion` (`client.completion.complete_upload`): a lost answer is asked
    about, and `complete` sent again, before `CompletionFailed` is raised; a `Completing` track is
    waited for. The answer's `status` says where the track is (`Completing` still, when the wait
    ended first); `report` receives a line for the producer at each of those steps.
    """
    if concurrency < 1 or attempts < 1 or url_batch < 1:
        raise ValueError("concurrency, attempts and url_batch must be at least 1")
    size = path.stat().st_size
    part_size = fitting_part_size(size, part_size)
    named = {"speakers": list(speakers)} if speakers else {}
    started = client.start_track_upload(episode_id, path.name, track_name, size=size, part_size=part_size, **named)
    # A resumed upload keeps the part size it began with.
    parts = plan_parts(size, started.get("partSize", part_size))
    session = _Session(episode_id, stored_track_name(started["key"]), started["uploadId"], started["requiredHeaders"])
    progress = progress or _ignore
    stored = client.list_track_parts(episode_id, session.track_name, session.upload_id)["parts"]
    kept = _kept_parts(path, parts, stored, progress, concurrency)
    if stored:
        _say(report, _resumed(len(parts), len(stored), len(kept)))
    missing = [part for part in parts if part.number not in kept]
    urls = _PartUrls(client, session, [part.number for part in missing], url_batch)
    with httpx.Client(transport=transport, timeout=STORAGE_TIMEOUT) as storage:
        sender = _PartSender(storage, urls, path, session.headers, progress, attempts, retry_delay)
        completed = [*kept.values(), *_send_all(missing, sender.send, concurrency)]
    completed.sort(key=lambda part: part["PartNumber"])
    return complete_upload(
        client,
        episode_id,
        session.track_name,
        session.upload_id,
        started["key"],
        completed,
        policy=completion,
        report=report,
    )


def _kept_parts(
    path: Path, parts: list[Part], stored: list[UploadedPart], progress: ProgressCallback, concurrency: int
) -> dict[int, CompletedPart]:
    """The parts storage already holds as the file has them: same size, ETag the MD5 of the same bytes.

    Read and hashed on the thread pool; a kept part counts as sent for `progress`.
    """
    planned = {part.number: part for part in parts}
    candidates = [
        (planned[item["partNumber"]], item["etag"])
        for item in stored
        if item["partNumber"] in planned and item["size"] == planned[item["partNumber"]].size
    ]

    def check(candidate: tuple[Part, str]) -> CompletedPart | None:
        part, etag = candidate
        if etag.strip('"').lower() != _md5_of(path, part):
            return None
        progress(part.size)
        return {"ETag": etag, "PartNumber": part.number}

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="md5") as pool:
        checked = list(pool.map(check, candidates))
    return {part["PartNumber"]: part for part in checked if part is not None}


def _md5_of(path: Path, part: Part) -> str:
    """The hex MD5 of the part's bytes in the file, read in chunks."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as file:
        file.seek(part.offset)
        for chunk in _read_chunks(file, part.size):
            digest.update(chunk)
    return digest.hexdigest()


def _resumed(total: int, stored: int, kept: int) -> str:
    """The producer's line about a resumed upload: what was there, what is sent now."""
    line = f"Resuming the upload: {stored} of {total} parts were already uploaded"
    if kept < stored:
        line += f" ({stored - kept} of them differ from the file and are sent again)"
    return f"{line}; sending {total - kept}."


def _say(report: Report | None, line: str) -> None:
    if report is not None:
        report(line)


def upload_transcript(
    client: NullCheckClient, episode_id: str, path: Path, *, transport: httpx.BaseTransport | None = None
) -> str:
    """POST the SRT file to the episode's presigned transcript form and return its object key.

    The form's fields (the key, the filename as metadata, the signed policy) go first, as given,
    then the file, streamed from disk. Storage refuses an empty file or one over the API's
    `maxBytes`; such a file is refused here before the API is asked for a form (each form counts
    towards the episode's transcript uploads). The episode changes once S3 reports the object
    (asynchronously).
    """
    size = path.stat().st_size
    if size == 0:
        raise UploadError("the file is empty")
    if size > MAX_TRANSCRIPT_BYTES:
        raise UploadError(
            f"the file is {size / MIB:.1f} MiB, larger than the {MAX_TRANSCRIPT_BYTES // MIB} MiB a transcript may be"
        )
    target = client.create_transcript_upload(episode_id, path.name)
    with httpx.Client(transport=transport, timeout=STORAGE_TIMEOUT) as storage, path.open("rb") as file:
        # httpx sends `data` before `files`: S3 reads the fields before the file and ignores any after it.
        response = storage.post(target["uploadUrl"], data=target["fields"], files={"file": (path.name, file)})
    if not response.is_success:
        raise UploadError(f"storage refused the transcript: HTTP {response.status_code} {response.text[:300]}")
    return target["key"]


def stored_track_name(key: str) -> str:
    """The track name as the API stored it, read from the object key `{episodeId}/tracks/{trackName}{.ext}`.

    The API sanitises the name it is given (lower case, `[a-z0-9-_]`), and the part and complete
    routes address the sanitised name, which the start answer only carries inside the key.
    """
    return PurePosixPath(key).name.split(".", 1)[0]


def _send_all(parts: list[Part], send: Callable[[Part], CompletedPart], concurrency: int) -> list[CompletedPart]:
    """Send every part on a thread pool; on the first part that fails for good, cancel the rest."""
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="part") as pool:
        futures: list[Future[CompletedPart]] = [pool.submit(send, part) for part in parts]
        try:
            completed = [future.result() for future in as_completed(futures)]
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return sorted(completed, key=lambda part: part["PartNumber"])


class _PartUrls:
    """Presigned part URLs, fetched in batches on first need and handed out once each.

    Workers take parts in ascending order, so the batch fetched for part n covers the next parts
    they will need. A URL is handed out once: a retry asks again and gets a fresh one, which also
    recovers from an expired URL.
    """

    def __init__(self, client: NullCheckClient, session: _Session, numbers: list[int], batch: int) -> None:
        self._client = client
        self._session = session
        self._unfetched = dict.fromkeys(numbers)  # an ordered set
        self._batch = batch
        self._urls: dict[int, str] = {}
        self._lock = threading.Lock()

    def take(self, number: int) -> str:
        """The URL for part `number`, fetching it (and the next unfetched parts) when needed."""
        with self._lock:
            if number not in self._urls:
                following = (other for other in self._unfetched if other != number)
                self._fetch(sorted([number, *islice(following, self._batch - 1)]))
            if number not in self._urls:
                raise UploadError(f"the API returned no URL for part {number}")
            return self._urls.pop(number)

    def _fetch(self, numbers: list[int]) -> None:
        session = self._session
        answer = self._client.get_part_urls(session.episode_id, session.track_name, session.upload_id, numbers)
        for item in answer:
            self._urls[item["partNumber"]] = item["url"]
            self._unfetched.pop(item["partNumber"], None)


class _PartSender:
    """Sends one part with retries; the thread-pool task behind `upload_track`."""

    def __init__(
        self,
        storage: httpx.Client,
        urls: _PartUrls,
        path: Path,
        headers: dict[str, str],
        progress: ProgressCallback,
        attempts: int,
        retry_delay: float,
    ) -> None:
        self._storage = storage
        self._urls = urls
        self._path = path
        self._headers = headers
        self._progress = progress
        self._attempts = attempts
        self._retry_delay = retry_delay

    def send(self, part: Part) -> CompletedPart:
        """PUT the part until S3 answers with its ETag, or raise `UploadError` after the last attempt."""
        last_error: Exception | None = None
        with self._path.open("rb") as file:
            for attempt in range(self._attempts):
                if attempt:
                    time.sleep(self._retry_delay * 2 ** (attempt - 1))
                try:
                    return self._attempt(file, part)
                except (httpx.HTTPError, ApiError, _PartRefused) as error:
                    last_error = error
        raise UploadError(f"part {part.number} failed after {self._attempts} attempts: {last_error}") from last_error

    def _attempt(self, file: BinaryIO, part: Part) -> CompletedPart:
        """One PUT of the part with a fresh URL; a failed attempt takes back the progress it reported."""
        body = _PartBody(file, part, self._progress)
        try:
            url = self._urls.take(part.number)
            response = self._storage.put(url, content=body, headers={**self._headers, "Content-Length": str(part.size)})
            etag = response.headers.get("ETag")
            if not response.is_success or not etag:
                raise _PartRefused(f"HTTP {response.status_code}{'' if etag else ', no ETag'}: {response.text[:200]}")
        except BaseException:
            self._progress(-body.sent)
            raise
        return {"ETag": etag, "PartNumber": part.number}


class _PartRefused(Exception):
    """Storage answered a part PUT without success (or without an ETag); worth another attempt."""


class _PartBody:
    """A part's bytes streamed from the file in chunks, counting (and reporting) what was sent."""

    def __init__(self, file: BinaryIO, part: Part, progress: ProgressCallback) -> None:
        self._file = file
        self._part = part
        self._progress = progress
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        self._file.seek(self._part.offset)
        for chunk in _read_chunks(self._file, self._part.size):
            yield chunk
            # httpx asks for the next chunk once this one is written: now it counts as sent.
            self.sent += len(chunk)
            self._progress(len(chunk))


def _read_chunks(file: BinaryIO, size: int) -> Iterator[bytes]:
    """Up to `size` bytes from the file's position, in chunks of at most `CHUNK_SIZE`."""
    remaining = size
    while remaining > 0:
        chunk = file.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            raise UploadError("the file got shorter while it was being uploaded")
        remaining -= len(chunk)
        yield chunk


def _ignore(_: int) -> None:
    """The progress callback when the caller gives none."""
