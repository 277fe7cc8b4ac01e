"""The policy pack over the whole mocked graph of each stack file, and the pack as the Pulumi CLI loads it."""

from __future__ import annotations

import inspect
import runpy
from typing import TYPE_CHECKING, Any

import jsonschema
import pulumi_aws
import pulumi_policy
import pytest
import yaml
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from policy.policies import POLICIES
from policy.policies.tags import TAGGABLE_TYPES
from tests.policy.conftest import ROOT, STACKS, level, pack_config, run_pack

if TYPE_CHECKING:
    from tests.policy.conftest import Graph, RuleCheck

ADVISORY_BY_STACK = {
    "dev": {"api-data-tracing-off"},
    "prod": set(),
}
"""The advisory rules each stack breaks on purpose: dev keeps the seed's data tracing."""


def test_the_whole_graph_breaks_no_mandatory_rule(graph: Graph, policy: RuleCheck) -> None:
    violations = run_pack(graph)
    policy.ran_pack(graph, violations)
    mandatory = [str(v) for v in violations if v.level == EnforcementLevel.MANDATORY]
    assert mandatory == []
    advisory = {v.policy for v in violations if v.level == EnforcementLevel.ADVISORY}
    assert advisory == ADVISORY_BY_STACK[graph.stack]


def test_the_pack_has_named_rules_at_their_levels() -> None:
    names = [policy.name for policy in POLICIES]
    assert len(names) >= 15 and len(set(names)) == len(names)
    assert all(isinstance(policy, ResourceValidationPolicy | StackValidationPolicy) for policy in POLICIES)
    # Mandatory unless the seed's default deliberately differs from the rule.
    assert {policy.name for policy in POLICIES if level(policy) == EnforcementLevel.ADVISORY} == {
        "api-data-tracing-off"
    }
    assert {level(policy) for policy in POLICIES} == {EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY}
    assert all(policy.enforcement_level is not None for policy in POLICIES), "say each rule's level"


def test_main_builds_the_pack_from_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    """`policy/__main__.py` as the CLI runs it (its directory on sys.path), without starting the server."""
    built: dict[str, Any] = {}
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kwargs: built.update(kwargs))
    monkeypatch.syspath_prepend(str(ROOT / "policy"))
    runpy.run_path(str(ROOT / "policy"), run_name="__main__")
    assert built["name"] == "nullcheck" and built["enforcement_level"] == EnforcementLevel.MANDATORY
    assert [policy.name for policy in built["policies"]] == [policy.name for policy in POLICIES]


def test_the_pack_project_file_runs_python_in_its_own_virtualenv() -> None:
    project = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert project["version"] and project["description"]
    requirements = (ROOT / "policy" / "requirements.txt").read_text().split()
    assert {"pulumi-policy==1.21.0", "protobuf==5.29.6"} <= set(requirements)


@pytest.mark.parametrize("stack", STACKS)
def test_each_stacks_pack_config_fits_the_rules_schemas(stack: str) -> None:
    """What `pulumi policy validate-config` checks: known rules, and properties their schemas accept."""
    by_name = {policy.name: policy for policy in POLICIES}
    config = pack_config(stack)
    assert config
    for name, settings in config.items():
        assert name in by_name, f"policy/{stack}.json: no rule {name}"
        schema = by_name[name].config_schema
        assert schema is not None, f"{name} takes no configuration"
        jsonschema.validate(
            settings,
            {
                "type": "object",
                "properties": {"enforcementLevel": {"type": "string"}, **schema.properties},
                "additionalProperties": False,
            },
        )
    assert pack_config("prod")["stateful-data-protected"] == {"protectData": True}


def test_every_config_schema_default_is_valid() -> None:
    for policy in POLICIES:
        if policy.config_schema is not None:
            for key, schema in policy.config_schema.properties.items():
                assert "default" in schema, f"{policy.name}.{key}"
                jsonschema.validate(schema["default"], schema)


def taggable(typ: str) -> bool:
    """Whether pulumi_aws's class for a type token takes `tags` (e.g. aws:lambda/function:Function)."""
    module = typ.split(":")[1].split("/")[0]
    package = getattr(pulumi_aws, module, None) or getattr(pulumi_aws, f"{module}_")
    cls = getattr(package, typ.rsplit(":", 1)[1])
    return "tags" in inspect.signature(cls._internal_init).parameters


def test_the_taggable_types_are_the_providers(graph: Graph) -> None:
    """tags-on-taggable-resources knows every taggable type in the graph, and only taggable types."""
    in_graph = {resource.typ for resource in graph.aws()}
    assert {typ for typ in in_graph if taggable(typ)} <= TAGGABLE_TYPES
    assert all(taggable(typ) for typ in TAGGABLE_TYPES)


def test_the_pack_needs_only_the_standard_library_and_the_policy_sdk() -> None:
    """A published pack carries policy/ alone: no import of the project's own packages."""
    modules = sorted((ROOT / "policy" / "policies").glob("*.py"))
    assert modules
    for module in modules:
        source = module.read_text()
        imports = [line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))]
        # A relative import names a sibling in the pack's own directory, which travels with the pack.
        outside = [name for name in imports if not name.startswith(".")]
        assert set(outside) <= {"__future__", "json", "collections.abc", "typing", "pulumi_policy"}, (module, imports)
