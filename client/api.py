"""Typed HTTP client of the NullCheck REST API (SPEC §1).

One method per endpoint, answers typed as the API's JSON (camelCase keys, as on the wire), so
the command line and scripts share one place that knows the contract. Any non-2xx answer
becomes an `ApiError` carrying the status and the API's `{"message": ...}`; callers never parse
error bodies themselves. Every request carries the signed-in user's ID token in `Authorization`
(`Bearer <token>`, or whatever `authorization` returns, asked again for each request so a long
upload keeps a fresh token).

The answers are typed in `client.api_types`, each held to the API's OpenAPI document by a test.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from client.api_types import (
    CaptionLine,
    Clip,
    ClipList,
    ClipPreview,
    ClipRange,
    CompletedPart,
    CompletedTrack,
    CreatedEpisode,
    EpisodeDetail,
    EpisodePage,
    EpisodeSummary,
    PartUrl,
    PartUrls,
    RenderAccepted,
    TrackUpload,
    TrackView,
    TranscriptUpload,
    UploadedParts,
)
from handlers.contract import RenderFormat

DEFAULT_TIMEOUT = 30.0
DEFAULT_RENDER_FORMAT: RenderFormat = "vertical"
"""The format the API renders when a request names none; the CLI sends it explicitly."""


class ApiError(Exception):
    """A non-2xx answer from the API: its status and the message it gave."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status = status
        self.message = message


class AuthorizationHeader(httpx.Auth):
    """Sets `Authorization` on every request from a callable (which may refresh the token)."""

    def __init__(self, header: Callable[[], str]) -> None:
        self.header = header

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.header()
        yield request


def bearer(id_token: str) -> Callable[[], str]:
    """The header of a fixed ID token."""
    return lambda: f"Bearer {id_token}"


class NullCheckClient:
    """Client of one NullCheck API, e.g. `http://127.0.0.1:3000/api` (the stage URL, no trailing path).

    `authorization` gives the `Authorization` header of each request (`bearer(id_token)`, or a
    session that refreshes its token); `transport` replaces the network (tests pass an
    `httpx.MockTransport`). The underlying `httpx.Client` is thread-safe, so upload workers may
    share one instance.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        authorization: Callable[[], str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)
        if authorization is not None:
            self.authorize(authorization)

    def authorize(self, authorization: Callable[[], str]) -> None:
        """Send `authorization()` as the `Authorization` header of every request from now on."""
        self._http.auth = AuthorizationHeader(authorization)

    def __enter__(self) -> NullCheckClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def create_episode(
        self,
        title: str,
        episode_number: int,
        *,
        summary: str | None = None,
        air_date: str | None = None,
        platforms: Sequence[str] = (),
        themes: Sequence[str] = (),
        series_name: str | None = None,
    ) -> str:
        """Create an episode (status `Draft`) and return its id. The API validates every field."""
        body: dict[str, Any] = {"title": title, "episodeNumber": episode_number}
        optional = {"summary": summary, "airDate": air_date, "seriesName": series_name}
        body.update({name: value for name, value in optional.items() if value is not None})
        if platforms:
            body["platforms"] = list(platforms)
        if themes:
            body["themes"] = list(themes)
        created: CreatedEpisode = self._call("POST", "/episodes", json=body)
        return str(created["id"])

    def list_episodes(self, *, limit: int | None = None, next_token: str | None = None) -> EpisodePage:
        """One page of episodes, newest first; pass the page's `nextToken` to get the next one."""
        params: dict[str, str | int] = {}
        if limit is not None:
            params["limit"] = limit
        if next_token is not None:
            params["nextToken"] = next_token
        return self._call("GET", "/episodes", params=params)

    def iter_episodes(self, *, limit: int | None = None) -> Iterator[EpisodeSummary]:
        """Every episode, newest first, following `nextToken` across pages of `limit` items."""
        next_token: str | None = None
        while True:
            page = self.list_episodes(limit=limit, next_token=next_token)
            yield from page["items"]
            next_token = page.get("nextToken")
            if not next_token:
                return

    def get_episode(self, episode_id: str) -> EpisodeDetail:
        """The episode with its tracks, transcript state and clip count."""
        return self._call("GET", _episode_path(episode_id))

    def create_transcript_upload(self, episode_id: str, filename: str | None = None) -> TranscriptUpload:
        """A presigned POST form for the episode's SRT transcript (the same one while it is valid)."""
        body = {"filename": filename} if filename is not None else {}
        return self._call("POST", f"{_episode_path(episode_id)}/transcripts", json=body)

    def start_track_upload(
        self,
        episode_id: str,
        filename: str,
        track_name: str,
        *,
        size: int | None = None,
        part_size: int | None = None,
        speakers: Sequence[str] = (),
    ) -> TrackUpload:
        """Start (or resume, while the session lives) the multipart upload of a video track.

        With `size` (and `part_size`), the same file started again while its session is open gets
        that session, with the part size it was started with. `speakers`: the people the track shows.
        """
        body: dict[str, Any] = {"filename": filename, "trackName": track_name}
        if speakers:
            body["speakers"] = list(speakers)
        if size is not None:
            body["size"] = size
        if part_size is not None:
            body["partSize"] = part_size
        return self._call("POST", f"{_episode_path(episode_id)}/tracks", json=body)

    def update_track(
        self,
        episode_id: str,
        track_name: str,
        *,
        speakers: Sequence[str] | None = None,
        program_audio: bool | None = None,
    ) -> TrackView:
        """Name the people a track shows (`[]`: none) and/or make it the episode's program audio (or not)."""
        body: dict[str, Any] = {}
        if speakers is not None:
            body["speakers"] = list(speakers)
        if program_audio is not None:
            body["programAudio"] = program_audio
        return self._call("PATCH", f"{_episode_path(episode_id)}/tracks/{quote(track_name, safe='')}", json=body)

    def list_track_parts(self, episode_id: str, track_name: str, upload_id: str) -> UploadedParts:
        """The parts storage already holds of the track's open upload (number, size, ETag)."""
        return self._call("GET", f"{_track_path(episode_id, track_name)}/parts", params={"uploadId": upload_id})

    def get_part_urls(
        self, episode_id: str, track_name: str, upload_id: str, part_numbers: Sequence[int]
    ) -> list[PartUrl]:
        """Presigned PUT URLs for the given parts (1 to 10000) of a track upload."""
        body = {"uploadId": upload_id, "partNumbers": list(part_numbers)}
        answer: PartUrls = self._call("POST", f"{_track_path(episode_id, track_name)}/parts", json=body)
        return answer["urls"]

    def complete_track_upload(
        self, episode_id: str, track_name: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> CompletedTrack:
        """Complete the multipart upload; the API records the track and starts its processing."""
        body = {"uploadId": upload_id, "parts": list(parts)}
        return self._call("POST", f"{_track_path(episode_id, track_name)}/complete", json=body)

    def list_clips(self, episode_id: str) -> list[Clip]:
        """The clips proposed for the episode."""
        answer: ClipList = self._call("GET", f"{_episode_path(episode_id)}/clips")
        return answer["items"]

    def get_clip(self, episode_id: str, clip_id: str) -> Clip:
        """One clip with its renders (`downloadUrl` once rendered)."""
        return self._call("GET", _clip_path(episode_id, clip_id))

    def review_clip(self, episode_id: str, clip_id: str, *, status: str | None = None, hook: str | None = None) -> Clip:
        """Approve, reject or reset a clip, and/or give it a better hook."""
        body = {name: value for name, value in (("status", status), ("hook", hook)) if value is not None}
        return self._call("PATCH", _clip_path(episode_id, clip_id), json=body)

    def edit_clip(
        self,
        episode_id: str,
        clip_id: str,
        *,
        segments: Sequence[ClipRange] | None = None,
        captions: Sequence[CaptionLine] | None = None,
        reset: bool = False,
        expected_revision: int | None = None,
    ) -> Clip:
        """Shape a clip: new ranges and/or caption lines, or back to the agent's proposal (`reset`); each
        accepted edit is a new revision (409 when `expected_revision` is not the clip's any more)."""
        body: dict[str, Any] = {}
        if segments is not None:
            body["segments"] = [{"startTime": s["startTime"], "endTime": s["endTime"]} for s in segments]
        if captions is not None:
            body["captions"] = list(captions)
        if reset:
            body["reset"] = True
        if expected_revision is not None:
            body["expectedRevision"] = expected_revision
        return self._call("PATCH", _clip_path(episode_id, clip_id), json=body)

    def clip_preview(self, episode_id: str, clip_id: str, *, track: str | None = None) -> ClipPreview:
        """A presigned HLS playlist of the clip at its current revision (ffmpeg, VLC, hls.js play it for an hour)."""
        params = {"trackName": track} if track else None
        return self._call("GET", f"{_clip_path(episode_id, clip_id)}/preview", params=params)

    def request_render(
        self,
        episode_id: str,
        clip_id: str,
        *,
        format: str = DEFAULT_RENDER_FORMAT,
        captions: bool = True,
        track: str | None = None,
        layout: str | None = None,
        caption_style: str | None = None,
    ) -> RenderAccepted:
        """Start (or find) the render of a clip; poll `get_clip` until it is Rendered or RenderFailed. `layout`:
        `speaker` or `single` (default: speaker when a track of the episode names speakers)."""
        body: dict[str, Any] = {"format": format, "captions": captions}
        if track:
            body["trackName"] = track
        if layout:
            body["layout"] = layout
        if caption_style:
            body["captionStyle"] = caption_style  # social or classic (default: social for vertical)
        return self._call("POST", f"{_clip_path(episode_id, clip_id)}/renders", json=body)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request and return its JSON body; raise `ApiError` on a non-2xx answer."""
        response = self._http.request(method, path, **kwargs)
        if not response.is_success:
            raise ApiError(response.status_code, error_message(response))
        return response.json()


def error_message(response: httpx.Response) -> str:
    """The API's `{"message": ...}`, else the body text (a gateway page), else the reason phrase."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    return response.text.strip()[:500] or response.reason_phrase


def _episode_path(episode_id: str) -> str:
    return f"/episodes/{quote(episode_id, safe='')}"


def _clip_path(episode_id: str, clip_id: str) -> str:
    return f"{_episode_path(episode_id)}/clips/{quote(clip_id, safe='')}"


def _track_path(episode_id: str, track_name: str) -> str:
    return f"{_episode_path(episode_id)}/tracks/{quote(track_name, safe='')}"
