"""Completing a track upload truthfully: an answer that never came is asked about, never taken for a failure.

`complete` is the request whose answer matters most once every part is sent, and the one most
likely to be lost: S3 may take minutes to put a multi-GB object together, API Gateway gives up
after 29 s, and a connection can drop on the way back. A timeout, a dropped connection or a
gateway's 5xx says nothing about whether the upload completed, so `complete_upload` then asks
the API for the track (the episode's track carrying this `uploadId`) before deciding:

- the track is there: the upload completed, and the track's status says where it is;
- it is not, after waiting long enough for a `complete` still running on the server to finish
  (`settle_seconds`): `complete` is sent again, which is idempotent (a completed upload answers as
  it did), at most `attempts` times in all;
- only then does it fail (`CompletionFailed`), saying what is known.

An answer 202 `Completing` is a success: S3 accepted the parts and is still assembling the object,
and a function of the backend finishes it. `complete_upload` then follows the track (polling the
episode) until it leaves `Completing` or `follow_seconds` pass, whichever comes first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from client.api import ApiError, NullCheckClient
from client.api_types import CompletedPart, CompletedTrack, TrackView
from handlers.contract import TrackStatus

Report = Callable[[str], None]
"""Receives one line for the producer about what happened (an answer lost, a retry, a wait)."""

NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
"""Failures before the request left this machine: the server cannot be running it."""


@dataclass(frozen=True)
class CompletionPolicy:
    """How hard `complete_upload` tries, and how long it waits for S3."""

    attempts: int = 3
    """`complete` requests at most (the first one and two more)."""
    settle_seconds: float = 35.0
    """How long the track is looked for after an unanswered `complete` before it is sent again: longer
    than a request can run on the server (API Gateway's 29 s, the function's 25 s)."""
    poll_seconds: float = 2.0
    """Between two looks at the episode while settling."""
    follow_seconds: float = 900.0
    """How long to wait for a `Completing` track (S3 may take minutes; the backend's function that
    finishes it may run 15); 0: do not wait."""
    follow_poll_seconds: float = 5.0
    """Between two looks at the episode while following."""


class CompletionFailed(Exception):
    """`complete` was never answered and the track does not show the upload completed."""


@dataclass(frozen=True)
class _Upload:
    episode_id: str
    track_name: str
    upload_id: str
    key: str


def complete_upload(
    client: NullCheckClient,
    episode_id: str,
    track_name: str,
    upload_id: str,
    key: str,
    parts: Sequence[CompletedPart],
    *,
    policy: CompletionPolicy | None = None,
    report: Report | None = None,
) -> CompletedTrack:
    """Complete the upload (see above) and follow a `Completing` track; the track as it then stands.

    Raises `ApiError` when the API refuses the first `complete` (the upload did not complete: a bad
    part list, a limit) or a later one while the track still does not show it completed, and
    `CompletionFailed` when no `complete` was answered and the track never showed up.
    """
    policy = policy or CompletionPolicy()
    say = report or _ignore
    upload = _Upload(episode_id, track_name, upload_id, key)
    done = _complete(client, upload, parts, policy, say)
    # `get`: an API from before `Completing` answered without a status (its 200 meant `Unprocessed`).
    if done.get("status") == TrackStatus.COMPLETING and policy.follow_seconds > 0:
        say(
            "S3 is still putting the parts together (a large file can take minutes): "
            f"waiting for it, up to {policy.follow_seconds:g} s."
        )
        done = _follow(client, upload, policy)
    return done


def track_of(client: NullCheckClient, episode_id: str, upload_id: str) -> TrackView | None:
    """The episode's track completed from this upload, None when it has none (raises when the API cannot say)."""
    episode = client.get_episode(episode_id)
    return next((track for track in episode.get("tracks", []) if track.get("uploadId") == upload_id), None)


def _complete(
    client: NullCheckClient, upload: _Upload, parts: Sequence[CompletedPart], policy: CompletionPolicy, say: Report
) -> CompletedTrack:
    """`complete`, asking the API about the track whenever an answer is lost; at most `policy.attempts` times."""
    lost: Exception | None = None
    for attempt in range(1, policy.attempts + 1):
        refusal: ApiError | None = None
        try:
            return client.complete_track_upload(upload.episode_id, upload.track_name, upload.upload_id, parts)
        except ApiError as error:
            if error.status < 500 and attempt == 1:
                raise  # the API refused it: nothing was completed
            if error.status < 500:
                refusal = error
            else:
                lost = error  # a gateway's or function's failure: the function may have completed it
        except httpx.TransportError as error:
            lost = error
        if refusal is not None:
            # A repeated complete refused (the upload's session closed, S3 no longer knows the upload):
            # the request whose answer was lost may have completed it meanwhile.
            say(f"complete was refused this time ({refusal}): asking the API whether an earlier one completed it.")
        else:
            say(f"complete got no answer ({_describe(lost)}): asking the API whether the upload completed.")
        found, known = _settle(client, upload, policy, wait=not isinstance(lost, NEVER_SENT))
        if found is not None:
            say(f"The track shows the upload completed (status {found['status']}).")
            return {"key": upload.key, "trackName": found["trackName"], "status": found["status"]}
        if refusal is not None:
            raise refusal
        if attempt < policy.attempts:
            seen = "the upload has not completed" if known else "the API did not say whether the upload completed"
            say(f"{seen[0].upper()}{seen[1:]}: sending complete again ({attempt + 1} of {policy.attempts}).")
    where = f"`nullcheck episodes show {upload.episode_id}`"
    raise CompletionFailed(
        f"complete got no answer after {policy.attempts} attempts ({_describe(lost)}) and the track does not show "
        f"the upload completed: see {where}, or run the upload again (it resumes the open upload while it lasts)"
    )


def _settle(
    client: NullCheckClient, upload: _Upload, policy: CompletionPolicy, wait: bool
) -> tuple[TrackView | None, bool]:
    """Look for the track now and, if `wait`, every `poll_seconds` for `settle_seconds`.

    Returns the track once it shows up (else None), and whether the API answered any look.
    """
    looks = 1 + (math.ceil(policy.settle_seconds / policy.poll_seconds) if wait and policy.poll_seconds > 0 else 0)
    known = False
    for look in range(looks):
        if look:
            time.sleep(policy.poll_seconds)
        try:
            track = track_of(client, upload.episode_id, upload.upload_id)
        except (ApiError, httpx.TransportError):
            continue  # no answer this time either: look again
        known = True
        if track is not None:
            return track, known
    return None, known


def _follow(client: NullCheckClient, upload: _Upload, policy: CompletionPolicy) -> CompletedTrack:
    """Poll the episode until the track leaves `Completing` or `follow_seconds` pass (then it says `Completing`)."""
    status = TrackStatus.COMPLETING.value
    track_name = upload.track_name
    deadline = time.monotonic() + policy.follow_seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        time.sleep(min(policy.follow_poll_seconds, remaining))
        try:
            track = track_of(client, upload.episode_id, upload.upload_id)
        except (ApiError, httpx.TransportError):
            continue  # a lost look changes nothing: the upload goes on without us
        if track is None:
            break  # deleted since (after S3 refused the parts): nothing more to wait for
        if track["status"] != TrackStatus.COMPLETING:
            status, track_name = track["status"], track["trackName"]
            break
    return {"key": upload.key, "trackName": track_name, "status": status}


def _describe(error: Exception | None) -> str:
    """What went wrong, in a few words (httpx's timeouts have no message of their own)."""
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    text = str(error)
    return text or type(error).__name__


def _ignore(_: str) -> None:
    """The report when the caller gives none."""
