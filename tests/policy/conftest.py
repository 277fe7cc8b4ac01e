"""Fixtures of the policy suite: one mocked run of `__main__.py` per configuration, and its summary line.

`stack` (tests/conftest.py) is function-scoped because Pulumi's mocks are process-global. The
`graph` fixture runs it once per distinct `stack_config` and keeps what the mocks recorded, so every
rule reads the same snapshot instead of re-running the program. Rules report what they examined
through the `policy` fixture; `pytest_terminal_summary` prints the totals the lead can quote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest

# The mocks' own auto-naming and ARNs: physical names and ARNs in the graph are these functions' answers.
from tests.pulumi_mocks import _ARNS, _physical_name

Resource = pulumi.runtime.MockResourceArgs

REFERENCED_RULES = {
    "every AWS resource goes through the tagging provider": (
        "tests/unit/test_stack.py::test_every_aws_resource_goes_through_the_tagging_provider"
    ),
}
"""Rules of the policy that live elsewhere (not duplicated here); they count in the summary."""


def resource_key(resource: Resource) -> str:
    return f"{resource.typ}::{resource.name}"


@dataclass(frozen=True)
class Graph:
    """The resources one run of the program registered (inputs camelCase, secrets unwrapped)."""

    resources: tuple[Resource, ...]

    def of_type(self, typ: str) -> list[Resource]:
        return [resource for resource in self.resources if resource.typ == typ]

    def one(self, typ: str) -> Resource:
        found = self.of_type(typ)
        assert len(found) == 1, f"expected one {typ}, found {len(found)}"
        return found[0]

    def aws(self) -> list[Resource]:
        return [resource for resource in self.resources if resource.typ.startswith("aws:")]

    @staticmethod
    def physical_name(resource: Resource) -> str:
        """The name the mocks answered with (Pulumi auto-naming: logical name plus a suffix)."""
        return _physical_name(resource)

    @staticmethod
    def arn(resource: Resource) -> str:
        return str(_ARNS[resource.typ](_physical_name(resource), resource.inputs)["arn"])

    def by_physical_name(self, typ: str, name: str) -> Resource:
        found = [resource for resource in self.of_type(typ) if self.physical_name(resource) == name]
        assert len(found) == 1, f"expected one {typ} named {name!r}, found {len(found)}"
        return found[0]

    def by_arn(self, typ: str, arn: str) -> Resource:
        found = [resource for resource in self.of_type(typ) if self.arn(resource) == arn]
        assert len(found) == 1, f"expected one {typ} with ARN {arn!r}, found {len(found)}"
        return found[0]


@dataclass
class PolicyReport:
    """What the rules of this session examined, merged across xdist workers."""

    rules: dict[str, set[str]] = field(default_factory=dict)
    """Rule (test function) -> keys of the resources it examined."""
    documents: set[str] = field(default_factory=set)
    """IAM policy documents linted."""
    allowed: dict[str, str] = field(default_factory=dict)
    """Finding -> the reason it is allowed."""
    allowances: set[str] = field(default_factory=set)
    """Allow-list entries those findings matched."""

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": {rule: sorted(keys) for rule, keys in self.rules.items()},
            "documents": sorted(self.documents),
            "allowed": self.allowed,
            "allowances": sorted(self.allowances),
        }

    def merge(self, data: dict[str, Any]) -> None:
        for rule, keys in data["rules"].items():
            self.rules.setdefault(rule, set()).update(keys)
        self.documents.update(data["documents"])
        self.allowed.update(data["allowed"])
        self.allowances.update(data["allowances"])

    def summary(self) -> list[str]:
        resources = set().union(*self.rules.values())
        rules = len(self.rules) + len(REFERENCED_RULES)
        return [
            f"policy: {rules} rules checked over {len(resources)} resources / {len(self.documents)} policy documents;"
            f" {len(self.allowed)} findings allowed with reasons",
            f"policy: {len(REFERENCED_RULES)} of the rules run in tests/unit/test_stack.py (tagging provider);"
            f" the allowed findings match {len(self.allowances)} allow-list entries in tests/policy/test_iam.py",
        ]


REPORT = PolicyReport()


class RuleCheck:
    """The current test's handle on the report: what its rule examined and which findings it allowed."""

    def __init__(self, report: PolicyReport, rule: str) -> None:
        self.report = report
        self.rule = rule

    def examined(self, resources: Iterable[Resource]) -> list[Resource]:
        """Record the resources the rule is about to check; a rule that finds none fails (no vacuous pass)."""
        found = list(resources)
        assert found, f"{self.rule}: nothing to check, the graph does not have what the rule expects"
        self.report.rules.setdefault(self.rule, set()).update(resource_key(resource) for resource in found)
        return found

    def linted(self, documents: Iterable[str]) -> None:
        self.report.documents.update(documents)

    def allowed(self, finding: str, allowance: str, reason: str) -> None:
        self.report.allowed[finding] = reason
        self.report.allowances.add(allowance)


@pytest.fixture
def referenced_rules() -> dict[str, str]:
    return REFERENCED_RULES


@pytest.fixture
def policy(request: pytest.FixtureRequest) -> RuleCheck:
    return RuleCheck(REPORT, request.node.originalname)


_RUNS: dict[tuple[tuple[str, str], ...], Graph] = {}


@pytest.fixture
def graph(request: pytest.FixtureRequest, stack_config: dict[str, str]) -> Graph:
    """The resource graph of `__main__.py` under `stack_config`; `stack` runs once per configuration."""
    key = tuple(sorted(stack_config.items()))
    if key not in _RUNS:
        request.getfixturevalue("stack")
        _RUNS[key] = Graph(tuple(request.getfixturevalue("mocks").resources))
    return _RUNS[key]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand this worker's report to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["nullcheck_policy"] = json.dumps(REPORT.to_json())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the xdist controller, merge a finished worker's report."""
    data = getattr(node, "workeroutput", {}).get("nullcheck_policy")
    if data:
        REPORT.merge(json.loads(data))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if REPORT.rules:
        for line in REPORT.summary():
            terminalreporter.write_line(line)
