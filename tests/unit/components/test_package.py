"""The components as a Pulumi package: the schema other languages get, the type tokens and their aliases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from components import agent_memory, alarms, identity, media_bucket, mediaconvert_role, table
from components.agent_memory import AgentMemory, AgentMemoryArgs
from components.alarms import Alarms, AlarmsArgs
from components.backend import NullCheckBackend, NullCheckBackendArgs
from components.identity import Identity
from components.media_bucket import MediaBucket
from components.mediaconvert_role import MediaConvertRole, MediaConvertRoleArgs
from components.package import COMPONENTS, NAME, main, schema
from components.table import NullCheckTable
from tests.pulumi_mocks import Alias, RecordingMocks, registration, resolve

ROOT = Path(__file__).resolve().parents[3]
OLD_TYPES = {
    NullCheckTable: table.OLD_TYPE,
    MediaBucket: media_bucket.OLD_TYPE,
    MediaConvertRole: mediaconvert_role.OLD_TYPE,
    AgentMemory: agent_memory.OLD_TYPE,
    Identity: identity.OLD_TYPE,
    Alarms: alarms.OLD_TYPE,
}


@pytest.fixture(scope="module")
def package() -> dict[str, Any]:
    return schema()


def test_every_component_input_and_output_is_in_the_schema_with_a_description(package: dict[str, Any]) -> None:
    assert package["name"] == NAME
    assert set(package["resources"]) == {f"{NAME}:index:{component.__name__}" for component in COMPONENTS}
    for token, resource in package["resources"].items():
        component = next(c for c in COMPONENTS if token.endswith(f":{c.__name__}"))
        assert resource["isComponent"] is True and resource.get("description"), token
        init = component.__init__.__annotations__["args"]
        assert set(resource["inputProperties"]) == {camel(field) for field in init.__annotations__}, token
        outputs = {name for name in component.__annotations__ if not name.startswith("_")}
        assert outputs and set(resource["properties"]) == {camel(name) for name in outputs}, token
        for kind in ("inputProperties", "properties"):
            for name, spec in resource[kind].items():
                assert spec.get("description"), f"{token}.{name}"
    for token, typ in package["types"].items():
        assert typ.get("description") and all(spec.get("description") for spec in typ["properties"].values()), token


def test_the_backend_needs_only_its_encryption_key_and_exposes_its_endpoints(package: dict[str, Any]) -> None:
    backend = package["resources"][f"{NAME}:index:NullCheckBackend"]
    assert backend["requiredInputs"] == ["encryptionKey"]
    assert set(backend["properties"]) == {"apiUrl", "userPoolId", "userPoolClientId", "studioUrl"}


def test_the_studio_takes_plain_settings_and_the_backends_outputs(package: dict[str, Any]) -> None:
    studio = package["resources"][f"{NAME}:index:Studio"]
    assert set(studio["requiredInputs"]) == {
        "siteDirectory",
        "apiUrl",
        "userPoolId",
        "userPoolClientId",
        "mediaBucketDomain",
    }
    inputs = studio["inputProperties"]
    # The build and how it is served are plain values; what comes from other resources may be outputs.
    assert all(inputs[name].get("plain") for name in ("siteDirectory", "domainName", "certificateArn", "priceClass"))
    assert not any(inputs[name].get("plain") for name in ("apiUrl", "userPoolId", "mediaBucketDomain", "region"))
    assert set(studio["properties"]) == {"url", "distributionId", "distributionDomainName", "bucketName"}


def test_make_schema_writes_the_schema(tmp_path: Path, package: dict[str, Any]) -> None:
    main([str(tmp_path / "schema.json")])
    assert json.loads((tmp_path / "schema.json").read_text()) == package
    assert "components.package build/schema.json" in (ROOT / "Makefile").read_text()


def test_the_yaml_example_uses_the_backend_with_inputs_the_schema_has(package: dict[str, Any]) -> None:
    program = yaml.safe_load((ROOT / "examples" / "yaml" / "Pulumi.yaml").read_text())
    backend = package["resources"][f"{NAME}:index:NullCheckBackend"]
    [resource] = [r for r in program["resources"].values() if r["type"] == f"{NAME}:index:NullCheckBackend"]
    properties = resource["properties"]
    assert set(properties) <= set(backend["inputProperties"])
    assert set(backend["requiredInputs"]) <= set(properties)
    # Two settings besides the key, neither at its default (the defaults the docstrings state).
    assert properties["allowSelfSignUp"] is True and properties["logRetentionDays"] != 14
    referenced = set(re.findall(r"\$\{backend\.(\w+)\}", yaml.safe_dump(program["outputs"])))
    assert referenced and referenced <= set(backend["properties"])


def test_the_plugin_is_a_python_component_provider() -> None:
    plugin = yaml.safe_load((ROOT / "provider" / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    entry = (ROOT / "provider" / "__main__.py").read_text()
    assert "component_provider_host(COMPONENTS, NAME)" in entry


def build_each(mocks: RecordingMocks, build: Any) -> None:
    build(
        lambda: (
            NullCheckTable("t"),
            MediaBucket("b"),
            MediaConvertRole("r", MediaConvertRoleArgs(bucket_arn="arn:aws:s3:::b")),
            AgentMemory("m", AgentMemoryArgs(name_suffix="dev")),
            Identity("i"),
            Alarms("a", AlarmsArgs(function_names={"f": "f"}, dead_letter_queue_names={"q": "q"})),
        )
    )


def test_exposed_components_have_index_tokens_and_alias_their_old_ones(mocks: RecordingMocks, build: Any) -> None:
    build_each(mocks, build)
    for component, old_type in OLD_TYPES.items():
        [resource] = mocks.of_type(f"{NAME}:index:{component.__name__}")
        # Same name and parent as now, the earlier token: existing stacks see an alias, not a replacement.
        assert Alias(type=old_type, name="", parent="", no_parent=False) in registration(resource).aliases


def test_the_backend_moves_the_stacks_components_under_it_with_aliases(stack: Any, mocks: RecordingMocks) -> None:
    [backend] = mocks.of_type(f"{NAME}:index:NullCheckBackend")
    backend_urn = registration(backend).urn
    children = [r for r in mocks.resources if registration(r).parent == backend_urn]
    assert {r.typ for r in children} >= {f"{NAME}:index:{c.__name__}" for c in OLD_TYPES if c is not Alarms}
    for child in children:
        aliases = registration(child).aliases
        old_type = next((old for c, old in OLD_TYPES.items() if child.typ.endswith(f":{c.__name__}")), "")
        # Where the stack program built it before: at the stack's root, under its earlier token.
        assert Alias(type=old_type, name="", parent="", no_parent=True) in aliases, child.name
    # The names stay those of the earlier program, so the aliases (and their children's) match.
    assert {(r.typ.rsplit(":", 1)[-1], r.name) for r in children} >= {
        ("NullCheckTable", "nullcheck"),
        ("MediaBucket", "media"),
        ("MediaConvertRole", "mediaconvert"),
        ("AgentMemory", "clip-agent"),
        ("Identity", "nullcheck"),
        ("HandlerPackage", "handlers"),
        ("RestApi", "nullcheck"),
    }


def test_the_backend_is_usable_without_the_stack_program(
    mocks: RecordingMocks, build: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    small_layer(monkeypatch, tmp_path)
    backend = build(
        lambda: NullCheckBackend(
            "nc",
            NullCheckBackendArgs(encryption_key="k", name_suffix="team", allow_self_sign_up=True, alarms=True),
        )
    )
    assert resolve(backend.api_url).startswith("https://")
    assert resolve(backend.user_pool_id) and resolve(backend.user_pool_client_id)
    assert mocks.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert mocks.one("aws:lambda/layerVersion:LayerVersion").inputs["layerName"] == "nullcheck-dependencies-team"
    assert mocks.one("aws:ssm/parameter:Parameter").inputs["value"] == "k"
    assert all(
        "k" not in f.inputs["environment"]["variables"].values() for f in mocks.of_type("aws:lambda/function:Function")
    )


def small_layer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The layer build (tested in test_packaging) replaced by a small zip, as the `stack` fixture does."""
    import zipfile

    from components import packaging

    def build_layer(*_: Any, **__: Any) -> Path:
        path = tmp_path / "layer.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("python/placeholder.py", "")
        return path

    monkeypatch.setattr(packaging, "build_dependency_layer", build_layer)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def test_camel() -> None:
    assert camel("user_pool_client_id") == "userPoolClientId"
