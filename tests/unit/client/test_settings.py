"""Where the CLI finds its API and user pool: options first, else the running local stack's file."""

from __future__ import annotations

import json
from pathlib import Path

from client.settings import DEFAULT_API, resolve

LOCAL = {
    "apiUrl": "http://127.0.0.1:3000/api",
    "region": "us-east-1",
    "cognito": {"endpoint": "http://127.0.0.1:4000", "userPoolId": "us-east-1_local", "userPoolClientId": "client"},
}


def project(tmp_path: Path) -> Path:
    (tmp_path / ".nullcheck").mkdir()
    (tmp_path / ".nullcheck" / "local-stack.json").write_text(json.dumps(LOCAL))
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    return below


def test_the_local_stack_file_is_found_from_a_directory_below(tmp_path: Path) -> None:
    settings = resolve(None, region="eu-west-1", start=project(tmp_path))

    assert settings.api_url == LOCAL["apiUrl"]
    assert settings.region == "us-east-1"  # the local stack has one region, whatever AWS_REGION says
    assert (settings.user_pool_id, settings.client_id) == ("us-east-1_local", "client")
    assert settings.cognito_endpoint == "http://127.0.0.1:4000"
    assert settings.source == tmp_path / ".nullcheck" / "local-stack.json"


def test_the_file_applies_to_its_own_api_only(tmp_path: Path) -> None:
    start = project(tmp_path)

    same = resolve("http://127.0.0.1:3000/api/", start=start)
    other = resolve("https://x.execute-api.us-east-1.amazonaws.com/api", client_id="c", region="us-east-1", start=start)

    assert same.cognito_endpoint == "http://127.0.0.1:4000"
    assert other.cognito_endpoint is None and other.user_pool_id is None
    assert (other.client_id, other.region) == ("c", "us-east-1")


def test_a_file_naming_endpoints_off_this_machine_is_not_trusted(tmp_path: Path) -> None:
    """A password goes to the Cognito endpoint the file names: a planted file must not redirect it."""
    for planted in (
        {**LOCAL, "cognito": {**LOCAL["cognito"], "endpoint": "https://attacker.example"}},
        {**LOCAL, "apiUrl": "http://10.0.0.8:3000/api"},
        {**LOCAL, "cognito": {**LOCAL["cognito"], "endpoint": "http://127.0.0.1.attacker.example:4000"}},
    ):
        (tmp_path / ".nullcheck").mkdir(exist_ok=True)
        (tmp_path / ".nullcheck" / "local-stack.json").write_text(json.dumps(planted))
        settings = resolve(None, start=tmp_path)
        assert settings.cognito_endpoint is None and settings.source is None and settings.api_url == DEFAULT_API
    for loopback in ("http://localhost:4000", "http://[::1]:4000", "http://127.0.0.2:4000"):
        (tmp_path / ".nullcheck" / "local-stack.json").write_text(
            json.dumps({**LOCAL, "cognito": {**LOCAL["cognito"], "endpoint": loopback}})
        )
        assert resolve(None, start=tmp_path).cognito_endpoint == loopback


def test_without_a_file_or_options_the_default_api(tmp_path: Path) -> None:
    settings = resolve(None, start=tmp_path)

    assert settings.api_url == DEFAULT_API and settings.cognito_endpoint is None
