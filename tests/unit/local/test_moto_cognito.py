"""What the local Cognito changes and reads inside moto: the signing key, a sign-in's user, and the
pieces of moto's source that both (and the front's dispatch) rely on, pinned.

A moto upgrade that changes any pinned piece fails `test_the_moto_code_the_local_stack_relies_on_is_unchanged`:
re-read that piece, check `local/moto_cognito.py` and `local/cognito_dispatch.py` still do what
their docstrings say, then update the pin.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

import httpx
import jwt
import moto
import pytest
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool, RegionAgnosticBackend
from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse, CognitoIdpResponse
from moto.core.responses import BaseResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from local import moto_cognito
from tests.unit.local.user_pools import PASSWORD, Pool, admin, moto_key, new_pool, new_user, public, tokens

MOTO_VERSION = "5.2.5"
PINNED: dict[str, tuple[Any, str]] = {
    # The key: moto sets it per pool, signs with it under kid "dummy", serves the class's JWKS.
    "CognitoIdpUserPool.__init__": (CognitoIdpUserPool.__init__, "1c8d864a15c3f0dd"),
    "CognitoIdpUserPool.create_jwt": (CognitoIdpUserPool.create_jwt, "73889b186eb2fa10"),
    "CognitoIdpJsonWebKeyResponse": (CognitoIdpJsonWebKeyResponse, "50948a1b999c0311"),
    # A sign-in: sessions as (username, pool), the SRP secret block as the session, users by name.
    "CognitoIdpUserPool._get_user": (CognitoIdpUserPool._get_user, "4047a30d5a8b9845"),
    "CognitoIdpBackend.initiate_auth": (CognitoIdpBackend.initiate_auth, "b4ecd8a21bd445c7"),
    "CognitoIdpBackend.respond_to_auth_challenge": (CognitoIdpBackend.respond_to_auth_challenge, "f534d52b883f212e"),
    "RegionAgnosticBackend._find_backend_for_clientid": (
        RegionAgnosticBackend._find_backend_for_clientid,
        "5f499544312dab4a",
    ),
    # The dispatch the front asks: backend, then Action before X-Amz-Target, then the JSON body.
    "DomainDispatcherApplication.get_application": (DomainDispatcherApplication.get_application, "0ff6939685bde917"),
    "DomainDispatcherApplication.infer_service_region_host": (
        DomainDispatcherApplication.infer_service_region_host,
        "b4fac9b6aa6baef1",
    ),
    "BaseResponse.setup_class": (BaseResponse.setup_class, "0045fc77574abb17"),
    "BaseResponse._get_action": (BaseResponse._get_action, "6430b292c4321773"),
}


def fingerprint(thing: Any) -> str:
    return hashlib.sha256(inspect.getsource(thing).encode()).hexdigest()[:16]


def test_moto_is_the_pinned_version() -> None:
    assert moto.__version__ == MOTO_VERSION


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_moto_code_the_local_stack_relies_on_is_unchanged(name: str) -> None:
    thing, pinned = PINNED[name]

    assert fingerprint(thing) == pinned, f"moto changed {name}: re-read it before updating the pin"


def test_cognitos_parameters_are_its_json_body() -> None:
    assert "json.loads(self.body)" in inspect.getsource(CognitoIdpResponse.parameters.fget)  # type: ignore[attr-defined]


# The signing key.


@pytest.fixture(scope="module")
def key() -> moto_cognito.SigningKey:
    return moto_cognito.install_signing_key()


@pytest.fixture
def pool(moto_url: str, key: moto_cognito.SigningKey) -> Pool:
    return new_pool(moto_url)


def test_the_key_is_made_once_per_process(key: moto_cognito.SigningKey) -> None:
    assert moto_cognito.install_signing_key() is key
    assert key.jwks["keys"][0]["kid"] == moto_cognito.MOTO_KID
    assert "d" not in key.jwks["keys"][0]  # the public half only


def test_the_pools_jwks_is_the_local_key(pool: Pool, key: moto_cognito.SigningKey) -> None:
    served = httpx.get(pool.jwks_url, timeout=10).json()

    assert served == key.jwks
    assert int.from_bytes(jwt.utils.base64url_decode(served["keys"][0]["n"]), "big") not in (
        moto_cognito.published_moduli()
    )


def test_moto_signs_with_the_local_key_not_its_own(pool: Pool, key: moto_cognito.SigningKey) -> None:
    id_token = tokens(pool, new_user(pool))["IdToken"]
    local_public = jwt.PyJWK(key.jwks["keys"][0]).key

    assert jwt.decode(id_token, local_public, algorithms=["RS256"], audience=pool.client_id)["token_use"] == "id"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(id_token, moto_key().public_key(), algorithms=["RS256"], audience=pool.client_id)


def test_every_pool_reads_the_key_whatever_moto_assigns(key: moto_cognito.SigningKey) -> None:
    pool = CognitoIdpUserPool("123456789012", "us-east-1", "any", {})
    pool.json_web_key = moto_key()  # as moto's __init__ does (its shipped key): ignored

    assert pool.json_web_key is key.private


def test_moto_access_tokens_still_work(pool: Pool) -> None:
    email = new_user(pool)
    access_token = tokens(pool, email)["AccessToken"]

    user = public(pool.endpoint).get_user(AccessToken=access_token)

    assert {item["Name"]: item["Value"] for item in user["UserAttributes"]}["email"] == email


# A sign-in's user.


def test_a_session_is_its_user_and_password(pool: Pool) -> None:
    email = f"temporary-{pool.id[-6:].lower()}@example.com"
    admin(pool.endpoint).admin_create_user(
        UserPoolId=pool.id, Username=email, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS"
    )
    challenge = public(pool.endpoint).initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}
    )
    other = new_user(pool)

    found = moto_cognito.session_user(challenge["Session"])

    assert found is not None
    assert (found.pool.id, found.pool_name, found.password) == (pool.id, pool.id.split("_")[1], PASSWORD)
    assert found.is_named(email) and found.is_named(found.user.username)
    assert not found.is_named(other) and not found.is_named(None) and not found.is_named("nobody@example.com")


@pytest.mark.parametrize("session", ["unknown", "", None, 42])
def test_an_unknown_session_has_no_user(session: Any) -> None:
    assert moto_cognito.session_user(session) is None
