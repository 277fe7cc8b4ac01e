"""The API stage: throttled, JSON access logs, X-Ray, and data tracing as configured."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.unit import test_stack

if TYPE_CHECKING:
    from tests.policy.conftest import Graph, Resource, RuleCheck

STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def stage_settings(graph: Graph, stage: Resource) -> dict[str, object]:
    """The settings every method of the stage gets (`*/*`)."""
    found = [
        settings.inputs
        for settings in graph.of_type(METHOD_SETTINGS)
        if settings.inputs["restApi"] == stage.inputs["restApi"]
        and settings.inputs["stageName"] == stage.inputs["stageName"]
        and settings.inputs["methodPath"] == "*/*"
    ]
    assert len(found) == 1, f"{stage.name}: expected one */* MethodSettings, found {len(found)}"
    return dict(found[0]["settings"])


def test_every_stage_throttles_every_method(graph: Graph, policy: RuleCheck) -> None:
    for stage in policy.examined(graph.of_type(STAGE)):
        policy.examined(graph.of_type(METHOD_SETTINGS))
        settings = stage_settings(graph, stage)
        for limit in ("throttlingBurstLimit", "throttlingRateLimit"):
            value = settings.get(limit)
            assert isinstance(value, int | float) and value > 0, f"{stage.name}: {limit} {value!r}"


def test_every_stage_writes_json_access_logs_to_a_group_with_retention(graph: Graph, policy: RuleCheck) -> None:
    for stage in policy.examined(graph.of_type(STAGE)):
        settings = stage.inputs.get("accessLogSettings") or {}
        group = graph.by_arn(LOG_GROUP, settings.get("destinationArn"))
        assert group.inputs.get("retentionInDays"), stage.name
        fields = json.loads(settings["format"])
        assert isinstance(fields, dict) and fields.get("requestId") == "$context.requestId", stage.name


def test_every_stage_traces_with_xray(graph: Graph, policy: RuleCheck) -> None:
    for stage in policy.examined(graph.of_type(STAGE)):
        assert stage.inputs.get("xrayTracingEnabled") is True, stage.name


@pytest.mark.parametrize(
    ("stack_config", "enabled"),
    [({}, True), ({"nullcheck:apiDataTrace": "false"}, False)],
    ids=["seed", "apiDataTrace=false"],
)
def test_data_tracing_follows_the_stack_config(graph: Graph, policy: RuleCheck, enabled: bool) -> None:
    """The seed logs full requests and responses (presigned URLs included); a stack can turn that off."""
    for stage in policy.examined(graph.of_type(STAGE)):
        assert stage_settings(graph, stage).get("dataTraceEnabled") is enabled, stage.name


def test_the_tagging_rule_still_lives_in_test_stack(referenced_rules: dict[str, str]) -> None:
    """Rule 10 (every AWS resource uses the tagging provider) is tests/unit/test_stack.py's; the summary counts it."""
    for nodeid in referenced_rules.values():
        path, _, name = nodeid.partition("::")
        assert path == "tests/unit/test_stack.py" and callable(getattr(test_stack, name, None)), nodeid
