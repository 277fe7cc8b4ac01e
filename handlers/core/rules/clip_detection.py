"""From a transcript upload to stored clips and an episode summary, or to the reason it is invalid.

The agent (`domain.clip_agent`) converses with the model; its `createClip` calls are executed
here (`ClipStore`: checked by `domain.clip_proposals`, stored by `store.clips`). A new
transcript's clips replace the proposals of earlier ones; clips a producer approved or edited are
kept. A clip is stored with its caption lines (the transcript's cues in its ranges) and the
transcript's span, so it can be edited and rendered after the transcript expires (`domain.clip_edits`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError
from pydantic import ValidationError

from handlers.contract import ReviewStatus, TranscriptStatus
from handlers.core.domain import clip_agent, clip_edits
from handlers.core.domain.clip_proposals import (
    CLIP_TYPES,
    ClipProposal,
    CreateClipInput,
    ToolOutcome,
    clip_errors,
    content_hash,
    duration,
)
from handlers.core.domain.srt import MAX_TRANSCRIPT_BYTES, InvalidTranscript, Transcript, parse_srt, quote, too_large
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.settings import TenantLimits
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import clips, episodes, object_keys, records, transcripts, usage
from handlers.core.store.memory import ConversationMemory, series_actor

logger = Logger(child=True)
DEFAULT_SERIES = "unassigned"
PERMANENT_MODEL_ERRORS = {"ValidationException"}
"""Bedrock's answer to a request it will never accept (e.g. input too long for the model)."""


@dataclass(frozen=True)
class AgentServices:
    table: Table
    s3: Any
    bedrock: Any
    agentcore: Any
    bucket: str
    memory_id: str
    model_id: str
    limits: TenantLimits = field(default_factory=TenantLimits)


def detect_clips(services: AgentServices, key: str) -> dict[str, Any]:
    """Run the clip agent over a transcript upload; record on the episode what came of it.

    A transcript that cannot be used (too large, not text, not SRT, refused by the model) is a
    permanent failure: recorded as `Invalid` with the reason, logged once, never retried. The
    proposals of an earlier transcript are replaced only once the new one has produced clips.
    """
    located = object_keys.transcript_of_key(key)
    if located is None:
        return {"skipped": f"{key[:300]} is not an episode transcript"}
    episode, transcript_id = located
    record = episodes.get(services.table, episode)
    if record is None or transcripts.is_superseded(record, key):
        logger.info("transcript of an unknown episode, or superseded by a newer one", extra={"key": key})
        return {"skipped": "unknown episode or superseded transcript"}
    series = record.get("seriesName") or DEFAULT_SERIES
    try:
        transcript, etag = _read(services, key)
        _count_run(services, episode, (transcript_id, etag))
        store = ClipStore(services.table, episode, series, transcript, TranscriptSource(key, etag))
        context = clip_agent.EpisodeContext(episode_id=episode.id, title=record["title"], series=series)
        memory = ConversationMemory(
            services.agentcore, services.memory_id, actor_id=series_actor(episode.tenant, series), session_id=episode.id
        )
        result = _ask_model(services, context, transcript, memory, store)
    except InvalidTranscript as problem:
        return _refuse(services, episode, key, problem.reason)
    # Proposals first, then the status: whoever sees ClipsProposed sees the final clips.
    if not transcripts.record_clips_source(services.table, episode, key, result.summary):
        # A newer transcript's clips landed while the model worked: these proposals are stale.
        removed = remove_proposals(services.table, episode, series, keep=lambda clip: clip.get("transcriptKey") != key)
        logger.info("proposals of a superseded transcript removed", extra={"key": key, "removed": removed})
        return {"episodeId": episode.id, "superseded": True}
    replaced = remove_proposals(services.table, episode, series, keep=from_source(key, etag))
    transcripts.record_outcome(services.table, episode, key, TranscriptStatus.CLIPS_PROPOSED)
    logger.info("clip agent finished", extra={"episode_id": episode.id, "replaced": replaced, **vars(result)})
    return {"episodeId": episode.id, "stored": result.stored, "replaced": replaced, "turns": result.turns}


def _count_run(services: AgentServices, episode: EpisodeRef, transcript: tuple[str, str]) -> None:
    """Count this run against the tenant's limits; a transcript past them is `Invalid`, saying which."""
    limits, now = services.limits, datetime.now(UTC)
    refused = usage.count_agent_run(
        services.table, episode, transcript, limits.agent_runs_per_transcript, limits.agent_runs_per_day, now
    )
    if refused is None or usage.agent_run_counted(services.table, episode, *transcript):
        return  # counted now, or when this content was first run (this is a retry)
    if usage.DAY_RUNS in refused.items:
        raise InvalidTranscript(
            f"limit agent_runs_per_day reached: {limits.agent_runs_per_day} clip agent runs a day (UTC days);"
            " upload the transcript again after 00:00 UTC, or ask your platform team for a higher limit"
        )
    raise InvalidTranscript(
        f"limit agent_runs_per_transcript reached: the clip agent ran {limits.agent_runs_per_transcript} times"
        " over this transcript; ask for a new transcript upload URL to upload another"
    )


def _read(services: AgentServices, key: str) -> tuple[Transcript, str]:
    """The parsed transcript and the ETag of the content read; refuses oversized files unread."""
    answer = services.s3.get_object(Bucket=services.bucket, Key=key)
    if answer["ContentLength"] > MAX_TRANSCRIPT_BYTES:
        answer["Body"].close()
        raise InvalidTranscript(too_large(answer["ContentLength"]))
    return parse_srt(answer["Body"].read()), answer["ETag"]


def _ask_model(
    services: AgentServices,
    context: clip_agent.EpisodeContext,
    transcript: Transcript,
    memory: ConversationMemory,
    store: ClipStore,
) -> clip_agent.AgentRun:
    """The agent's run; a request the model refuses as invalid is the transcript's problem, not a glitch."""
    try:
        return clip_agent.run(services.bedrock, services.model_id, context, transcript, memory, store)
    except ClientError as error:
        if error.response["Error"]["Code"] not in PERMANENT_MODEL_ERRORS:
            raise  # throttling, timeouts, service errors: retried
        message = error.response["Error"].get("Message", "")
        raise InvalidTranscript(f"the model refused the transcript: {quote(message, 160)}") from error


def _refuse(services: AgentServices, episode: EpisodeRef, key: str, reason: str) -> dict[str, Any]:
    earlier = sum(1 for clip in clips.of_episode(services.table, episode) if clip.get("transcriptKey") != key)
    error = reason + (f"; the {earlier} clips of the previous transcript are kept" if earlier else "")
    recorded = transcripts.record_outcome(services.table, episode, key, TranscriptStatus.INVALID, error=error)
    logger.warning("transcript refused", extra={"key": key, "reason": reason, "recorded": recorded})
    return {"episodeId": episode.id, "invalid": reason}


def remove_proposals(table: Table, episode: EpisodeRef, series: str, keep: Callable[[dict[str, Any]], bool]) -> int:
    """Delete the episode's clips that are not approved, not edited and not kept; the number removed.

    An approval or an edit racing the removal wins: the clip is removed only if still neither.
    """
    removed = 0
    for clip in clips.of_episode(table, episode):
        if clip.get("status") == ReviewStatus.APPROVED.value or clip_edits.is_edited(clip) or keep(clip):
            continue
        if clips.remove_unapproved(table, episode.tenant, clip, clip.get("series") or series):
            removed += 1
    return removed


def from_source(key: str, etag: str) -> Callable[[dict[str, Any]], bool]:
    """Keep the clips proposed from this transcript content."""
    return lambda clip: clip.get("transcriptKey") == key and clip.get("transcriptEtag") == etag


@dataclass(frozen=True)
class TranscriptSource:
    """The transcript object (and its content, by ETag) clips are proposed from."""

    key: str
    etag: str


class ClipStore:
    """Executes `createClip` for one episode: the handler, never the model, names the episode."""

    def __init__(
        self, table: Table, episode: EpisodeRef, series: str, transcript: Transcript, source: TranscriptSource
    ) -> None:
        self.table, self.episode, self.series, self.transcript = table, episode, series, transcript
        self.source = source

    def create_clips(self, tool_input: Any) -> ToolOutcome:
        try:
            request = CreateClipInput.model_validate(tool_input)
        except ValidationError as error:
            issues = [{"location": list(e["loc"]), "error": e["msg"]} for e in error.errors()]
            return ToolOutcome(rejected=[{"index": None, "errors": issues}])
        outcome = ToolOutcome()
        clips.ensure_statistics(self.table, self.episode.tenant, self.series, CLIP_TYPES)
        for index, clip in enumerate(request.clips):
            errors = clip_errors(clip, self.transcript)
            if errors:
                outcome.rejected.append({"index": index, "hook": clip.hook, "errors": errors})
            elif self._store(clip):
                outcome.stored += 1
            else:
                outcome.duplicates += 1
        return outcome

    def _store(self, clip: ClipProposal) -> bool:
        """Store the clip and count it for the series, atomically; False if it was already stored."""
        # The same moment proposed from another transcript is another clip (it replaces, or is replaced).
        clip_id = hashlib.sha256(f"{self.source.key}#{self.source.etag}#{content_hash(clip)}".encode()).hexdigest()[:24]
        now = records.now_iso()
        segments = [segment.model_dump(exclude_none=True) for segment in clip.segments]
        cues = clip_edits.spoken((cue.start, cue.end, cue.text, cue.speaker) for cue in self.transcript.cues)
        item = {
            "clipId": clip_id,
            "episodeId": self.episode.id,
            "status": ReviewStatus.PENDING_REVIEW.value,
            "clipType": clip.clipType,
            "score": clip.score,
            "reason": clip.reason,
            "hook": clip.hook,
            "summary": clip.summary,
            "bRollSuggestions": clip.bRollSuggestions,
            "segments": segments,
            **clip_edits.proposal(segments, cues),
            "transcriptStart": Decimal(str(self.transcript.start)),
            "transcriptEnd": Decimal(str(self.transcript.end)),
            "totalDurationSeconds": Decimal(str(duration(clip))),
            "contentHash": content_hash(clip),
            "series": self.series,
            "transcriptKey": self.source.key,
            "transcriptEtag": self.source.etag,
            "createdAt": now,
        }
        if clip.confidence is not None:
            item["confidence"] = Decimal(str(clip.confidence))
        return clips.add(self.table, self.episode, self.series, item)
