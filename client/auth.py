"""Signing in to the stack's Cognito user pool, and the tokens the CLI keeps between commands.

Every API call carries the signed-in user's ID token (`Authorization: Bearer <token>`). Tokens
are cached per API URL in the user's config directory (`$XDG_CONFIG_HOME/nullcheck/tokens.json`,
`~/.config` by default), readable by the user only (0600), with what is needed to refresh them:
when the ID token has less than `REFRESH_MARGIN` left, the refresh token gets new ones
(REFRESH_TOKEN_AUTH). `NULLCHECK_TOKEN` replaces all of this for scripts: it is sent as it is.

Sign-in, refresh and revocation are Cognito's public operations (no AWS credentials); creating
users is an operator's (`AdminCreateUser`, signed with the caller's AWS credentials).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import boto3
import jwt
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from client.settings import normalise

REFRESH_MARGIN = 300
"""Seconds before its expiry an ID token is replaced."""
TOKEN_ENV = "NULLCHECK_TOKEN"
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})


class SignInError(Exception):
    """Signing in, refreshing or finding a token failed; the message says what to do."""


@dataclass(frozen=True)
class Tokens:
    """A signed-in user's tokens and where they came from (to refresh and revoke them)."""

    id_token: str
    access_token: str
    refresh_token: str | None
    client_id: str
    region: str | None = None
    user_pool_id: str | None = None
    cognito_endpoint: str | None = None

    @property
    def claims(self) -> dict[str, Any]:
        return claims_of(self.id_token)

    def expires_within(self, seconds: float) -> bool:
        return float(self.claims.get("exp", 0)) - time.time() < seconds


def claims_of(token: str) -> dict[str, Any]:
    """The claims of one of our own tokens (the API verifies it; here it is only read)."""
    try:
        return dict(jwt.decode(token, options={"verify_signature": False}))
    except jwt.PyJWTError as error:
        raise SignInError(f"the token is not a JWT: {error}") from None


def config_dir() -> Path:
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "nullcheck"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "nullcheck"


class TokenCache:
    """`tokens.json`: the tokens of each API the user signed in to, keyed by API URL, mode 0600."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "tokens.json"
        self._lock = threading.Lock()

    def get(self, api_url: str) -> Tokens | None:
        entry = self._read().get(normalise(api_url))
        if not isinstance(entry, dict):
            return None
        try:
            return Tokens(**entry)
        except TypeError:
            return None

    def put(self, api_url: str, tokens: Tokens) -> None:
        with self._lock:
            entries = self._read()
            entries[normalise(api_url)] = asdict(tokens)
            self._write(entries)

    def forget(self, api_url: str) -> Tokens | None:
        with self._lock:
            tokens = self.get(api_url)
            entries = self._read()
            if entries.pop(normalise(api_url), None) is not None:
                self._write(entries)
            return tokens

    def _read(self) -> dict[str, Any]:
        try:
            content = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        apis = content.get("apis") if isinstance(content, dict) else None
        return dict(apis) if isinstance(apis, dict) else {}

    def _write(self, entries: dict[str, Any]) -> None:
        """Atomically, never readable by others: a 0600 temporary file in a 0700 directory, renamed."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-", suffix=".json")
        try:  # mkstemp creates the file 0600
            with os.fdopen(descriptor, "w") as file:
                json.dump({"version": 1, "apis": entries}, file, indent=2)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        os.chmod(self.path, 0o600)


def cognito_client(region: str | None, endpoint: str | None, *, signed: bool = False, attempts: int = 3) -> Any:
    """A Cognito client: unsigned for the public operations, signed with the caller's credentials for admin ones.

    The local stack's endpoint takes any credentials; without any configured, placeholders are used.
    """
    config = CLIENT_CONFIG.merge(Config(retries={"mode": "standard", "max_attempts": attempts}))
    if not signed:
        config = config.merge(Config(signature_version=UNSIGNED))
    credentials: dict[str, str] = {}
    if signed and endpoint and boto3.Session().get_credentials() is None:
        credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    return boto3.client("cognito-idp", region_name=region, endpoint_url=endpoint, config=config, **credentials)


def password_sign_in(cognito: Any, client_id: str, email: str, password: str) -> dict[str, Any]:
    """USER_PASSWORD_AUTH: the InitiateAuth answer (tokens, or a challenge)."""
    answer = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": password}
    )
    return dict(answer)


def srp_sign_in(cognito: Any, user_pool_id: str, client_id: str, email: str, password: str) -> dict[str, Any]:
    """USER_SRP_AUTH with pycognito's SRP arithmetic: the password never leaves this machine."""
    from pycognito.aws_srp import AWSSRP

    srp = AWSSRP(username=email, password=password, pool_id=user_pool_id, client_id=client_id, client=cognito)
    parameters = srp.get_auth_params()
    answer = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    if answer.get("ChallengeName") != "PASSWORD_VERIFIER":
        return dict(answer)
    session = {"Session": answer["Session"]} if answer.get("Session") else {}
    responses = srp.process_challenge(answer["ChallengeParameters"], parameters)
    return dict(
        cognito.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses, **session
        )
    )


def set_new_password(cognito: Any, client_id: str, challenge: dict[str, Any], email: str, password: str) -> dict:
    """Answer NEW_PASSWORD_REQUIRED (a user's first sign-in with an operator's temporary password)."""
    username = (challenge.get("ChallengeParameters") or {}).get("USERNAME") or email
    answer = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": password},
    )
    return dict(answer)


def refreshed(tokens: Tokens) -> Tokens:
    """New ID and access tokens from the refresh token (and a new refresh token if the pool rotates them)."""
    if not tokens.refresh_token:
        raise SignInError("the session has ended and cannot be refreshed: run `nullcheck login`")
    cognito = cognito_client(tokens.region, tokens.cognito_endpoint)
    try:
        answer = cognito.initiate_auth(
            ClientId=tokens.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens.refresh_token},
        )
    except cognito.exceptions.NotAuthorizedException:
        raise SignInError("the session has ended (refresh token expired or revoked): run `nullcheck login`") from None
    except (ClientError, BotoCoreError) as error:
        raise SignInError(f"the tokens could not be refreshed ({error}); try again, or run `nullcheck login`") from None
    result = answer["AuthenticationResult"]
    return replace(
        tokens,
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken") or tokens.refresh_token,
    )


class CachedSession:
    """The `Authorization` header of the cached tokens of one API, refreshed when about to expire.

    Thread-safe: upload workers share one API client, so a refresh happens once.
    """

    def __init__(self, api_url: str, cache: TokenCache, tokens: Tokens) -> None:
        self.api_url, self.cache, self.tokens = api_url, cache, tokens
        self._lock = threading.Lock()

    def current(self) -> Tokens:
        with self._lock:
            if self.tokens.expires_within(REFRESH_MARGIN):
                self.tokens = refreshed(self.tokens)
                self.cache.put(self.api_url, self.tokens)
            return self.tokens

    def header(self) -> str:
        return f"Bearer {self.current().id_token}"


class FixedToken:
    """`NULLCHECK_TOKEN`: sent as it is (a raw token or `Bearer <token>`), never refreshed."""

    def __init__(self, token: str) -> None:
        self.token = token.strip()

    def header(self) -> str:
        return self.token

    def claims(self) -> dict[str, Any]:
        return claims_of(self.token.removeprefix("Bearer "))


def session_for(api_url: str, cache: TokenCache | None = None) -> CachedSession | FixedToken:
    """How this command signs its API calls: `NULLCHECK_TOKEN`, else the cached sign-in of this API."""
    if os.environ.get(TOKEN_ENV):
        return FixedToken(os.environ[TOKEN_ENV])
    cache = cache or TokenCache()
    tokens = cache.get(api_url)
    if tokens is None:
        raise SignInError(f"not signed in to {api_url}: run `nullcheck login` (or set {TOKEN_ENV})")
    return CachedSession(api_url, cache, tokens)
