"""Cognito on 127.0.0.1: moto's user pools behind a thin front that closes two of moto's gaps.

moto (5.2.5) serves Cognito's API, RS256 tokens and the pool's JWKS, but it ignores the app
client's write attributes (a user could give themself another tenant with `UpdateUserAttributes`,
or pick one at `SignUp`), lets anyone `SignUp` to a pool that only admins may fill, and never
runs Lambda triggers. This front is the `cognito.endpoint` of the local stack; it answers those
cases as Cognito does and forwards every request to moto:

- `SignUp` to an admin-only pool: `NotAuthorizedException` "SignUp is not permitted for this user pool".
- `SignUp` and `UpdateUserAttributes` naming an attribute outside the client's `WriteAttributes`:
  `NotAuthorizedException` "A client attempted to write unauthorized attribute".
- `ConfirmSignUp`, `AdminConfirmSignUp` and `ConfirmForgotPassword` run the pool's post
  confirmation function (its `LambdaConfig`, set when self sign-up is on) through the local
  Lambda runtime, with the event Cognito sends; an error of the function is Cognito's
  `UserLambdaValidationException`.

Still as moto does (see the README): `USER_SRP_AUTH` accepts any password proof, `RevokeToken`
is not implemented.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import boto3
import httpx
import jwt
from botocore.config import Config
from botocore.exceptions import ClientError

from handlers.catalog import Function, cognito_triggers
from handlers.contract import TENANT_CLAIM
from local.http_server import Answer, LocalHttpServer

logger = logging.getLogger(__name__)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON = "application/x-amz-json-1.1"
MAX_BODY_BYTES = 1024 * 1024
UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"
SIGN_UP_NOT_PERMITTED = "SignUp is not permitted for this user pool"
POST_CONFIRMATION = {
    "ConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "AdminConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "ConfirmForgotPassword": "PostConfirmation_ConfirmForgotPassword",
}
"""Operations after which Cognito runs the post confirmation trigger, and the trigger source it sends."""
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}
Invoke = Callable[[Function, dict[str, Any]], dict[str, Any]]


class CognitoError(Exception):
    """An answer in Cognito's JSON error shape."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def error_answer(code: str, message: str, status: int = 400) -> Answer:
    body = json.dumps({"__type": code, "message": message}).encode()
    return Answer(status, body, {"Content-Type": JSON, "x-amzn-ErrorType": f"{code}:"})


def trigger_functions() -> dict[str, Function]:
    """Catalog functions a user pool may name in its `LambdaConfig`, by the `LambdaConfig` key."""
    return {
        "".join(part.capitalize() for part in trigger.source.split("_")): function
        for function, trigger in cognito_triggers()
    }


class LocalCognito:
    """The front: `handle` enforces what moto does not, `start` serves it; moto does the rest."""

    def __init__(self, *, moto_url: str, region: str, invoke: Invoke) -> None:
        self.moto_url = moto_url.rstrip("/")
        self.region = region
        self.invoke = invoke
        self._moto = boto3.client(
            "cognito-idp",
            region_name=region,
            endpoint_url=self.moto_url,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"mode": "standard", "max_attempts": 1}),
        )
        self._http = httpx.Client(timeout=30)
        self._server = LocalHttpServer(self.handle, name="local-cognito", max_body=MAX_BODY_BYTES, refuse=self._refuse)

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        port = self._server.start(port, host)
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()
        self._http.close()

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request: checked where moto falls short, then forwarded (and a trigger run after it)."""
        operation = _header(headers, "x-amz-target") or ""
        operation = operation.removeprefix(TARGET_PREFIX) if operation.startswith(TARGET_PREFIX) else ""
        request: dict[str, Any] = {}
        if method == "POST" and operation:
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                request = {}
        try:
            if operation == "SignUp":
                self._check_sign_up(request)
            elif operation == "UpdateUserAttributes":
                self._check_update(request)
        except CognitoError as error:
            return error_answer(error.code, error.message, error.status)
        answer = self._forward(method, target, headers, body)
        if answer.status == 200 and operation in POST_CONFIRMATION:
            try:
                self._post_confirmation(operation, request)
            except CognitoError as error:
                return error_answer(error.code, error.message, error.status)
        return answer

    # What moto does not check.

    def _check_sign_up(self, request: dict[str, Any]) -> None:
        pool_id = self._pool_of_client(str(request.get("ClientId", "")))
        if pool_id is None:
            return  # moto answers for an unknown client
        pool = self._moto.describe_user_pool(UserPoolId=pool_id)["UserPool"]
        if (pool.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
            raise CognitoError("NotAuthorizedException", SIGN_UP_NOT_PERMITTED)
        self._check_writable(pool_id, str(request["ClientId"]), request.get("UserAttributes"))

    def _check_update(self, request: dict[str, Any]) -> None:
        try:
            claims = jwt.decode(str(request.get("AccessToken", "")), options={"verify_signature": False})
        except jwt.PyJWTError:
            return  # moto refuses the token itself
        pool_id = str(claims.get("iss", "")).rsplit("/", 1)[-1]
        client_id = str(claims.get("client_id", ""))
        if pool_id and client_id:
            self._check_writable(pool_id, client_id, request.get("UserAttributes"))

    def _check_writable(self, pool_id: str, client_id: str, attributes: Any) -> None:
        """Cognito refuses a client's write of any attribute outside its `WriteAttributes` (when it has some)."""
        try:
            client = self._moto.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
        except ClientError:
            return
        writable = set(client.get("WriteAttributes") or ())
        names = {str(item.get("Name")) for item in attributes or () if isinstance(item, dict)}
        if writable and not names <= writable:
            raise CognitoError("NotAuthorizedException", UNAUTHORIZED_ATTRIBUTE)

    # What moto never runs.

    def _post_confirmation(self, operation: str, request: dict[str, Any]) -> None:
        if operation == "AdminConfirmSignUp":
            pool_id: str | None = str(request.get("UserPoolId", ""))
        else:
            pool_id = self._pool_of_client(str(request.get("ClientId", "")))
        if not pool_id:
            return
        pool = self._moto.describe_user_pool(UserPoolId=pool_id)["UserPool"]
        arn = (pool.get("LambdaConfig") or {}).get("PostConfirmation")
        if not arn:
            return
        function = trigger_functions().get("PostConfirmation")
        if function is None or not arn.endswith(f":function:{function.name}"):
            raise CognitoError("UnexpectedLambdaException", f"no local function for {arn}")
        user = self._moto.admin_get_user(UserPoolId=pool_id, Username=request["Username"])
        attributes = {item["Name"]: item["Value"] for item in user.get("UserAttributes", [])}
        attributes["cognito:user_status"] = user.get("UserStatus", "CONFIRMED")
        event = {
            "version": "1",
            "region": self.region,
            "userPoolId": pool_id,
            "userName": user["Username"],
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": request.get("ClientId", "")},
            "triggerSource": POST_CONFIRMATION[operation],
            "request": {"userAttributes": attributes, "clientMetadata": request.get("ClientMetadata") or {}},
            "response": {},
        }
        try:
            self.invoke(function, event)
        except Exception as error:
            logger.exception("the post confirmation function failed")
            message = f"PostConfirmation failed with error {error}."
            raise CognitoError("UserLambdaValidationException", message) from None

    def _pool_of_client(self, client_id: str) -> str | None:
        if not client_id:
            return None
        for pool in self._moto.list_user_pools(MaxResults=60)["UserPools"]:
            clients = self._moto.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)["UserPoolClients"]
            if any(client["ClientId"] == client_id for client in clients):
                return str(pool["Id"])
        return None

    # Everything else is moto's.

    def _forward(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        sent = {name: value for name, value in headers.items() if name.lower() not in _HOP_BY_HOP}
        try:
            response = self._http.request(method, self.moto_url + target, headers=sent, content=body)
        except httpx.HTTPError as error:
            return error_answer("InternalErrorException", f"moto did not answer: {error}", 500)
        answer_headers = {name: value for name, value in response.headers.items() if name.lower() not in _HOP_BY_HOP}
        return Answer(response.status_code, response.content, answer_headers)

    def _refuse(self, status: int, reason: str) -> Answer:
        return error_answer("InvalidParameterException", reason, status)


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def create_user(cognito: Any, user_pool_id: str, email: str, tenant: str | None, password: str) -> None:
    """An operator's user: email verified, `custom:tenantId` set (unless None), a permanent password."""
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    if tenant is not None:
        attributes.append({"Name": TENANT_CLAIM, "Value": tenant})
    cognito.admin_create_user(
        UserPoolId=user_pool_id, Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
    )
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True)


def sign_in(cognito: Any, client_id: str, email: str, password: str) -> dict[str, Any]:
    """USER_PASSWORD_AUTH: the `AuthenticationResult` (IdToken, AccessToken, RefreshToken, ExpiresIn)."""
    answer = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": password}
    )
    return dict(answer["AuthenticationResult"])
