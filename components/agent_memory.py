"""AgentCore Memory of the clip agent (seed: `clipAgentMemory`, summary and semantic strategies)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

NAME_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]{0,47}$")


def memory_name(base: str, suffix: str) -> str:
    """`{base}_{suffix}` squeezed into AWS's `[a-zA-Z][a-zA-Z0-9_]{0,47}` (unique per stack)."""
    cleaned = re.sub(r"[^a-zA-Z0-9_]+", "_", f"{base}_{suffix}").strip("_")
    name = cleaned[:48].rstrip("_")
    if not NAME_PATTERN.match(name):
        raise ValueError(f"cannot make a memory name from {base!r} and {suffix!r}")
    return name


@dataclass
class AgentMemoryArgs:
    """Settings of the agent's memory; defaults are the seed's."""

    name_suffix: str
    """Makes the fixed name unique, e.g. the stack name (AWS does not auto-name memories)."""
    base_name: str = "clipAgentMemory"
    event_expiry_days: int = 90
    """Seed: events expire after 90 days."""
    summary_namespace: str = "{sessionId}-transcription"
    """Seed: session-based organisation of summaries."""
    semantic_namespace: str = "{actorId}-topics"
    """Seed: actor-based organisation of facts."""
    execution_role_arn: pulumi.Input[str] | None = None
    """Only custom strategies need one; the built-in summary and semantic strategies run on AgentCore's models."""


class AgentMemory(pulumi.ComponentResource):
    """The memory resource with a SUMMARIZATION and a SEMANTIC strategy."""

    memory: aws.bedrock.AgentcoreMemory
    id: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: AgentMemoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:agents:AgentMemory", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        self.memory = aws.bedrock.AgentcoreMemory(
            f"{name}-memory",
            name=memory_name(args.base_name, args.name_suffix),
            description="Conversation memory of the NullCheck clip detector",
            event_expiry_duration=args.event_expiry_days,
            memory_execution_role_arn=args.execution_role_arn,
            opts=child_opts,
        )
        for strategy, kind, namespace in (
            ("summaries", "SUMMARIZATION", args.summary_namespace),
            ("topics", "SEMANTIC", args.semantic_namespace),
        ):
            aws.bedrock.AgentcoreMemoryStrategy(
                f"{name}-{strategy}",
                memory_id=self.memory.id,
                name=f"{strategy}",
                type=kind,
                namespace_templates=[namespace],
                opts=child_opts,
            )
        self.id = self.memory.id
        self.arn = self.memory.arn
        self.register_outputs({"id": self.id, "arn": self.arn})
