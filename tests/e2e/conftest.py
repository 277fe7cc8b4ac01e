"""The local stack, started once in this process; tests talk to it over HTTP only, signed in.

Handlers read their environment at import, so the local stack runs in its own pytest process
(`make test` runs tests/e2e separately from tests/unit).

Every API call needs a Cognito ID token: `api` is a client signed in as a user of the tenant
`e2e`; `signed_in(tenant)` signs in a new user of any tenant (for tests that need two tenants).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import httpx
import pytest

from handlers.contract import TENANT_LIMIT_DEFAULTS
from local.stack import LocalStack, LocalStackConfig

CHUNK_SECONDS = 2
TENANT = "e2e"
_users = itertools.count(1)

SignedIn = Callable[[str | None], httpx.Client]
"""tenant → an API client signed in as a new user of that tenant."""


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    config = LocalStackConfig(
        api_port=0,
        origin="https://studio.example.com",
        chunk_seconds=CHUNK_SECONDS,
        # The suite starts far more episodes and jobs than one tenant's day allows: limits have tests of their own.
        tenant_limits=dict.fromkeys(TENANT_LIMIT_DEFAULTS, 10_000),
    )
    with LocalStack(config) as running:
        yield running


def id_token(stack: LocalStack, tenant: str | None) -> str:
    """The ID token of a new user of `tenant` (no `custom:tenantId` when None), created as an operator does."""
    email = f"user-{next(_users)}-{tenant or 'none'}@example.com"
    password = stack.create_user(email, tenant)
    return str(stack.sign_in(email, password)["IdToken"])


@pytest.fixture(scope="session")
def token(stack: LocalStack) -> str:
    """The ID token of the suite's user, of the tenant `e2e` (valid for an hour, longer than the suite)."""
    return id_token(stack, TENANT)


@pytest.fixture
def api(stack: LocalStack, token: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def signed_in(stack: LocalStack) -> Iterator[SignedIn]:
    """Signs in a new user of the given tenant (None: a user without one) and returns its API client."""
    clients: list[httpx.Client] = []

    def sign_in(tenant: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {id_token(stack, tenant)}"}
        client = httpx.Client(base_url=stack.api_url, timeout=30, headers=headers)
        clients.append(client)
        return client

    yield sign_in
    for client in clients:
        client.close()
