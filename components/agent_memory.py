"""AgentCore Memory of the clip agent (seed: `clipAgentMemory`, summary and semantic strategies)."""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

import re
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

TYPE = "nullcheck:index:AgentMemory"
OLD_TYPE = "nullcheck:agents:AgentMemory"
"""The token before the components were a package: an alias, so existing stacks keep their memory."""
NAME_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]{0,47}$")


def memory_name(base: str, suffix: str) -> str:
    """`{base}_{suffix}` squeezed into AWS's `[a-zA-Z][a-zA-Z0-9_]{0,47}` (unique per stack)."""
    cleaned = re.sub(r"[^a-zA-Z0-9_]+", "_", f"{base}_{suffix}").strip("_")
    name = cleaned[:48].rstrip("_")
    if not NAME_PATTERN.match(name):
        raise ValueError(f"cannot make a memory name from {base!r} and {suffix!r}")
    return name


class AgentMemoryArgs(TypedDict):
    """Settings of the agent's memory; every field but `name_suffix` is optional and defaults to the seed's value."""

    name_suffix: str
    """Makes the fixed name unique, e.g. the stack name (AWS does not auto-name memories; required)."""
    base_name: NotRequired[str]
    """The name before the suffix. Default `clipAgentMemory`."""
    event_expiry_days: NotRequired[pulumi.Input[int]]
    """Days events are kept. Default 90 (seed)."""
    summary_namespace: NotRequired[pulumi.Input[str]]
    """Namespace template of the summary strategy. Default `{sessionId}-transcription` (seed: session-based
    organisation of summaries)."""
    semantic_namespace: NotRequired[pulumi.Input[str]]
    """Namespace template of the semantic strategy. Default `{actorId}-topics` (seed: actor-based organisation
    of facts)."""
    execution_role_arn: NotRequired[pulumi.Input[str]]
    """Role the memory runs as. Default none: only custom strategies need one; the built-in summary and semantic
    strategies run on AgentCore's models."""


def with_defaults(args: AgentMemoryArgs) -> AgentMemoryArgs:
    """`args` with the seed's value for every field it leaves out (the one place defaults are applied)."""
    defaults: AgentMemoryArgs = {
        "name_suffix": args["name_suffix"],
        "base_name": "clipAgentMemory",
        "event_expiry_days": 90,
        "summary_namespace": "{sessionId}-transcription",
        "semantic_namespace": "{actorId}-topics",
    }
    return {**defaults, **args}


class AgentMemory(pulumi.ComponentResource):
    """AgentCore Memory of the clip agent with a SUMMARIZATION and a SEMANTIC strategy."""

    memory_id: pulumi.Output[str]
    """The memory's id (the agent's `MEMORY_ID`; `id` in Python, a name schemas reserve)."""
    arn: pulumi.Output[str]
    """The memory's ARN."""

    def __init__(self, name: str, args: AgentMemoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=OLD_TYPE)]))
        super().__init__(TYPE, name, None, opts)
        settings = with_defaults(args)
        child_opts = pulumi.ResourceOptions(parent=self)
        self.memory: aws.bedrock.AgentcoreMemory = aws.bedrock.AgentcoreMemory(
            f"{name}-memory",
            name=memory_name(settings["base_name"], settings["name_suffix"]),
            description="Conversation memory of the NullCheck clip detector",
            event_expiry_duration=settings["event_expiry_days"],
            memory_execution_role_arn=settings.get("execution_role_arn"),
            opts=child_opts,
        )
        for strategy, kind, namespace in (
            ("summaries", "SUMMARIZATION", settings["summary_namespace"]),
            ("topics", "SEMANTIC", settings["semantic_namespace"]),
        ):
            aws.bedrock.AgentcoreMemoryStrategy(
                f"{name}-{strategy}",
                memory_id=self.memory.id,
                name=f"{strategy}",
                type=kind,
                namespace_templates=[namespace],
                opts=child_opts,
            )
        self.memory_id = self.memory.id
        self.id: pulumi.Output[str] = self.memory_id
        self.arn = self.memory.arn
        self.register_outputs({"memoryId": self.memory_id, "arn": self.arn})
