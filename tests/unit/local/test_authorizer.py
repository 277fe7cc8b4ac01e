"""The local gateway's Cognito user pools authorizer, against tokens of a real moto user pool.

Tokens come from moto's sign-in, or are minted with the local stack's key (expired, another
issuer), with a key of the test's (a forger's) or with the key moto ships (anyone's); the gateway
is driven through `handle`, no socket.
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import jwt
import pytest
from moto.utilities.utils import load_resource

from handlers.catalog import Function
from local.apigateway import LocalApiGateway
from local.authorizer import CognitoAuthorizer, api_gateway_date, claims_as_strings, token_of
from local.moto_cognito import PUBLISHED_PUBLIC_KEYS, install_signing_key
from tests.unit.local import user_pools
from tests.unit.local.user_pools import Pool, id_claims, moto_key, new_pool, new_user, stranger_key, tokens

ORIGIN = "https://studio.example.com"
DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$")


@pytest.fixture(scope="module", autouse=True)
def local_key() -> None:
    """moto signs with the local stack's key, as once the local Cognito has started."""
    install_signing_key()


def mint(claims: dict[str, Any], key: Any = None, kid: str = user_pools.MOTO_KID) -> str:
    """A token of these claims signed with the local stack's key (what the pool itself would issue)."""
    return user_pools.mint(claims, key if key is not None else install_signing_key().pem(), kid)


@pytest.fixture
def pool(moto_url: str) -> Pool:
    return new_pool(moto_url)


@pytest.fixture
def authorizer(pool: Pool) -> CognitoAuthorizer:
    return CognitoAuthorizer(
        region="us-east-1", user_pool_id=pool.id, client_ids=[pool.client_id], jwks_url=pool.jwks_url
    )


@pytest.fixture
def signed_in(pool: Pool) -> dict[str, Any]:
    """A user of the tenant `acme`, signed in: its tokens."""
    return tokens(pool, new_user(pool, "acme"))


def tampered(token: str, **claims: Any) -> str:
    """The token with its payload changed and its signature kept."""
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_valid_id_token_gives_its_claims_as_strings(authorizer: CognitoAuthorizer, signed_in: dict[str, Any]) -> None:
    claims = authorizer.claims(f"Bearer {signed_in['IdToken']}")

    assert claims is not None
    assert all(isinstance(value, str) for value in claims.values()), claims
    assert claims["custom:tenantId"] == "acme"
    assert claims["token_use"] == "id"
    assert claims["aud"] == pool_client(authorizer)
    assert claims["iss"] == authorizer.issuer
    assert re.fullmatch(r"\d+", claims["auth_time"])  # stays a number, as a string
    assert DATE.match(claims["exp"]) and DATE.match(claims["iat"]), claims


def test_the_token_is_taken_raw_or_after_bearer(authorizer: CognitoAuthorizer, signed_in: dict[str, Any]) -> None:
    token = signed_in["IdToken"]

    assert authorizer.claims(token) is not None
    assert authorizer.claims(f"Bearer {token}") is not None
    # Only `Bearer` and one space come off; anything else is part of a token that does not verify.
    assert authorizer.claims(f"bearer {token}") is None
    assert authorizer.claims(f"Bearer  {token}") is None
    assert authorizer.claims(f"Token {token}") is None


@pytest.mark.parametrize("header", [None, "", "Bearer ", "garbage", "Bearer garbage", "a.b.c", "Bearer e30.e30.e30"])
def test_a_missing_or_garbage_header_is_refused(authorizer: CognitoAuthorizer, header: str | None) -> None:
    assert authorizer.claims(header) is None


def test_a_tampered_token_is_refused(authorizer: CognitoAuthorizer, signed_in: dict[str, Any]) -> None:
    token = signed_in["IdToken"]
    header, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1 :]

    assert authorizer.claims(tampered(token, **{"custom:tenantId": "someone-else"})) is None
    assert authorizer.claims(f"{header}.{payload}.{flipped}") is None
    assert authorizer.claims(f"{header}.{payload}.") is None


def test_a_token_signed_with_another_key_is_refused(authorizer: CognitoAuthorizer, pool: Pool) -> None:
    assert authorizer.claims(mint(id_claims(pool), key=stranger_key())) is None
    assert authorizer.claims(mint(id_claims(pool), key=stranger_key(), kid="other")) is None
    # The same claims with the pool's key pass: the key, not the claims, was wrong.
    assert authorizer.claims(mint(id_claims(pool))) is not None


def test_a_token_signed_with_the_key_moto_ships_is_refused(authorizer: CognitoAuthorizer, pool: Pool) -> None:
    # Its private half is in moto's source: anyone can sign with it.
    assert authorizer.claims(mint(id_claims(pool), key=moto_key())) is None


def test_the_key_moto_ships_is_refused_even_from_the_pools_jwks(
    authorizer: CognitoAuthorizer, pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load_resource(PUBLISHED_PUBLIC_KEYS)
    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", lambda _client: published)

    assert authorizer.claims(mint(id_claims(pool), key=moto_key())) is None


def test_an_expired_token_is_refused(authorizer: CognitoAuthorizer, pool: Pool) -> None:
    now = int(time.time())

    assert authorizer.claims(mint(id_claims(pool, iat=now - 7200, auth_time=now - 7200, exp=now - 1))) is None


def test_another_audience_or_issuer_is_refused(authorizer: CognitoAuthorizer, pool: Pool, moto_url: str) -> None:
    other_pool = new_pool(moto_url)
    email = new_user(other_pool, "acme")

    assert authorizer.claims(tokens(other_pool, email)["IdToken"]) is None  # another pool: iss and aud
    assert authorizer.claims(mint(id_claims(pool, aud="another-client"))) is None
    assert authorizer.claims(mint(id_claims(pool, iss=f"{pool.issuer}-not"))) is None
    assert authorizer.claims(mint(id_claims(pool, iss=pool.endpoint + "/" + pool.id))) is None


def test_as_api_gateway_it_takes_a_token_of_any_app_client_of_the_pool(pool: Pool, moto_url: str) -> None:
    # API Gateway's authorizer has no app client list: the functions check `aud` (`APP_CLIENT_IDS`).
    gateway = CognitoAuthorizer(region="us-east-1", user_pool_id=pool.id, jwks_url=pool.jwks_url)
    other_pool = new_pool(moto_url)

    passed = gateway.claims(mint(id_claims(pool, aud="another-client-of-the-pool")))

    assert passed is not None and passed["aud"] == "another-client-of-the-pool"
    assert gateway.claims(tokens(other_pool, new_user(other_pool, "acme"))["IdToken"]) is None
    without_audience = id_claims(pool)
    del without_audience["aud"]
    assert gateway.claims(mint(without_audience)) is None


def pool_client(authorizer: CognitoAuthorizer) -> str:
    assert authorizer.client_ids is not None
    return authorizer.client_ids[0]


def test_an_access_token_is_not_an_id_token(
    authorizer: CognitoAuthorizer, signed_in: dict[str, Any], pool: Pool
) -> None:
    assert authorizer.claims(signed_in["AccessToken"]) is None
    assert authorizer.claims(f"Bearer {signed_in['AccessToken']}") is None
    assert authorizer.claims(mint(id_claims(pool, token_use="access"))) is None


def test_claims_are_strings_as_api_gateway_writes_them() -> None:
    claims = claims_as_strings(
        {"exp": 1513495692, "iat": 1513492092, "auth_time": 1513492092, "email_verified": True, "groups": ["a", "b"]}
    )

    assert claims == {
        "exp": "Sun Dec 17 07:28:12 UTC 2017",
        "iat": "Sun Dec 17 06:28:12 UTC 2017",
        "auth_time": "1513492092",
        "email_verified": "true",
        "groups": "a,b",
    }
    assert api_gateway_date(0) == "Thu Jan 01 00:00:00 UTC 1970"
    assert token_of("Bearer x") == "x" and token_of("x") == "x" and token_of("Bearer ") is None


class Recorder:
    """A function in place of the handlers: records the event and answers 200."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, function: Function, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}


@pytest.fixture
def gateway(authorizer: CognitoAuthorizer) -> tuple[LocalApiGateway, Recorder]:
    recorder = Recorder()
    return LocalApiGateway(origin=ORIGIN, invoke=recorder, authorizer=authorizer.claims), recorder


def test_the_gateway_hands_the_claims_to_the_function(
    gateway: tuple[LocalApiGateway, Recorder], signed_in: dict[str, Any]
) -> None:
    api, recorder = gateway

    answer = api.handle("GET", "/api/episodes", {"Authorization": f"Bearer {signed_in['IdToken']}"}, b"")

    assert answer.status == 200
    [event] = recorder.events
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["custom:tenantId"] == "acme"
    assert all(isinstance(value, str) for value in claims.values())
    assert event["headers"]["Authorization"] == f"Bearer {signed_in['IdToken']}"  # passed on, as API Gateway does


@pytest.mark.parametrize("headers", [{}, {"Authorization": "garbage"}, {"authorization": "Bearer x.y.z"}])
def test_the_gateway_answers_401_with_cors_before_validating(
    gateway: tuple[LocalApiGateway, Recorder], headers: dict[str, str]
) -> None:
    api, recorder = gateway

    answer = api.handle("POST", "/api/episodes", {"Content-Type": "application/json", **headers}, b"{not json")

    assert answer.status == 401
    assert json.loads(answer.body) == {"message": "Unauthorized"}
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert recorder.events == []


def test_undeclared_requests_are_403_and_preflights_pass_without_a_token(
    gateway: tuple[LocalApiGateway, Recorder],
) -> None:
    api, recorder = gateway

    undeclared = api.handle("GET", "/api/nothing-here", {}, b"")
    wrong_method = api.handle("PUT", "/api/episodes", {"Authorization": "garbage"}, b"")
    preflight = api.handle("OPTIONS", "/api/episodes", {}, b"")

    assert (undeclared.status, json.loads(undeclared.body)) == (403, {"message": "Missing Authentication Token"})
    assert wrong_method.status == 403
    assert preflight.status == 200 and preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert recorder.events == []


def test_the_gateway_answers_401_to_a_token_signed_with_the_key_moto_ships(
    gateway: tuple[LocalApiGateway, Recorder], pool: Pool
) -> None:
    api, recorder = gateway
    forged = mint(id_claims(pool, **{"custom:tenantId": "someone-else"}), key=moto_key())

    answer = api.handle("GET", "/api/episodes", {"Authorization": f"Bearer {forged}"}, b"")

    assert (answer.status, json.loads(answer.body)) == (401, {"message": "Unauthorized"})
    assert recorder.events == []
