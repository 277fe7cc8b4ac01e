"""What one clip-agent run costs with the real model, from the request the handler builds.

The first Converse request is built by `handlers.core.domain.clip_agent.conversation_request`, exactly as
the agent sends it, for a 2-hour sample transcript. Its input is measured in characters and
converted to tokens at about 4 characters per token (English text; the offline stack has no
Nova tokenizer, so this is an estimate, not a count). A typical run has three model turns
(clips, corrected clips, summary), and every turn resends the conversation so far.

Run from the project root: `venv/bin/python -m bench.agent_tokens`
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from bench.prices import NOVA_PRO
from handlers.core.domain import clip_agent
from handlers.core.domain.srt import parse_srt
from local.transcripts import sample_transcript

CHARS_PER_TOKEN = 4.0
# Amazon Nova Pro on-demand list prices (USD per 1,000 tokens, us-east-1): `bench.prices`, with their source.
INPUT_PRICE_PER_1K = NOVA_PRO.input_per_1k
OUTPUT_PRICE_PER_1K = NOVA_PRO.output_per_1k
TYPICAL_TURNS = 3
TOOL_CALL_OUTPUT_TOKENS = 2_000
"""A createClip call with 5-10 clips: segments, hooks, summaries and b-roll (estimate)."""
SUMMARY_OUTPUT_TOKENS = 150
TOOL_RESULT_TOKENS = 150


def tokens(payload: object) -> int:
    return round(len(json.dumps(payload, ensure_ascii=False)) / CHARS_PER_TOKEN)


def main() -> None:
    srt_text = sample_transcript(minutes=120)
    transcript = parse_srt(srt_text)
    episode = clip_agent.EpisodeContext(episode_id="bench", title="Two-hour livestream", series="Null Check")
    request = clip_agent.conversation_request("us.amazon.nova-pro-v1:0", [], episode, transcript)
    first = tokens({key: request[key] for key in ("system", "messages", "toolConfig")})
    tool_turn = TOOL_CALL_OUTPUT_TOKENS + TOOL_RESULT_TOKENS
    inputs = sum(first + turn * tool_turn for turn in range(TYPICAL_TURNS))
    outputs = (TYPICAL_TURNS - 1) * TOOL_CALL_OUTPUT_TOKENS + SUMMARY_OUTPUT_TOKENS
    cost_first = first / 1000 * INPUT_PRICE_PER_1K
    cost_run = inputs / 1000 * INPUT_PRICE_PER_1K + outputs / 1000 * OUTPUT_PRICE_PER_1K

    table = Table(title="Clip agent on a 2-hour transcript (Amazon Nova Pro list prices)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("transcript cues", f"{len(transcript.cues):,}")
    table.add_row("transcript size", f"{len(srt_text) / 1024:.0f} KiB")
    table.add_row("first request input tokens (≈)", f"{first:,}")
    table.add_row("first request input cost", f"${cost_first:.4f}")
    table.add_row(f"{TYPICAL_TURNS}-turn run input tokens (≈)", f"{inputs:,}")
    table.add_row(f"{TYPICAL_TURNS}-turn run output tokens (≈)", f"{outputs:,}")
    table.add_row(f"{TYPICAL_TURNS}-turn run cost", f"${cost_run:.4f}")
    Console().print(table)


if __name__ == "__main__":
    main()
