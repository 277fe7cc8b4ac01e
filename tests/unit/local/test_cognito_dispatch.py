"""The operation moto will run for a request, as the Cognito front decides it, and what the front forwards.

No socket: requests are built as the front builds them and given to moto's own dispatch code.
The first tests pin what moto does (why the front cannot trust `X-Amz-Target`); a moto that stops
doing it fails them, and the front's refusals can then be reconsidered.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from moto.cognitoidp.responses import CognitoIdpResponse

from local.cognito_dispatch import MotoDispatch, Operation, Refused, moto_request, outgoing, with_parameters

MOTO = "http://127.0.0.1:5000"
TARGET = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"
PARAMETERS = {"AccessToken": "token", "UserAttributes": [{"Name": "custom:tenantId", "Value": "other"}]}


@pytest.fixture(scope="module")
def dispatch() -> MotoDispatch:
    return MotoDispatch()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def request(
    client: httpx.Client,
    target: str | None = "GetUser",
    *,
    path: str = "/",
    body: bytes | None = None,
    **headers: str,
) -> httpx.Request:
    sent = {"Content-Type": JSON_TYPE, **{name.replace("_", "-"): value for name, value in headers.items()}}
    if target is not None:
        sent["X-Amz-Target"] = TARGET + target
    content = json.dumps(PARAMETERS).encode() if body is None else body
    return outgoing(client, MOTO, "POST", path, sent, content)


def moto_action(request: httpx.Request) -> str:
    """moto's own choice, without the front's comparison."""
    response = CognitoIdpResponse()
    response.setup_class(moto_request(request))
    return str(response._get_action())


def refused(dispatch: MotoDispatch, request: httpx.Request) -> Refused:
    with pytest.raises(Refused) as raised:
        dispatch.operation(request)
    return raised.value


def smuggling(action: str) -> bytes:
    return json.dumps({**PARAMETERS, "Note": f"&Action={action}&"}).encode()


# What moto does.


def test_moto_runs_the_action_of_the_query_string_over_the_target(client: httpx.Client) -> None:
    assert moto_action(request(client, path="/?Action=UpdateUserAttributes")) == "UpdateUserAttributes"


def test_moto_reads_a_json_body_as_a_query_string_too(client: httpx.Client) -> None:
    assert moto_action(request(client, body=smuggling("SignUp"))) == "SignUp"


def test_moto_reads_an_action_header_when_nothing_else_names_one(client: httpx.Client) -> None:
    assert moto_action(request(client, body=b"", Action="SignUp")) == "SignUp"


def test_moto_reads_form_fields_first(client: httpx.Client) -> None:
    form = request(client, body=b"Action=SignUp", Content_Type="application/x-www-form-urlencoded")

    assert moto_action(form) == "SignUp"


# What the front decides.


def test_a_plain_request_is_the_operation_its_target_names(dispatch: MotoDispatch, client: httpx.Client) -> None:
    assert dispatch.operation(request(client, "UpdateUserAttributes")) == Operation("UpdateUserAttributes", PARAMETERS)


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/?Action=UpdateUserAttributes", None, {}),
        ("/?Action=SignUp&Version=2016-04-18", None, {}),
        ("/", smuggling("UpdateUserAttributes"), {}),
        ("/", b"", {"Action": "SignUp"}),
        ("/", b"Action=SignUp", {"Content-Type": "application/x-www-form-urlencoded"}),
        (
            "/",
            b'--b\r\nContent-Disposition: form-data; name="Action"\r\n\r\nSignUp\r\n--b--\r\n',
            {"Content-Type": "multipart/form-data; boundary=b"},
        ),
    ],
)
def test_an_operation_other_than_the_targets_is_refused(
    dispatch: MotoDispatch, client: httpx.Client, path: str, body: bytes | None, headers: dict[str, str]
) -> None:
    sent = {"Content-Type": JSON_TYPE, "X-Amz-Target": TARGET + "GetUser", **headers}
    content = json.dumps(PARAMETERS).encode() if body is None else body

    error = refused(dispatch, outgoing(client, MOTO, "POST", path, sent, content))

    assert error.code in ("UnknownOperationException", "SerializationException")


def test_the_action_naming_the_targets_operation_is_that_operation(
    dispatch: MotoDispatch, client: httpx.Client
) -> None:
    same = request(client, "UpdateUserAttributes", path="/?Action=UpdateUserAttributes")

    assert dispatch.operation(same).name == "UpdateUserAttributes"


@pytest.mark.parametrize(
    "target",
    [None, "", "Other.SignUp", "SignUp.", "Sign Up", "AWSCognitoIdentityProviderService"],
)
def test_a_missing_or_malformed_target_is_refused(
    dispatch: MotoDispatch, client: httpx.Client, target: str | None
) -> None:
    headers = {"Content-Type": JSON_TYPE} if target is None else {"Content-Type": JSON_TYPE, "X-Amz-Target": target}

    error = refused(dispatch, outgoing(client, MOTO, "POST", "/", headers, b"{}"))

    assert error.code == "UnknownOperationException"


def test_another_services_target_or_signature_is_refused(dispatch: MotoDispatch, client: httpx.Client) -> None:
    signed = "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"
    dynamodb = outgoing(client, MOTO, "POST", "/", {"X-Amz-Target": "DynamoDB_20120810.ListTables"}, b"{}")

    assert refused(dispatch, request(client, "ListUserPools", Authorization=signed)).code == "UnknownOperationException"
    assert refused(dispatch, dynamodb).code == "UnknownOperationException"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe{}", b'"text"'])
def test_a_body_moto_cannot_read_is_a_400(dispatch: MotoDispatch, client: httpx.Client, body: bytes) -> None:
    assert refused(dispatch, request(client, body=body)).code in ("SerializationException", "UnknownOperationException")


def test_a_signed_request_for_cognito_is_its_targets_operation(dispatch: MotoDispatch, client: httpx.Client) -> None:
    signed = "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, S=0"

    assert dispatch.operation(request(client, "ListUserPools", body=b"{}", Authorization=signed)).name == (
        "ListUserPools"
    )


# What the front forwards.


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", "/"),
        ("PUT", "/"),
        ("POST", "/moto-api/reset"),
        ("GET", "/moto-api/data.json"),
        ("POST", "//"),
        ("POST", "http://elsewhere/"),
        ("POST", "/us-east-1_abc/.well-known/jwks.json"),
        ("GET", "/us-east-1_abc/.well-known/jwks.json/.."),
    ],
)
def test_only_the_api_and_the_keys_are_forwarded(client: httpx.Client, method: str, target: str) -> None:
    with pytest.raises(Refused):
        outgoing(client, MOTO, method, target, {"X-Amz-Target": TARGET + "ListUserPools"}, b"{}")


def test_the_keys_are_fetched_with_nothing_of_the_request(client: httpx.Client) -> None:
    headers = {"X-Amz-Target": TARGET + "SignUp", "Authorization": "x", "X-Moto-Account-Id": "1"}

    keys = outgoing(client, MOTO, "GET", "/us-east-1_Ab1/.well-known/jwks.json?Action=SignUp", headers, b"{}")

    assert str(keys.url) == f"{MOTO}/us-east-1_Ab1/.well-known/jwks.json"
    assert keys.content == b"" and "x-amz-target" not in keys.headers and "authorization" not in keys.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Amz-Target": TARGET + "SignUp", "x-amz-target": TARGET + "UpdateUserAttributes"},
        {"X-Amz-Target": TARGET + "SignUp", "X_Amz_Target": TARGET + "UpdateUserAttributes"},
    ],
)
def test_repeated_or_underscored_header_names_are_refused(client: httpx.Client, headers: dict[str, str]) -> None:
    # moto's server would join repeated values, and drop underscored names: not what was decided on.
    with pytest.raises(Refused):
        outgoing(client, MOTO, "POST", "/", headers, b"{}")


def test_a_rewritten_request_keeps_its_headers(dispatch: MotoDispatch, client: httpx.Client) -> None:
    original = request(client, "RespondToAuthChallenge", body=b'{"ChallengeName": "PASSWORD_VERIFIER"}')
    changed: dict[str, Any] = {"ChallengeName": "PASSWORD_VERIFIER", "Session": "moto's"}

    rewritten = with_parameters(client, original, changed)

    assert dispatch.operation(rewritten) == Operation("RespondToAuthChallenge", changed)
    assert rewritten.headers["content-length"] == str(len(rewritten.content))


def test_a_rewrite_never_writes_an_action_the_client_had_escaped(dispatch: MotoDispatch, client: httpx.Client) -> None:
    # The client sent `\u0026Action=SignUp\u0026`: moto reads no `&` in it, the front decoded it.
    escaped = b'{"ChallengeName": "PASSWORD_VERIFIER", "ClientMetadata": {"x": "\\u0026Action=SignUp\\u0026"}}'
    original = request(client, "RespondToAuthChallenge", body=escaped)
    parameters = dispatch.operation(original).parameters
    assert parameters["ClientMetadata"]["x"] == "&Action=SignUp&"

    rewritten = with_parameters(client, original, parameters)

    assert dispatch.operation(rewritten) == Operation("RespondToAuthChallenge", parameters)
