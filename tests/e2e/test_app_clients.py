"""A token of another app client of the stack's user pool passes the gateway, as on AWS, and the functions refuse it.

API Gateway's user pools authorizer (and the local gateway playing it) accepts an ID token of any app
client of the pool; the API functions accept only the stack's own (`APP_CLIENT_IDS`).
"""

from __future__ import annotations

import httpx

from local.cognito import sign_in
from local.stack import LocalStack


def test_a_token_issued_to_another_app_of_the_pool_is_refused_with_401(stack: LocalStack, api: httpx.Client) -> None:
    other_app = stack.client("cognito-idp").create_user_pool_client(
        UserPoolId=stack.user_pool_id,
        ClientName="another-app",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    email = "another-app@example.com"
    password = stack.create_user(email, "e2e")
    token = sign_in(stack.cognito_client(), other_app, email, password)["IdToken"]

    with httpx.Client(base_url=stack.api_url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as other:
        listing = other.get("/episodes")
        created = other.post("/episodes", json={"title": "from another app", "episodeNumber": 1})

    assert (listing.status_code, created.status_code) == (401, 401)
    assert "another app" in listing.json()["message"]
    assert listing.headers["access-control-allow-origin"] == "https://studio.example.com"
    # The stack's own client's token is served, and nothing was created by the other one.
    listed = api.get("/episodes")
    assert listed.status_code == 200
    assert "from another app" not in [item.get("title") for item in listed.json()["items"]]
