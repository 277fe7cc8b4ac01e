"""The local stack under schemathesis: started once, seeded with real episodes and uploads.

Handlers read their environment at import, so, like tests/e2e, the fuzz tests run in their own
pytest process (`pytest tests/fuzz`). The schema is the one the running stack serves at
`/openapi.json`; a schema-level `flatmap_case` hook swaps in seeded episode ids, track names,
upload ids, parts and page tokens for two cases in three, so every operation reaches its
handler's success path and not only its 404s. Every call is signed in as one user of the tenant
`fuzz` (the seeding and the generated cases alike): its ID token is a fixed header of the schema.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import strategies as st

from handlers.contract import TENANT_LIMIT_DEFAULTS
from local.samples import generate_video
from local.stack import LocalStack, LocalStackConfig
from local.transcripts import sample_transcript

SEED = 20_260_611
"""Fixed (with no example database), so every run generates the same cases."""

Edit = dict[str, dict[str, Any]]
"""Where to put seeded values in a case: `path`, `query` and `body` entries override generated ones;
`replace_body` is the whole body instead of the generated one."""


@dataclass(frozen=True)
class Seeds:
    """What the seeding fixture created through the API, for cases to point at."""

    episodes: tuple[str, ...]
    media_episode: str
    """Has a transcript, a completed and processed track and two open uploads."""
    done_track: str
    done_upload_id: str
    open_track: str
    """An upload that stays open all run: no case names its real part, so S3 refuses every completion."""
    open_upload_id: str
    closing_track: str
    """An upload whose real parts some completions send: the first completes it, the rest repeat."""
    closing_upload_id: str
    closing_parts: tuple[dict[str, Any], ...]
    doomed_track: str
    """An upload only deletes name: the first deletes it (204), the rest find nothing (404)."""
    clip_id: str
    """A clip the agent proposed for the media episode (review and render cases name it)."""
    watched_clip_id: str
    """Another, trimmed into the seeded track's 2 s (preview cases name it)."""
    next_token: str

    def edits(self, method: str, path: str) -> list[Edit]:
        """The seeded variants of a case for one operation (none: the operation is fuzzed as generated)."""
        media, done, opened = self.media_episode, self.done_track, self.open_track
        by_operation: dict[tuple[str, str], list[Edit]] = {
            ("GET", "/episodes"): [{"query": {"nextToken": self.next_token}}],
            ("POST", "/episodes/{episodeId}/tracks/{trackName}/parts"): [
                {"path": {"episodeId": media, "trackName": opened}, "body": {"uploadId": self.open_upload_id}},
                {"path": {"episodeId": media, "trackName": opened}},
                {"path": {"episodeId": media, "trackName": done}, "body": {"uploadId": self.done_upload_id}},
            ],
            ("GET", "/episodes/{episodeId}/tracks/{trackName}/parts"): [
                # The open upload's parts (200), a completed upload's (409), another upload's id (404).
                {"path": {"episodeId": media, "trackName": opened}, "query": {"uploadId": self.open_upload_id}},
                {"path": {"episodeId": media, "trackName": done}, "query": {"uploadId": self.done_upload_id}},
                {"path": {"episodeId": media, "trackName": opened}},
            ],
            ("POST", "/episodes/{episodeId}/tracks/{trackName}/complete"): [
                # Already completed: the idempotent answer, or 409 for another upload's id.
                {"path": {"episodeId": media, "trackName": done}, "body": {"uploadId": self.done_upload_id}},
                {"path": {"episodeId": media, "trackName": done}, "body": {"uploadId": self.open_upload_id}},
                # An open upload with generated parts (S3 refuses them), another with its real part.
                {"path": {"episodeId": media, "trackName": opened}, "body": {"uploadId": self.open_upload_id}},
                {
                    "path": {"episodeId": media, "trackName": self.closing_track},
                    "body": {"uploadId": self.closing_upload_id, "parts": [dict(p) for p in self.closing_parts]},
                },
            ],
            ("PATCH", "/episodes/{episodeId}/tracks/{trackName}"): [
                {"path": {"episodeId": media, "trackName": done}},
                # Generated names rarely pass the printable-name pattern: one that does reaches the 200.
                {"path": {"episodeId": media, "trackName": done}, "replace_body": {"speakers": ["Alice", "Bob"]}},
            ],
            ("DELETE", "/episodes/{episodeId}/tracks/{trackName}"): [
                {"path": {"episodeId": media, "trackName": self.doomed_track}},
            ],
            ("GET", "/episodes/{episodeId}/clips/{clipId}"): [{"path": {"episodeId": media, "clipId": self.clip_id}}],
            ("GET", "/episodes/{episodeId}/clips/{clipId}/preview"): [
                {"path": {"episodeId": media, "clipId": self.watched_clip_id}, "query": {"trackName": done}},
                {"path": {"episodeId": media, "clipId": self.watched_clip_id}},
            ],
            ("PATCH", "/episodes/{episodeId}/clips/{clipId}"): [
                {"path": {"episodeId": media, "clipId": self.clip_id}},
                # A generated body rarely holds ranges inside the transcript: a review alone reaches the 200.
                {"path": {"episodeId": media, "clipId": self.clip_id}, "replace_body": {"status": "approved"}},
            ],
            ("POST", "/episodes/{episodeId}/clips/{clipId}/renders"): [
                {"path": {"episodeId": media, "clipId": self.clip_id}, "body": {"trackName": done}},
                {"path": {"episodeId": media, "clipId": self.clip_id}},
            ],
        }
        if (method.upper(), path) in by_operation:
            return by_operation[(method.upper(), path)]
        # Any other operation on one episode (new routes included): each seeded episode.
        return [{"path": {"episodeId": episode}} for episode in self.episodes] if "{episodeId}" in path else []


def apply_edit(case: schemathesis.Case, edit: Edit) -> schemathesis.Case:
    """Seeded values over generated ones; a body that is not an object (negative cases) stays as it is."""
    if "path" in edit:
        case.path_parameters = {**(case.path_parameters or {}), **edit["path"]}
    if "query" in edit:
        case.query = {**(case.query or {}), **edit["query"]}
    if "body" in edit and isinstance(case.body, dict):
        case.body = {**case.body, **edit["body"]}
    if "replace_body" in edit and isinstance(case.body, dict):
        case.body = dict(edit["replace_body"])
    return case


def seeding_hook(seeds: Seeds) -> Callable[[schemathesis.HookContext, schemathesis.Case], Any]:
    def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case) -> st.SearchStrategy[Any]:
        edits = seeds.edits(case.operation.method, case.operation.path)
        if not edits:
            return st.just(case)
        seeded = st.sampled_from(edits).map(lambda edit: apply_edit(case, edit))
        # Two seeded cases for each generated one (a random id only ever meets the 404 path); seeded
        # ones come first, as Hypothesis favours the low end of a range.
        return st.integers(0, 2).flatmap(lambda n: st.just(case) if n == 2 else seeded)

    return flatmap_case


@dataclass
class FuzzStats:
    """Responses seen per operation, by status code; printed at the end of the session."""

    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))

    def record(self, operation: str, status: int) -> None:
        self.statuses[operation][status] += 1

    @property
    def cases(self) -> int:
        return sum(sum(counter.values()) for counter in self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for counter in self.statuses.values() for status, n in counter.items() if status >= 500)

    def lines(self) -> list[str]:
        rows = [
            f"  {operation}: {sum(counter.values())} cases, by status {dict(sorted(counter.items()))}"
            for operation, counter in self.statuses.items()
        ]
        return [f"fuzz: {self.cases} cases, {self.server_errors} server errors", *rows]


STATS_KEY = pytest.StashKey[FuzzStats]()


@pytest.fixture(scope="session")
def fuzz_stats(request: pytest.FixtureRequest) -> FuzzStats:
    stats = FuzzStats()
    request.config.stash[STATS_KEY] = stats
    return stats


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    stats = config.stash.get(STATS_KEY, None)
    if stats is not None and stats.cases:
        terminalreporter.section("schemathesis")
        for line in stats.lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    # Fuzzing creates episodes and uploads by the thousand: far past one tenant's limits, set high here.
    config = LocalStackConfig(api_port=0, tenant_limits=dict.fromkeys(TENANT_LIMIT_DEFAULTS, 1_000_000))
    with LocalStack(config) as running:
        yield running


@pytest.fixture(scope="session")
def authorization(stack: LocalStack) -> dict[str, str]:
    """The `Authorization` header of a user of the tenant `fuzz` (its ID token lasts an hour, past the run)."""
    password = stack.create_user("fuzz@example.com", "fuzz")
    return {"Authorization": f"Bearer {stack.sign_in('fuzz@example.com', password)['IdToken']}"}


@pytest.fixture(scope="session")
def seeds(stack: LocalStack, authorization: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    """Episodes in each state the API can show, created through the API as a client would."""
    video = generate_video(tmp_path_factory.mktemp("fuzz") / "camera.mp4", 2, width=160, height=120)
    with httpx.Client(base_url=stack.api_url, timeout=60, headers=authorization) as api:
        plain = _created(api, {"title": "Fuzz plain", "episodeNumber": 0})
        full = _created(
            api,
            {
                "title": "Fuzz full",
                "episodeNumber": 1_000_000,
                "summary": "Every optional field",
                "airDate": "2026-06-11T18:00:00+02:00",
                "platforms": ["linkedin live", "X", "twitch", "youtube"],
                "themes": ["fuzzing", "schemas"],
                "seriesName": "NullCheck",
            },
        )
        media = _created(api, {"title": "Fuzz media", "episodeNumber": 2, "airDate": "2026-06-11"})
        _upload_transcript(api, media)
        done = _start_track(api, media, "Done Camera", video.name)
        done_parts = _upload_parts(api, media, done, video.read_bytes())
        completed = api.post(
            f"/episodes/{media}/tracks/{done['trackName']}/complete",
            json={"uploadId": done["uploadId"], "parts": done_parts},
        )
        assert completed.status_code == 200, completed.text
        opened = _start_track(api, media, "Open Camera", video.name)
        _upload_parts(api, media, opened, video.read_bytes())
        closing = _start_track(api, media, "Closing Camera", video.name)
        closing_parts = _upload_parts(api, media, closing, video.read_bytes())
        doomed = _start_track(api, media, "Doomed Camera", video.name)
        page = api.get("/episodes", params={"limit": 1})
        assert page.status_code == 200 and page.json().get("nextToken"), page.text
        assert stack.wait_idle(120), "the seeded track was not processed in time"
        clips = api.get(f"/episodes/{media}/clips").json()["items"]
        assert len(clips) >= 2, "the clip agent proposed fewer than two clips for the seeded transcript"
        # The video lasts 2 s: one clip trimmed into it, so its preview has something to play.
        watched = clips[-1]["clipId"]
        trimmed = api.patch(
            f"/episodes/{media}/clips/{watched}",
            json={"segments": [{"startTime": "00:00:01,000", "endTime": "00:00:01,900"}]},
        )
        assert trimmed.status_code == 200, trimmed.text
    return Seeds(
        episodes=(plain, full, media),
        media_episode=media,
        done_track=done["trackName"],
        done_upload_id=done["uploadId"],
        open_track=opened["trackName"],
        open_upload_id=opened["uploadId"],
        closing_track=closing["trackName"],
        closing_upload_id=closing["uploadId"],
        closing_parts=tuple(closing_parts),
        doomed_track=doomed["trackName"],
        clip_id=clips[0]["clipId"],
        watched_clip_id=watched,
        next_token=page.json()["nextToken"],
    )


def _created(api: httpx.Client, episode: dict[str, Any]) -> str:
    answer = api.post("/episodes", json=episode)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _upload_transcript(api: httpx.Client, episode_id: str) -> None:
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={"filename": "fuzz.srt"})
    assert upload.status_code == 201, upload.text
    form = upload.json()
    body = sample_transcript(minutes=2).encode()
    posted = httpx.post(form["uploadUrl"], data=form["fields"], files={"file": ("fuzz.srt", body)})
    assert posted.status_code == 204, posted.text


def _start_track(api: httpx.Client, episode_id: str, track: str, filename: str) -> dict[str, Any]:
    session = api.post(f"/episodes/{episode_id}/tracks", json={"filename": filename, "trackName": track})
    assert session.status_code == 200, session.text
    return dict(session.json())


def _upload_parts(api: httpx.Client, episode_id: str, session: dict[str, Any], data: bytes) -> list[dict[str, Any]]:
    """The whole file as part 1 (a single part may be any size)."""
    urls = api.post(
        f"/episodes/{episode_id}/tracks/{session['trackName']}/parts",
        json={"uploadId": session["uploadId"], "partNumbers": [1]},
    )
    assert urls.status_code == 200, urls.text
    put = httpx.put(urls.json()["urls"][0]["url"], content=data, headers=session["requiredHeaders"], timeout=60)
    assert put.status_code == 200, put.text
    return [{"ETag": put.headers["ETag"], "PartNumber": 1}]


@pytest.fixture(scope="session")
def api_schema(stack: LocalStack, seeds: Seeds, authorization: dict[str, str]) -> schemathesis.BaseSchema:
    """The document the running stack serves, with its base URL, the user's token and the seeding hook."""
    config = schemathesis.Config.from_dict({"seed": SEED, "generation": {"database": "none"}})
    schema = schemathesis.openapi.from_url(f"{stack.api_url}/openapi.json", config=config)
    # The document has no `servers`: requests go to the stage the stack serves. Every case carries
    # the token as a fixed header (never generated), so cases reach the handlers, not the 401.
    schema.config.update(base_url=stack.api_url, headers=authorization)
    schema.hook(seeding_hook(seeds))
    return schema
