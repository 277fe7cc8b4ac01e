"""Cognito on 127.0.0.1: moto's user pools behind a thin front that closes moto's gaps.

moto (5.2.5) serves Cognito's API, RS256 tokens and the pool's JWKS, but it ignores the app
client's write attributes (a user could give themself another tenant with `UpdateUserAttributes`,
or pick one at `SignUp`) and its auth flows (a password sign-in through a client that does not allow
it), lets anyone `SignUp` to a pool that only admins may fill, signs tokens
with a key that ships in its source, takes any SRP proof, lets a challenge answer name any user of
the pool, and never runs Lambda triggers. This front is the `cognito.endpoint` of the local stack;
it answers those cases as Cognito does and forwards every request to moto:

- The operation is the one moto will run, decided by moto's own dispatch code on the request as
  forwarded, and it must be the one `X-Amz-Target` names (`local/cognito_dispatch.py`): an
  `Action` parameter cannot slip another operation past the checks below.
- Tokens are signed with a key made when the front starts (`local/moto_cognito.py`); a token
  minted with moto's published key verifies against nothing.
- `SignUp` to an admin-only pool: `NotAuthorizedException` "SignUp is not permitted for this user pool".
- `SignUp` and `UpdateUserAttributes` naming an attribute outside the client's `WriteAttributes`:
  `NotAuthorizedException` "A client attempted to write unauthorized attribute".
- `InitiateAuth` with `USER_PASSWORD_AUTH` through a client whose `ExplicitAuthFlows` leave it out:
  `InvalidParameterException` "USER_PASSWORD_AUTH flow not enabled for this client" (a stack with
  `allowPasswordAuth` false signs in with SRP only).
- `USER_SRP_AUTH`: the front answers with a real SRP challenge for the password moto holds and
  checks the `PASSWORD_VERIFIER` answer (`local/srp.py`); a wrong password is
  `NotAuthorizedException` "Incorrect username or password.".
- A challenge answer (`RespondToAuthChallenge`, `AdminRespondToAuthChallenge`) must name the user
  of its session, or it is `NotAuthorizedException` (moto would sign in whoever it names).
- `ConfirmSignUp`, `AdminConfirmSignUp` and `ConfirmForgotPassword` run the pool's post
  confirmation function (its `LambdaConfig`, set when self sign-up is on) through the local
  Lambda runtime, with the event Cognito sends; an error of the function is Cognito's
  `UserLambdaValidationException`.
- CORS as Cognito's endpoint answers a browser (the studio signs in from its own origin): a
  preflight (`OPTIONS`, any path) is 200 allowing `POST` and the headers asked for, from any
  origin; every answer, the front's own errors included, allows any origin and exposes the
  request id and error type.

Still as moto does (see the README): confirmation codes are not checked, `RevokeToken` is not
implemented, IAM is not checked for the admin operations.
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
from local import moto_cognito, srp
from local.cognito_dispatch import API_PATH, MotoDispatch, Refused, outgoing, with_parameters
from local.http_server import Answer, LocalHttpServer

logger = logging.getLogger(__name__)

JSON = "application/x-amz-json-1.1"
MAX_BODY_BYTES = 1024 * 1024
UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"
SIGN_UP_NOT_PERMITTED = "SignUp is not permitted for this user pool"
PASSWORD_FLOW_NOT_ENABLED = "USER_PASSWORD_AUTH flow not enabled for this client"
PASSWORD_FLOWS = ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")
"""The client's `ExplicitAuthFlows` values that allow `USER_PASSWORD_AUTH` (the second one is the legacy name)."""
WRONG_PASSWORD = "Incorrect username or password."
INVALID_SESSION = "Invalid session for the user."
EXPIRED_SESSION = "Invalid session for the user, session is expired."
RESPONDS = ("RespondToAuthChallenge", "AdminRespondToAuthChallenge")
NAMED_USER_CHALLENGES = ("PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "SMS_MFA")
"""Challenges whose answer names the user moto signs in (its `USERNAME`)."""
POST_CONFIRMATION = {
    "ConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "AdminConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "ConfirmForgotPassword": "PostConfirmation_ConfirmForgotPassword",
}
"""Operations after which Cognito runs the post confirmation trigger, and the trigger source it sends."""
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
EXPOSED_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
"""What a browser script may read of Cognito's answers besides the safelisted headers."""
PREFLIGHT_MAX_AGE_SECONDS = 86400
Invoke = Callable[[Function, dict[str, Any]], dict[str, Any]]


class CognitoError(Exception):
    """An answer in Cognito's JSON error shape."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def error_answer(code: str, message: str, status: int = 400) -> Answer:
    body = json.dumps({"__type": code, "message": message}).encode()
    return Answer(status, body, {"Content-Type": JSON, "x-amzn-ErrorType": f"{code}:"})


def preflight_answer(headers: dict[str, str]) -> Answer:
    """A browser's CORS preflight: Cognito's API is `POST /` with the headers an SDK sends, from any origin."""
    asked = next((value for name, value in headers.items() if name.lower() == "access-control-request-headers"), "")
    allowed = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_SECONDS),
    }
    if asked.strip():
        allowed["Access-Control-Allow-Headers"] = asked
    return Answer(200, b"", allowed)


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
        # moto runs in this process: from now on its pools sign with a key of this stack.
        self.signing_key = moto_cognito.install_signing_key()
        self._moto = boto3.client(
            "cognito-idp",
            region_name=region,
            endpoint_url=self.moto_url,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"mode": "standard", "max_attempts": 1}),
        )
        self._http = httpx.Client(timeout=30)
        self._dispatch = MotoDispatch()
        self._challenges = srp.PendingChallenges()
        self._server = LocalHttpServer(self.handle, name="local-cognito", max_body=MAX_BODY_BYTES, refuse=self._refuse)

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        port = self._server.start(port, host)
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()
        self._http.close()

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request, with Cognito's CORS headers on its answer (`_answer` decides it)."""
        if method == "OPTIONS":
            return preflight_answer(headers)
        answer = self._answer(method, target, headers, body)
        cors = {"Access-Control-Expose-Headers": EXPOSED_HEADERS}
        if not any(name.lower() == "access-control-allow-origin" for name in answer.headers):
            cors["Access-Control-Allow-Origin"] = "*"  # moto's own answers name the origin already
        return Answer(answer.status, answer.body, {**answer.headers, **cors})

    def _answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request: the operation moto will run, checked where moto falls short, forwarded, finished."""
        try:
            request = outgoing(self._http, self.moto_url, method, target, headers, body)
            if request.url.path != API_PATH:
                return self._send(request)  # the pool's keys: read-only
            operation = self._dispatch.operation(request)
            name, parameters = operation.name, operation.parameters
            if name == "SignUp":
                self._check_sign_up(parameters)
            elif name == "UpdateUserAttributes":
                self._check_update(parameters)
            elif name == "InitiateAuth" and parameters.get("AuthFlow") == "USER_PASSWORD_AUTH":
                self._check_password_flow(str(parameters.get("ClientId", "")))
            elif name in RESPONDS:
                changed = self._check_challenge_answer(parameters)
                if changed is not None:
                    request = with_parameters(self._http, request, changed)
                    self._dispatch.operation(request)  # decided again on the body moto will read
            answer = self._send(request)
            if answer.status == 200 and name in POST_CONFIRMATION:
                self._post_confirmation(name, parameters)
            elif answer.status == 200 and name == "InitiateAuth" and parameters.get("AuthFlow") == "USER_SRP_AUTH":
                answer = self._srp_challenge(parameters, answer)
            return answer
        except Refused as refused:
            return error_answer(refused.code, refused.message)
        except CognitoError as error:
            return error_answer(error.code, error.message, error.status)

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

    def _check_password_flow(self, client_id: str) -> None:
        """Cognito refuses `USER_PASSWORD_AUTH` through a client that lists its flows without it."""
        pool_id = self._pool_of_client(client_id)
        if pool_id is None:
            return  # moto answers for an unknown client
        client = self._moto.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
        if not set(client.get("ExplicitAuthFlows") or ()) & set(PASSWORD_FLOWS):
            raise CognitoError("InvalidParameterException", PASSWORD_FLOW_NOT_ENABLED)

    # What moto takes on trust in a sign-in.

    def _srp_challenge(self, parameters: dict[str, Any], answer: Answer) -> Answer:
        """moto's `PASSWORD_VERIFIER` challenge with a real salt, `SRP_B` and secret block in place of
        its random ones; the secret block stands for moto's session until the proof is checked."""
        try:
            data = json.loads(answer.body)
            challenge = data["ChallengeParameters"]
            moto_session, user_id = str(challenge["SECRET_BLOCK"]), str(challenge["USER_ID_FOR_SRP"])
        except (ValueError, KeyError, TypeError):
            data = {}
        if data.get("ChallengeName") != "PASSWORD_VERIFIER":
            return answer  # not the SRP challenge (an error of moto's): nothing to replace
        found = moto_cognito.session_user(moto_session)
        if found is None:
            return error_answer("NotAuthorizedException", WRONG_PASSWORD)
        auth = parameters.get("AuthParameters")
        srp_a = auth.get("SRP_A") if isinstance(auth, dict) else None
        try:
            server = srp.ServerChallenge.start(
                pool_name=found.pool_name, user_id=user_id, password=found.password, srp_a=srp_a
            )
        except (ValueError, TypeError):
            return error_answer("InvalidParameterException", "SRP_A is not a valid SRP value")
        self._challenges.add(server, (moto_session, found))
        challenge.update(SALT=server.salt, SRP_B=server.srp_b, SECRET_BLOCK=server.secret_block)
        data["Session"] = server.secret_block
        return Answer(answer.status, json.dumps(data).encode(), answer.headers)

    def _check_challenge_answer(self, parameters: dict[str, Any]) -> dict[str, Any] | None:
        """Refuse an answer Cognito refuses; the parameters moto must read instead, if they change.

        `PASSWORD_VERIFIER`: the secret block must be one the front handed out (once, in time) and
        the signature must prove the password; moto then gets its own session back. Every answer
        that names a user must name the user of its session.
        """
        name = parameters.get("ChallengeName")
        responses = parameters.get("ChallengeResponses")
        if name not in NAMED_USER_CHALLENGES:
            return None
        if not isinstance(responses, dict):
            raise CognitoError("InvalidParameterException", "ChallengeResponses is required")
        if name != "PASSWORD_VERIFIER":
            self._check_named_user(moto_cognito.session_user(parameters.get("Session")), responses)
            return None
        pending = self._challenges.take(responses.get("PASSWORD_CLAIM_SECRET_BLOCK"))
        if pending is None:
            raise CognitoError("NotAuthorizedException", EXPIRED_SESSION)
        moto_session, found = pending.context
        if not pending.challenge.verifies(responses.get("PASSWORD_CLAIM_SIGNATURE"), responses.get("TIMESTAMP")):
            raise CognitoError("NotAuthorizedException", WRONG_PASSWORD)
        self._check_named_user(found, responses)
        changed = dict(parameters, ChallengeResponses=dict(responses, PASSWORD_CLAIM_SECRET_BLOCK=moto_session))
        if parameters.get("Session") == pending.challenge.secret_block:
            changed["Session"] = moto_session
        return changed

    @staticmethod
    def _check_named_user(found: moto_cognito.SessionUser | None, responses: dict[str, Any]) -> None:
        if found is not None and not found.is_named(responses.get("USERNAME")):
            raise CognitoError("NotAuthorizedException", INVALID_SESSION)

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
        """The pool of an app client, among every pool moto holds (page by page: moto's pools are process-wide)."""
        if not client_id:
            return None
        for page in self._moto.get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page["UserPools"]:
                clients = self._moto.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool["Id"])
                if any(client["ClientId"] == client_id for listed in clients for client in listed["UserPoolClients"]):
                    return str(pool["Id"])
        return None

    # Everything else is moto's.

    def _send(self, request: httpx.Request) -> Answer:
        try:
            response = self._http.send(request)
        except httpx.HTTPError as error:
            return error_answer("InternalErrorException", f"moto did not answer: {error}", 500)
        answer_headers = {name: value for name, value in response.headers.items() if name.lower() not in _HOP_BY_HOP}
        return Answer(response.status_code, response.content, answer_headers)

    def _refuse(self, status: int, reason: str) -> Answer:
        return error_answer("InvalidParameterException", reason, status)


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
