"""The built studio on 127.0.0.1, answered as its CloudFront distribution answers it.

The `Studio` component puts `studio/dist` in a private bucket behind CloudFront; this server is
that distribution for the local stack, with the same rules from `components/studio_site.py`:

- files of the built directory, each with its `Cache-Control` and content type; a path without an
  extension (a deep link such as `/episodes/…`) is the app's `index.html`, a missing file is 404;
- `/config.json` made from the stack, as the component makes it from its outputs: the region, the
  local user pool and app client, and the local Cognito endpoint as `cognitoEndpoint`;
- `/api/*` forwarded to the local API gateway (the distribution's API behaviour: the same origin,
  so the browser sends no preflight), method, body, `Authorization` and the answer's status and
  headers kept;
- the security headers on every answer, the Content-Security-Policy naming the local Cognito and
  S3 (moto) origins where the distribution names AWS's, so a browser enforces the same policy.

Bodies are bounded on both sides (API Gateway takes at most 10 MB; the site's files are small), so
they go through whole, as every endpoint of the local stack passes them (`local/http_server.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from components import studio_site
from local.http_server import Answer, LocalHttpServer

API_PREFIX = studio_site.API_PATH
CONFIG_PATH = "/" + studio_site.CONFIG
INDEX = studio_site.INDEX
MAX_BODY_BYTES = 10 * 1024 * 1024
"""API Gateway's payload limit: the largest request the API behaviour could pass on."""
PROXY_TIMEOUT_SECONDS = 60.0
"""Longer than API Gateway's 29 s integration timeout: the gateway's own 504 reaches the browser."""
_NOT_FORWARDED = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
}
"""Hop-by-hop headers (and those httpx sets per request): never passed on, in either direction."""


@dataclass(frozen=True)
class StudioSite:
    """What the served site needs of the stack: where the API, Cognito and S3 are and the pool's ids."""

    directory: Path
    api_url: str
    """The local API gateway with its stage (`http://127.0.0.1:3000/api`)."""
    region: str
    user_pool_id: str
    user_pool_client_id: str
    cognito_endpoint: str
    media_origin: str
    """Where presigned URLs point (the local S3, moto): the CSP's media and upload origin."""


class StudioServer:
    """Serves a `StudioSite` from a daemon thread on its own port; `start` returns its URL."""

    def __init__(self, site: StudioSite) -> None:
        self.site = site
        self.root = site.directory.resolve()
        self.headers = studio_site.security_headers(
            cognito_endpoint=site.cognito_endpoint, media_origin=site.media_origin
        )
        self.config = json.dumps(
            studio_site.config_document(
                region=site.region,
                user_pool_id=site.user_pool_id,
                user_pool_client_id=site.user_pool_client_id,
                cognito_endpoint=site.cognito_endpoint,
            ),
            indent=2,
        ).encode()
        self._http = httpx.Client(timeout=PROXY_TIMEOUT_SECONDS, follow_redirects=False)
        self._server = LocalHttpServer(self.handle, name="local-studio", max_body=MAX_BODY_BYTES, refuse=self._refuse)
        self.url = ""

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        self.url = f"http://{host}:{self._server.start(port, host)}"
        return self.url

    def stop(self) -> None:
        self._server.stop()
        self._http.close()

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request: the API behaviour, `config.json`, or a file of the site; security headers on all."""
        path = urlsplit(target).path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            answer = self._forward(method, target, headers, body)
        elif method not in ("GET", "HEAD"):
            answer = self._text(405, "method not allowed", {"Allow": "GET, HEAD"})
        elif path == CONFIG_PATH:
            answer = Answer(
                200,
                self.config,
                {"Content-Type": "application/json", "Cache-Control": studio_site.cache_control(CONFIG_PATH)},
            )
        else:
            answer = self._file(path)
        return Answer(answer.status, answer.body, {**answer.headers, **self.headers})

    def _file(self, path: str) -> Answer:
        relative = unquote(path).lstrip("/") or INDEX
        if not PurePosixPath(relative).suffix:
            relative = INDEX  # a route of the app: the browser's router takes it from there
        file = (self.root / relative).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return self._text(404, "not found")
        key = file.relative_to(self.root).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(key).parts):
            return self._text(404, "not found")  # never uploaded by the component (`site_files`)
        return Answer(
            200,
            file.read_bytes(),
            {"Content-Type": studio_site.content_type(key), "Cache-Control": studio_site.cache_control(key)},
        )

    def _forward(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """The request to the API gateway, `/api` taken off (the gateway's URL ends with its stage)."""
        upstream = self.site.api_url.rstrip("/") + target[len(API_PREFIX) :]
        sent = {name: value for name, value in headers.items() if name.lower() not in _NOT_FORWARDED}
        try:
            response = self._http.request(method, upstream, headers=sent, content=body)
        except httpx.HTTPError as error:
            return self._text(502, f"the local API did not answer: {error}")
        kept = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in _NOT_FORWARDED and name.lower() != "content-encoding"
        }
        return Answer(response.status_code, response.content, kept)

    @staticmethod
    def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Answer:
        plain = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
        return Answer(status, message.encode(), {**plain, **(headers or {})})

    def _refuse(self, status: int, reason: str) -> Answer:
        return Answer(status, reason.encode(), {"Content-Type": "text/plain; charset=utf-8", **self.headers})


def built(directory: Path) -> bool:
    """Whether `directory` holds a built studio (its `index.html`)."""
    return (directory / INDEX).is_file()
