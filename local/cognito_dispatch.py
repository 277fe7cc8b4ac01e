"""Which Cognito operation moto will run for a request, decided by moto's own code.

Cognito runs the operation `X-Amz-Target` names. moto's server decides otherwise: it picks a
backend from the request's signature scope, `X-Amz-Target` or path
(`DomainDispatcherApplication.infer_service_region_host`), then the operation from an `Action`
parameter first — form fields, else the query string, else the body read as a query string (so
`&Action=SignUp&` inside a JSON string counts), else the headers — and from `X-Amz-Target` only
when there is none (`BaseResponse._get_action`). A front that checked `X-Amz-Target` alone would
check one operation while moto ran another.

So the front forwards only requests it has put in a plain shape (`outgoing`: the API at `/`, the
pool's keys at their well-known paths, no repeated or underscored header names, which moto's
server would merge or drop), asks moto's own dispatch code what it will run for exactly the
request it is about to send (`moto_operation`), and refuses the request unless that is the
operation `X-Amz-Target` names. Every check of the front then applies to the operation moto runs,
with the parameters moto reads. `tests/unit/local/test_cognito_dispatch.py` pins the behaviour of
moto's code this relies on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.request import Request
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
MOTO_BACKEND = "cognitoidp"
"""The name moto's server gives the backend of `cognito-idp`."""
API_PATH = "/"
KEY_PATH = re.compile(r"/[A-Za-z0-9-]+_[A-Za-z0-9]+/\.well-known/(?:jwks\.json|openid-configuration)")
"""The pool's JWKS and OpenID configuration (pool ids are `{region}_{id}`); read-only, no parameters."""
_OPERATION_NAME = re.compile(r"[A-Za-z]+")
_NOT_FORWARDED = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}
"""Set per hop by whoever sends (httpx, for the front); the body is forwarded as it came."""


class Refused(Exception):
    """A request the front does not forward, with Cognito's error code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Operation:
    """What moto will run: the operation's name and the parameters it will read (its JSON body)."""

    name: str
    parameters: dict[str, Any]


def target_operation(headers: httpx.Headers) -> str:
    """The operation `X-Amz-Target` names, as Cognito reads it; refused when absent or malformed."""
    values = headers.get_list("x-amz-target")
    target = values[0] if len(values) == 1 else ""
    name = target.removeprefix(TARGET_PREFIX) if target.startswith(TARGET_PREFIX) else ""
    if not _OPERATION_NAME.fullmatch(name):
        raise Refused("UnknownOperationException", f"X-Amz-Target must be {TARGET_PREFIX}<Operation>")
    return name


def outgoing(
    client: httpx.Client, moto_url: str, method: str, target: str, headers: dict[str, str], body: bytes
) -> httpx.Request:
    """The request to send to moto for one the front received, or `Refused`.

    Only the API (`POST /`) and the pool's keys (`GET`/`HEAD` of a well-known path, sent with no
    header and no body) are forwarded: nothing else of moto's server is reachable through
    Cognito's endpoint. Header names must be unique (in any case) and free of underscores, so the
    headers moto's server sees are the ones `moto_operation` was given.
    """
    parts = urlsplit(target)
    if not target.startswith("/") or parts.fragment:
        raise Refused("InvalidParameterException", "the request target must be a path")
    if parts.path != API_PATH:
        if method in ("GET", "HEAD") and KEY_PATH.fullmatch(parts.path):
            return client.build_request(method, moto_url + parts.path)
        raise Refused("UnknownOperationException", f"Cognito's API is POST {API_PATH}")
    if method != "POST":
        raise Refused("UnknownOperationException", f"Cognito's API is POST {API_PATH}")
    names = [name.lower() for name in headers]
    if len(set(names)) != len(names) or any("_" in name for name in names):
        raise Refused("InvalidParameterException", "header names must be unique and without underscores")
    sent = {name: value for name, value in headers.items() if name.lower() not in _NOT_FORWARDED}
    try:
        return client.build_request(method, moto_url + target, headers=sent, content=body)
    except (UnicodeError, httpx.InvalidURL) as error:
        raise Refused("InvalidParameterException", f"the request cannot be forwarded: {error}") from None


class MotoDispatch:
    """moto's server's own choice of backend and operation, for a request about to be sent to it."""

    def __init__(self) -> None:
        self._dispatcher = DomainDispatcherApplication(create_backend_app)

    def backend(self, request: httpx.Request) -> str | None:
        """The backend moto's server hands the request to (`cognitoidp` for Cognito's)."""
        environ = dict(moto_request(request).environ)
        path = request.url.path
        host = self._dispatcher.infer_service_region_host(environ, path)
        return str(self._dispatcher.get_backend_for_host(host)) if host else None

    def operation(self, request: httpx.Request) -> Operation:
        """The operation moto's Cognito will run and the parameters it will read; `Refused` when
        moto would run something else than `X-Amz-Target` names, or could not read the request."""
        named = target_operation(request.headers)
        try:
            backend = self.backend(request)
        except Exception:
            backend = None  # moto's server would fail the request with a 500
        if backend != MOTO_BACKEND:
            raise Refused("UnknownOperationException", f"moto would hand this request to {backend}, not Cognito")
        response = CognitoIdpResponse()
        try:
            response.setup_class(moto_request(request))
            action = response._get_action()
            parameters = response.parameters
        except Exception as error:
            # Whatever moto cannot read it would answer with a 500; Cognito answers a 400.
            raise Refused("SerializationException", f"the request body is not a JSON object: {error}") from None
        if action != named:
            raise Refused(
                "UnknownOperationException",
                f"X-Amz-Target names {named} but moto would run {action}: an Action parameter is not Cognito's",
            )
        if not isinstance(parameters, dict):
            raise Refused("SerializationException", "the request body is not a JSON object")
        return Operation(named, parameters)


def moto_request(request: httpx.Request) -> Request:
    """The request as moto's server will see it (a fresh copy each time: moto reads its body)."""
    url = f"{request.url.scheme}://{request.url.netloc.decode()}{request.url.raw_path.decode()}"
    return Request.from_primitives(request.method, url, dict(request.headers.multi_items()), request.content)


def with_parameters(client: httpx.Client, request: httpx.Request, parameters: dict[str, Any]) -> httpx.Request:
    """The same request with another JSON body (the front's own rewrite of what moto will read).

    `&` only ever appears inside JSON strings, and is written `\\u0026` there: a value the client
    sent escaped must not become an `Action` moto reads once the body is written anew.
    """
    headers = {name: value for name, value in request.headers.items() if name.lower() not in _NOT_FORWARDED}
    body = json.dumps(parameters).replace("&", "\\u0026").encode()
    return client.build_request(request.method, request.url, headers=headers, content=body)
