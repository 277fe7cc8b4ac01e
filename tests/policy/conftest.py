"""Fixtures of the policy suite: the mocked resource graph of each stack file, and the pack run over it.

Every test here runs once per stack file (`Pulumi.dev.yaml`, `Pulumi.prod.yaml`). `stack`
(tests/conftest.py) is function-scoped because Pulumi's mocks are process-global; the `graph` fixture
runs it once per stack and keeps what the mocks recorded (inputs, outputs, URN and resource options),
so every test reads the same snapshot.

The policy pack's rules (`policy/policies/`) are called directly, as the Pulumi CLI's analyzer would
call them: a resource rule with `ResourceValidationArgs` (inputs, options, provider), a stack rule with
`StackValidationArgs` (every resource's outputs), props wrapped in the SDK's own read-only proxies.
`pytest_terminal_summary` prints the totals the lead can quote.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from policy.policies import POLICIES

# The mocks' own auto-naming and ARNs: physical names and ARNs in the graph are these functions' answers.
from tests.pulumi_mocks import _ARNS, _physical_name, registration, stack_file_config

Resource = pulumi.runtime.MockResourceArgs

Change = Callable[[dict[str, Any]], None]
"""An edit of a resource's props, to break it on purpose."""

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("dev", "prod")
"""The stack files every test of this suite runs over."""


def resource_key(resource: Resource) -> str:
    return f"{resource.typ}::{resource.name}"


def pack_config(stack: str) -> dict[str, dict[str, Any]]:
    """The `--policy-pack-config` file of a stack (`policy/<stack>.json`): policy name -> its config."""
    return dict(json.loads((ROOT / "policy" / f"{stack}.json").read_text()))


@dataclass(frozen=True)
class Graph:
    """The resources one run of the program registered (inputs camelCase, secrets unwrapped)."""

    stack: str
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

    def by_urn(self, urn: str) -> Resource:
        return next(resource for resource in self.resources if registration(resource).urn == urn)


# The pack's view of the graph: what the Pulumi CLI's analyzer hands each rule.


def options(resource: Resource) -> PolicyResourceOptions:
    recorded = registration(resource)
    return PolicyResourceOptions(
        protect=recorded.protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=recorded.parent or None,
    )


def provider_of(graph: Graph, resource: Resource) -> PolicyProviderResource | None:
    """The provider a resource was registered with (a reference is "<provider URN>::<provider id>")."""
    if not resource.provider:
        return None
    provider = graph.by_urn(resource.provider.rsplit("::", 1)[0])
    return PolicyProviderResource(
        provider.typ, unknown_checking_proxy(copy.deepcopy(provider.inputs)), registration(provider).urn, provider.name
    )


def resource_args(
    graph: Graph, resource: Resource, config: Mapping[str, Any] | None = None, change: Change | None = None
) -> ResourceValidationArgs:
    """What a resource rule sees of `resource`: its inputs (`change` applied to a copy), options and provider."""
    inputs = copy.deepcopy(dict(resource.inputs))
    if change is not None:
        change(inputs)
    return ResourceValidationArgs(
        resource.typ,
        unknown_checking_proxy(inputs),
        registration(resource).urn,
        resource.name,
        options(resource),
        provider_of(graph, resource),
        config,
    )


def policy_resource(resource: Resource, change: Change | None = None) -> PolicyResource:
    """What a stack rule sees of `resource`: its outputs with its `id`, as the engine's state has them."""
    state = copy.deepcopy({**resource.outputs, "id": resource.id})  # type: ignore[attr-defined]
    if change is not None:
        change(state)
    return PolicyResource(
        resource.typ,
        unknown_checking_proxy(state),
        registration(resource).urn,
        resource.name,
        options(resource),
        None,
        None,
        [],
        {},
    )


@dataclass(frozen=True)
class Violation:
    policy: str
    level: EnforcementLevel
    message: str
    subject: str
    """The resource it was reported on (`type::name`), or the URN a stack rule named."""

    def __str__(self) -> str:
        return f"[{self.level.value}] {self.policy}: {self.subject}: {self.message}"


def level(policy: Policy) -> EnforcementLevel:
    return policy.enforcement_level or EnforcementLevel.MANDATORY


def validate_resource(policy: ResourceValidationPolicy, args: ResourceValidationArgs, subject: str) -> list[Violation]:
    found: list[Violation] = []
    policy.validate(
        args, lambda message, urn=None: found.append(Violation(policy.name, level(policy), message, subject))
    )
    return found


def validate_stack(
    policy: StackValidationPolicy, resources: list[PolicyResource], config: Any = None
) -> list[Violation]:
    found: list[Violation] = []
    policy.validate(
        StackValidationArgs(resources, config),
        lambda message, urn=None: found.append(Violation(policy.name, level(policy), message, urn or "stack")),
    )
    return found


def run_pack(
    graph: Graph,
    policies: Iterable[Policy] = POLICIES,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    changes: Mapping[Resource, Change | None] | None = None,
) -> list[Violation]:
    """Every rule over the graph, as `pulumi up --policy-pack policy` runs them.

    `config` is the pack config (the stack's `policy/<stack>.json` unless given). `changes` breaks the
    stack on purpose: a function applied to a copy of a resource's inputs and of its outputs, or None to
    leave the resource out.
    """
    config = pack_config(graph.stack) if config is None else config
    changes = changes or {}
    resources = [resource for resource in graph.resources if not (resource in changes and changes[resource] is None)]
    found: list[Violation] = []
    for policy in policies:
        policy_config = dict(config.get(policy.name) or {})
        if isinstance(policy, ResourceValidationPolicy):
            for resource in resources:
                args = resource_args(graph, resource, policy_config, changes.get(resource))
                found += validate_resource(policy, args, resource_key(resource))
        elif isinstance(policy, StackValidationPolicy):
            state = [policy_resource(resource, changes.get(resource)) for resource in resources]
            found += validate_stack(policy, state, policy_config)
    return found


@dataclass
class PolicyReport:
    """What this session checked, merged across xdist workers."""

    pack: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Stack -> resources the pack ran over and the violations it found."""
    rules: dict[str, set[str]] = field(default_factory=dict)
    """Linter test -> keys of the resources it examined."""
    documents: set[str] = field(default_factory=set)
    """IAM policy documents linted."""
    allowed: dict[str, str] = field(default_factory=dict)
    """Linter finding -> the reason it is allowed."""
    allowances: set[str] = field(default_factory=set)
    """Allow-list entries those findings matched."""

    def to_json(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "rules": {rule: sorted(keys) for rule, keys in self.rules.items()},
            "documents": sorted(self.documents),
            "allowed": self.allowed,
            "allowances": sorted(self.allowances),
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.pack.update(data["pack"])
        for rule, keys in data["rules"].items():
            self.rules.setdefault(rule, set()).update(keys)
        self.documents.update(data["documents"])
        self.allowed.update(data["allowed"])
        self.allowances.update(data["allowances"])

    def summary(self) -> list[str]:
        lines = []
        if self.pack:
            levels = [level(policy).value for policy in POLICIES]
            lines.append(
                f"policy pack: {len(POLICIES)} rules ({levels.count('mandatory')} mandatory,"
                f" {levels.count('advisory')} advisory) over "
                + ", ".join(
                    f"{stack} ({run['resources']} resources: {len(run['mandatory'])} mandatory and"
                    f" {len(run['advisory'])} advisory violations)"
                    for stack, run in sorted(self.pack.items())
                )
            )
        if self.rules:
            resources = set().union(*self.rules.values())
            lines.append(
                f"policy linters: {len(self.rules)} checks over {len(resources)} resources /"
                f" {len(self.documents)} policy documents; {len(self.allowed)} findings allowed with reasons"
                f" ({len(self.allowances)} allow-list entries in tests/policy/test_iam.py)"
            )
        return lines


REPORT = PolicyReport()


class RuleCheck:
    """The current test's handle on the report: what its check examined and which findings it allowed."""

    def __init__(self, report: PolicyReport, rule: str) -> None:
        self.report = report
        self.rule = rule

    def examined(self, resources: Iterable[Resource]) -> list[Resource]:
        """Record the resources the check is about to look at; a check that finds none fails (no vacuous pass)."""
        found = list(resources)
        assert found, f"{self.rule}: nothing to check, the graph does not have what the check expects"
        self.report.rules.setdefault(self.rule, set()).update(resource_key(resource) for resource in found)
        return found

    def linted(self, documents: Iterable[str]) -> None:
        self.report.documents.update(documents)

    def allowed(self, finding: str, allowance: str, reason: str) -> None:
        self.report.allowed[finding] = reason
        self.report.allowances.add(allowance)

    def ran_pack(self, graph: Graph, violations: list[Violation]) -> None:
        self.report.pack[graph.stack] = {
            "resources": len(graph.resources),
            "mandatory": [str(v) for v in violations if v.level == EnforcementLevel.MANDATORY],
            "advisory": [str(v) for v in violations if v.level == EnforcementLevel.ADVISORY],
        }


@pytest.fixture
def policy(request: pytest.FixtureRequest) -> RuleCheck:
    return RuleCheck(REPORT, request.node.originalname)


@pytest.fixture(params=STACKS)
def stack_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def stack_config(stack_name: str) -> dict[str, str]:
    return stack_file_config(stack_name)


_RUNS: dict[tuple[str, tuple[tuple[str, str], ...]], Graph] = {}


@pytest.fixture
def graph(request: pytest.FixtureRequest, stack_name: str, stack_config: dict[str, str]) -> Graph:
    """The resource graph of `__main__.py` for the stack file; `stack` runs once per stack."""
    key = (stack_name, tuple(sorted(stack_config.items())))
    if key not in _RUNS:
        request.getfixturevalue("stack")
        _RUNS[key] = Graph(stack_name, tuple(request.getfixturevalue("mocks").resources))
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
    for line in REPORT.summary():
        terminalreporter.write_line(line)
