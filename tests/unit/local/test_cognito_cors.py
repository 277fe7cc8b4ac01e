"""The Cognito front answers a browser as Cognito's endpoint does: preflights, and CORS on every answer."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from local.cognito import LocalCognito
from local.lambda_runtime import LocalLambda
from tests.unit.local.user_pools import new_pool

ORIGIN = "http://127.0.0.1:5173"
TARGET = "AWSCognitoIdentityProviderService.InitiateAuth"


@pytest.fixture
def front(moto_url: str) -> Iterator[str]:
    cognito = LocalCognito(moto_url=moto_url, region="us-east-1", invoke=LocalLambda().invoke)
    url = cognito.start()
    yield url
    cognito.stop()


def test_a_preflight_allows_post_with_the_headers_asked_for(front: str) -> None:
    asked = "content-type,x-amz-target,x-amz-user-agent"

    answer = httpx.options(
        front + "/",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": asked},
    )

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["access-control-allow-methods"] == "POST"
    assert answer.headers["access-control-allow-headers"] == asked


def test_a_refused_sign_in_is_readable_from_another_origin(moto_url: str, front: str) -> None:
    pool = new_pool(moto_url, endpoint=front)
    body = {
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": pool.client_id,
        "AuthParameters": {"USERNAME": "nobody@example.com", "PASSWORD": "Wrong-password-1"},
    }
    headers = {"Origin": ORIGIN, "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET}

    moto_answer = httpx.post(front + "/", json=body, headers=headers)
    front_answer = httpx.post(front + "/", content=b"{}", headers={**headers, "X-Amz-Target": "Nonsense"})

    assert moto_answer.status_code == 400
    assert moto_answer.headers["access-control-allow-origin"] in (ORIGIN, "*")
    assert "x-amzn-ErrorType" in moto_answer.headers["access-control-expose-headers"]
    assert front_answer.status_code == 400
    assert front_answer.headers["access-control-allow-origin"] == "*"
