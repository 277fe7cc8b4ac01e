"""The two stack files (`Pulumi.dev.yaml`, `Pulumi.prod.yaml`) run under Pulumi mocks, and what differs.

Resource options (`protect`, `retain_on_delete`) never reach `Mocks.new_resource`: the `mocks` fixture
records them with a `RecordingMonitor` (tests/pulumi_mocks.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from components.studio import DISPOSABLE_REASON_TAG
from tests.pulumi_mocks import RecordingMocks, registration, resolve, stack_file_config

ROOT = Path(__file__).resolve().parents[2]
TABLE = "aws:dynamodb/table:Table"
BUCKET = "aws:s3/bucket:Bucket"
STAGE_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
PROTECTED = {TABLE, BUCKET}


@pytest.fixture(params=["dev", "prod"])
def stack_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def stack_config(stack_name: str) -> dict[str, str]:
    return stack_file_config(stack_name)


def test_every_stack_setting_is_declared_in_the_project(stack_name: str) -> None:
    """Each `nullcheck:` key of a stack file is one Pulumi.yaml declares (a typo would be silently ignored)."""
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    stack = yaml.safe_load((ROOT / f"Pulumi.{stack_name}.yaml").read_text())["config"]
    types = {"string": str, "integer": int, "boolean": bool}
    for key, value in stack.items():
        namespace, _, name = key.partition(":")
        if namespace == "nullcheck":
            assert name in declared, f"Pulumi.{stack_name}.yaml: {key} is not declared in Pulumi.yaml"
            assert isinstance(value, types[declared[name]["type"]]), f"{key}: {value!r}"
        else:
            assert key == "aws:region", key


def test_only_the_data_is_protected_and_only_in_prod(
    stack: dict[str, Any], mocks: RecordingMocks, stack_name: str
) -> None:
    prod = stack_name == "prod"
    for resource in mocks.resources:
        recorded = registration(resource)
        # The studio's bucket holds the build and config.json, which every deployment writes again: no data.
        stateful = resource.typ in PROTECTED and DISPOSABLE_REASON_TAG not in resource.inputs.get("tags", {})
        assert recorded.protect is (prod and stateful), resource.name
        assert recorded.retain_on_delete is (prod and stateful), resource.name
    assert {resource.typ for resource in mocks.resources} >= PROTECTED


def test_prod_keeps_its_data_and_dev_can_be_torn_down(
    stack: dict[str, Any], mocks: RecordingMocks, stack_name: str
) -> None:
    prod = stack_name == "prod"
    table = mocks.one(TABLE).inputs
    assert table["deletionProtectionEnabled"] is prod
    assert table["pointInTimeRecovery"] == {"enabled": prod}
    assert mocks.named("media-bucket").inputs["forceDestroy"] is not prod
    assert mocks.one("aws:cognito/userPool:UserPool").inputs["deletionProtection"] == ("ACTIVE" if prod else "INACTIVE")


def test_prod_alarms_keeps_logs_90_days_and_logs_no_bodies(
    stack: dict[str, Any], mocks: RecordingMocks, stack_name: str
) -> None:
    prod = stack_name == "prod"
    assert bool(mocks.of_type(ALARM)) is prod
    assert {group.inputs["retentionInDays"] for group in mocks.of_type(LOG_GROUP)} == {90 if prod else 14}
    # Data tracing logs whole requests and responses, presigned upload URLs included: the seed's, dev only.
    assert mocks.one(STAGE_SETTINGS).inputs["settings"]["dataTraceEnabled"] is not prod


def test_the_stack_name_names_what_aws_does_not_auto_name(
    stack: dict[str, Any], mocks: RecordingMocks, stack_name: str
) -> None:
    memory = mocks.one("aws:bedrock/agentcoreMemory:AgentcoreMemory").inputs["name"]
    layer = mocks.one("aws:lambda/layerVersion:LayerVersion").inputs["layerName"]
    assert memory == f"clipAgentMemory_{stack_name}" and layer == f"nullcheck-dependencies-{stack_name}"


def test_prod_invokes_snapshotted_versions_and_dev_its_functions(
    stack: dict[str, Any], mocks: RecordingMocks, stack_name: str
) -> None:
    prod = stack_name == "prod"
    functions = mocks.of_type("aws:lambda/function:Function")
    assert {f.inputs.get("snapStart", {}).get("applyOn") for f in functions} == {"PublishedVersions" if prod else None}
    assert len(mocks.of_type("aws:lambda/alias:Alias")) == (len(functions) if prod else 0)


def test_prod_asks_for_an_authenticator_and_srp_and_dev_offers_both(
    stack: dict[str, Any], mocks: RecordingMocks, stack_name: str
) -> None:
    prod = stack_name == "prod"
    pool = mocks.one("aws:cognito/userPool:UserPool").inputs
    assert pool["mfaConfiguration"] == ("ON" if prod else "OPTIONAL")
    assert pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    flows = mocks.one("aws:cognito/userPoolClient:UserPoolClient").inputs["explicitAuthFlows"]
    assert ("ALLOW_USER_PASSWORD_AUTH" in flows) is not prod and "ALLOW_USER_SRP_AUTH" in flows
    # Threat protection (the Plus plan, billed per active user) is off in both; a new email needs verifying.
    assert pool["userPoolAddOns"] == {"advancedSecurityMode": "OFF"} and pool["userPoolTier"] == "ESSENTIALS"
    assert pool["userAttributeUpdateSettings"] == {"attributesRequireVerificationBeforeUpdates": ["email"]}


def test_the_projects_config_defaults_are_the_contracts() -> None:
    """Pulumi.yaml declares defaults a reader sees; they must be the ones the program applies."""
    from handlers.contract import DEFAULT_CHUNK_SECONDS, DEFAULT_MODEL_ID, TENANT_LIMIT_DEFAULTS

    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert declared["chunkSeconds"]["default"] == DEFAULT_CHUNK_SECONDS
    assert declared["modelId"]["default"] == DEFAULT_MODEL_ID
    for name, default in TENANT_LIMIT_DEFAULTS.items():
        assert declared[f"limit{name.title().replace('_', '')}"]["default"] == default, name


def test_each_stack_exports_its_studio_and_the_media_bucket_admits_it(
    stack: dict[str, Any], mocks: RecordingMocks
) -> None:
    outputs = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
    domain = mocks.one("aws:cloudfront/distribution:Distribution").outputs["domainName"]  # type: ignore[attr-defined]
    assert resolve(outputs["StudioUrl"]) == f"https://{domain}"
    [rule] = mocks.one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").inputs["corsRules"]
    assert rule["allowedOrigins"] == ["*", f"https://{domain}"]
    # Same origin: the API's CORS origin stays the stack's.
    functions = mocks.of_type("aws:lambda/function:Function")
    assert {f.inputs["environment"]["variables"]["ORIGIN"] for f in functions} == {"*"}
