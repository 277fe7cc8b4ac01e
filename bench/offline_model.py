"""Times the offline clip model on a synthetic 3-hour livestream transcript.

The agent hands the whole SRT to the model in one `Converse` call, so the local endpoint must
answer a long show quickly: parsing, picking clips and summarising a 3-hour transcript (about
2,700 cues) should take well under a second. The transcript is generated from a fixed seed, so
every run measures the same input. The last figure is the first `Converse` turn through boto3
and the local endpoint (JSON and HTTP included), as the agent sees it.

Run from the project root: `venv/bin/python -m bench.offline_model`
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import boto3
import srt

from local.bedrock import LocalBedrockRuntime
from local.offline_clip_model.episode import summarize_episode
from local.offline_clip_model.proposals import propose_clips
from local.offline_clip_model.transcript import parse_transcript

SEED = 20240601
DURATION_SECONDS = 3 * 3600
RUNS = 5

SPEAKERS = ("Maya", "Jonas", "Priya", "Leo")
TOPICS = (
    "cold starts", "DynamoDB indexes", "Pulumi stacks", "HLS segments", "state machines", "observability",
    "event buses", "cost alerts", "presigned URLs", "retry policies", "multipart uploads", "feature flags",
)  # fmt: skip
PLAIN = (
    "we were talking about {t} a bit earlier",
    "so that brings us to {t}",
    "right, and the {t} part is where it gets interesting",
    "I see what you mean about {t}",
    "okay, let's move on to {t} for a minute",
    "chat is asking about {t} again",
    "we had a whole incident review about {t} last month",
    "yeah, {t} came up in the planning meeting too",
)
SIGNALS = (
    "here's how you set up {t} in three steps",
    "the first step is to configure {t} before anything else",
    "let me show you {t} on my screen",
    "as you can see, the {t} dashboard updates right away",
    "the key lesson with {t} is to measure first",
    "it turns out {t} was not the bottleneck at all",
    "honestly, {t} is overrated",
    "hot take: nobody needs {t} on day one",
    "and then {t} deleted the staging bucket [laughter]",
    "haha, that {t} bug again",
    "what would you do differently with {t}?",
    "why does everyone get {t} wrong?",
)


def synthetic_srt(duration_seconds: int = DURATION_SECONDS, seed: int = SEED) -> str:
    """A talk-show-like SRT: cues of 2 to 5.6 s, speaker turns, about one cue in four with a signal."""
    rng = random.Random(seed)
    subtitles: list[srt.Subtitle] = []
    at, speaker = 0.0, SPEAKERS[0]
    while at < duration_seconds:
        length = rng.uniform(2.0, 5.6)
        pool = SIGNALS if rng.random() < 0.25 else PLAIN
        line = rng.choice(pool).format(t=rng.choice(TOPICS))
        changed = rng.random() < 0.3
        if changed:
            speaker = rng.choice([name for name in SPEAKERS if name != speaker])
        content = f"{speaker}: {line}" if changed or not subtitles else line
        subtitles.append(
            srt.Subtitle(len(subtitles) + 1, timedelta(seconds=at), timedelta(seconds=at + length), content)
        )
        at += length + rng.uniform(0.0, 0.4)
    return srt.compose(subtitles, reindex=False)


def median_seconds(step: Callable[[], object], runs: int = RUNS) -> float:
    """Median wall time of `runs` calls."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def converse_seconds(text: str) -> float:
    """Median time of the first turn (transcript in, `createClip` call out) through the local endpoint."""
    runtime = LocalBedrockRuntime()
    client = boto3.client(
        "bedrock-runtime",
        endpoint_url=runtime.start(),
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    tool = {"toolSpec": {"name": "createClip", "inputSchema": {"json": {"type": "object"}}}}
    messages = [{"role": "user", "content": [{"text": f"<transcript>\n{text}</transcript>"}]}]
    try:
        return median_seconds(
            lambda: client.converse(modelId="us.amazon.nova-pro-v1:0", messages=messages, toolConfig={"tools": [tool]})
        )
    finally:
        runtime.stop()


def main() -> None:
    text = synthetic_srt()
    transcript = parse_transcript(text)
    clips = propose_clips(transcript)
    parse_s = median_seconds(lambda: parse_transcript(text))
    clips_s = median_seconds(lambda: propose_clips(transcript))
    summary_s = median_seconds(lambda: summarize_episode(transcript))
    total_s = median_seconds(lambda: (propose_clips(parsed := parse_transcript(text)), summarize_episode(parsed)))
    print(f"offline clip model, synthetic {DURATION_SECONDS / 3600:g}-hour SRT (seed {SEED}), median of {RUNS} runs")
    print(f"  transcript       {len(transcript.cues)} cues, {len(text) / 1024:.0f} KiB")
    print(f"  parse            {parse_s * 1000:8.1f} ms")
    print(f"  propose clips    {clips_s * 1000:8.1f} ms")
    print(f"  summarise        {summary_s * 1000:8.1f} ms")
    print(f"  whole answer     {total_s * 1000:8.1f} ms")
    print(f"  Converse (boto3) {converse_seconds(text) * 1000:8.1f} ms")
    types = Counter(clip.clipType for clip in clips)
    print(f"  clips            {len(clips)}: {', '.join(f'{name} {count}' for name, count in sorted(types.items()))}")


if __name__ == "__main__":
    main()
