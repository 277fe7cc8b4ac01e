"""The service models the layer ships: botocore's own, less the prose, and enough for every handler."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError
from moto import mock_aws

from components import service_models
from handlers.catalog import FUNCTIONS
from handlers.core.runtime.clients import ServiceModelLoader
from handlers.core.runtime.settings import SERVICE_MODELS
from tests.unit.handlers.conftest import HANDLER_ENV

REPO_ROOT = Path(__file__).resolve().parents[2]


def documentation_strings(node: Any) -> int:
    if isinstance(node, dict):
        return sum(
            bool(value) if key == "documentation" else documentation_strings(value) for key, value in node.items()
        )
    if isinstance(node, list):
        return sum(documentation_strings(value) for value in node)
    return 0


@pytest.fixture(autouse=True)
def aws_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS's own endpoints, whatever an earlier test pointed the environment at."""
    for name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("botocore_data")
    service_models.write_models(root)
    return root


def session_reading(models: Path | str) -> botocore.session.Session:
    """A session reading `models` as a function's does on Lambda (`SERVICE_MODELS`)."""
    session = botocore.session.Session()
    session.register_component("data_loader", ServiceModelLoader(str(models)))
    return session


def test_only_the_prose_goes() -> None:
    version, installed = service_models.installed_model("s3", "service-2")
    shipped = service_models.shipped_models()[f"s3/{version}/service-2.json.gz"]

    assert documentation_strings(installed) > 1000 and documentation_strings(shipped) == 0
    assert shipped["operations"].keys() == installed["operations"].keys()
    assert shipped["shapes"].keys() == installed["shapes"].keys()
    assert shipped["clientContextParams"].keys() == installed["clientContextParams"].keys()
    assert len(json.dumps(shipped)) < len(json.dumps(installed)) / 4


def test_every_service_a_handler_uses_ships(shipped: Path) -> None:
    """Import every catalog handler as Lambda would and record the services of the clients they create.

    With `SERVICE_MODELS` set, as on Lambda: a client of a service the layer lacks fails the import."""
    modules = sorted({spec.module for spec in FUNCTIONS})
    script = (
        "import json, botocore.session\n"
        "created = []\n"
        "original = botocore.session.Session.create_client\n"
        "def recording(self, service, *args, **kwargs):\n"
        "    created.append(service)\n"
        "    return original(self, service, *args, **kwargs)\n"
        "botocore.session.Session.create_client = recording\n"
        f"for module in {modules!r}:\n"
        "    __import__(module)\n"
        "print(json.dumps(sorted(set(created))))\n"
    )
    environment = {**os.environ, **HANDLER_ENV, "AWS_DEFAULT_REGION": "us-east-1", SERVICE_MODELS: str(shipped)}
    environment |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=True
    )

    created = json.loads(result.stdout.splitlines()[-1])
    assert {"dynamodb", "s3", "events", "mediaconvert", "ssm"} <= set(created)
    assert set(created) <= set(service_models.SERVICES)


@mock_aws
def test_clients_built_from_the_shipped_models_work(shipped: Path) -> None:
    session = session_reading(shipped)
    dynamodb = session.create_client("dynamodb", region_name="us-east-1")
    s3 = session.create_client("s3", region_name="us-east-1")

    assert dynamodb.meta.service_model.documentation == ""  # read from the shipped model
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    assert dynamodb.get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"]["n"] == {"N": "1"}
    with pytest.raises(dynamodb.exceptions.ConditionalCheckFailedException):
        dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)")
    s3.create_bucket(Bucket="models-test")
    s3.put_object(Bucket="models-test", Key="k", Body=b"x")
    assert s3.get_object(Bucket="models-test", Key="k")["Body"].read() == b"x"
    url = s3.generate_presigned_url("upload_part", Params={"Bucket": "b", "Key": "k", "UploadId": "u", "PartNumber": 1})
    assert "X-Amz-Signature=" in url or "Signature=" in url


def test_agentcore_resolves_its_endpoint_from_the_shipped_rules(shipped: Path) -> None:
    """The runtime's botocore may predate bedrock-agentcore: its endpoint rules ship with its model."""
    session = session_reading(shipped)
    version, _ = service_models.installed_model("bedrock-agentcore", "service-2")
    _, found_at = session.get_component("data_loader").load_data_with_path(
        f"bedrock-agentcore/{version}/endpoint-rule-set-1"
    )
    assert Path(found_at).is_relative_to(shipped)
    client = session.create_client("bedrock-agentcore", region_name="us-east-1")
    assert client.meta.endpoint_url == "https://bedrock-agentcore.us-east-1.amazonaws.com"


REGIONS = ("us-east-1", "eu-central-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1")


@pytest.mark.parametrize("service", service_models.SERVICES)
def test_a_function_reaches_every_shipped_service_where_botocore_would(shipped: Path, service: str) -> None:
    """Same endpoint and signing as botocore's own data gives, in every partition (agentcore aside:
    botocore 1.44 knows it, a runtime's older botocore may not)."""
    ours, botocores = session_reading(shipped), botocore.session.Session()
    for region in REGIONS:
        client = ours.create_client(service, region_name=region)
        reference = botocores.create_client(service, region_name=region)
        assert client.meta.endpoint_url == reference.meta.endpoint_url, region
        assert client.meta.service_model.signing_name == reference.meta.service_model.signing_name
        assert client.meta.partition == reference.meta.partition


def test_a_function_knows_only_the_services_it_ships(shipped: Path) -> None:
    """The loader lists the shipped services only (not botocore's 400): another one is refused at once."""
    session = session_reading(shipped)

    assert session.get_available_services() == sorted(service_models.SERVICES)
    with pytest.raises(UnknownServiceError):
        session.create_client("sqs", region_name="us-east-1")


def test_the_shipped_endpoints_are_botocores_own_for_the_shipped_services(shipped: Path) -> None:
    """botocore parses `endpoints.json` before its first client: the layer's holds only what a function can use,
    and counts as botocore's bundled data (a custom one would override every endpoint the rules compute)."""
    installed = service_models.botocores_loader().load_data(service_models.ENDPOINTS)
    session = session_reading(shipped)
    loaded, found_at = session.get_component("data_loader").load_data_with_path(service_models.ENDPOINTS)

    assert Path(found_at).parent == shipped
    assert session._get_internal_component("endpoint_resolver").uses_builtin_data
    assert [p["partition"] for p in loaded["partitions"]] == [p["partition"] for p in installed["partitions"]]
    for ours, theirs in zip(loaded["partitions"], installed["partitions"], strict=True):
        assert {k: v for k, v in ours.items() if k != "services"} == {
            k: v for k, v in theirs.items() if k != "services"
        }
        assert all(theirs["services"][name] == entry for name, entry in ours["services"].items())
    shipped_services = loaded["partitions"][0]["services"].keys()
    assert {"s3", "dynamodb", "events", "cognito-idp", "mediaconvert", "ssm"} <= shipped_services
    assert len(json.dumps(loaded)) < len(json.dumps(installed)) / 10


@pytest.mark.parametrize("spelled", ["plain", "trailing slash"])
def test_presigned_urls_are_the_same_as_botocores(shipped: Path, spelled: str) -> None:
    models = Path(f"{shipped}/") if spelled == "plain" else f"{shipped}/"
    ours, botocores = session_reading(models), botocore.session.Session()
    for region in ("us-east-1", "eu-central-1"):
        clients = [
            session.create_client("s3", region_name=region, aws_access_key_id="a", aws_secret_access_key="b")
            for session in (ours, botocores)
        ]
        urls = [
            client.generate_presigned_url("put_object", Params={"Bucket": "media-bucket", "Key": "media/t/e/k.srt"})
            for client in clients
        ]
        assert urls[0].split("?")[0] == urls[1].split("?")[0], region
        # A transcript's form (a presigned POST) goes to the same place.
        posts = [client.generate_presigned_post("media-bucket", "media/t/e/k.srt")["url"] for client in clients]
        assert posts[0] == posts[1], region
