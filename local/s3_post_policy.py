"""A WSGI layer before moto that holds browser-style S3 POSTs (PostObject) to their policy, as S3 does.

Transcripts are uploaded with a presigned POST whose policy limits the file to 1 byte..10 MiB, the
exact key and the signed fields. moto stores any POST whatever its policy, so the local stack
would take a gigabyte "transcript" that S3 refuses. This layer reads the form of every
`multipart/form-data` POST to a bucket (path style, `/{bucket}`), checks its policy
(`local/s3_post_conditions.py`: expiration, conditions, fields the policy does not name, the
file's size) and answers a refusal with S3's status, code and error document; a form that passes
reaches moto as the fields before the file, then the file (S3 ignores the fields after it).

Memory stays bounded whatever is sent: the body is read 64 KiB at a time, the fields before the
file may take 20 KiB (S3's own bound on them is `MaxPostPreDataLengthExceededError`), and the file
goes to a temporary file, or once past the policy's largest size is only counted. A refused body
is read to its end (the connection stays usable) but not kept. moto then reads an accepted file
whole into memory, which the policy bounds (10 MiB for a transcript).

Refusals carry CORS headers when the bucket's CORS rules allow the request's origin to POST, so
a page can read them as it can S3's.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends
from moto.s3.utils import cors_matches_origin
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Event, Field, File, MultipartDecoder, NeedData
from werkzeug.wsgi import ClosingIterator, get_input_stream

from local.s3_post_conditions import Policy, Refusal, decode

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
READ_SIZE = 64 * 1024
FIELDS_LIMIT = 20 * 1024
"""The most the fields before the file may take, names and values together."""
_BUCKET_PATH = re.compile(r"^/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/?$")
_MALFORMED = ("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")


def checked_post_policies(app: WsgiApp) -> WsgiApp:
    """Wrap moto's WSGI app so a browser-style POST to a bucket is refused unless its policy allows it."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        bucket = _posted_bucket(environ)
        if bucket is None:
            return app(environ, start_response)
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - open until moto's answer is sent (ClosingIterator)
        try:
            _FormReader(environ, bucket, spool).rebuild()
            answer = app(environ, start_response)
        except Refusal as refusal:
            spool.close()
            return _refuse(environ, start_response, bucket, refusal)
        except BaseException:
            spool.close()
            raise
        return ClosingIterator(answer, spool.close)

    return wrapped


def _posted_bucket(environ: dict[str, Any]) -> str | None:
    """The bucket of a form POST to `/{bucket}`, or None for any other request."""
    content_type = environ.get("CONTENT_TYPE", "").strip().lower()
    if environ.get("REQUEST_METHOD") != "POST" or not content_type.startswith("multipart/form-data"):
        return None
    match = _BUCKET_PATH.match(environ.get("PATH_INFO", ""))
    return match[1] if match else None


class _FormReader:
    """Reads a POST's form once, checking its policy as the file arrives, into the form moto is given."""

    def __init__(self, environ: dict[str, Any], bucket: str, spool: IO[bytes]) -> None:
        self.environ, self.bucket, self.spool = environ, bucket, spool
        self.fields: dict[str, str] = {}
        self.policy: Policy | None = None
        self.part: str | None = None  # "field", "file" or "ignored" (a field after the file)
        self.name = ""
        self.value = bytearray()
        self.fields_size = 0
        self.file_size = 0
        self.file_seen = False
        self.boundary = b""

    def rebuild(self) -> None:
        """Check the form and hand it to moto as the fields before the file and the file, from `spool`."""
        boundary = parse_options_header(self.environ.get("CONTENT_TYPE", ""))[1].get("boundary")
        if not boundary or not boundary.isascii():
            raise Refusal(400, *_MALFORMED)
        if not self.environ.get("CONTENT_LENGTH") and not self.environ.get("wsgi.input_terminated"):
            raise Refusal(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
        self.boundary = boundary.encode("latin-1")
        stream = get_input_stream(self.environ)
        try:
            self._read(stream, MultipartDecoder(self.boundary, max_form_memory_size=4 * READ_SIZE))
        except Refusal:
            _drain(stream)
            raise
        if self.policy is None:  # read when the file starts: there was none
            raise Refusal(
                400, "InvalidArgument", "POST requires exactly one file upload per request.", ArgumentName="file"
            )
        self.policy.check_size(self.file_size)
        self.spool.write(b"\r\n--%s--\r\n" % self.boundary)
        self.environ["CONTENT_LENGTH"] = str(self.spool.tell())
        self.environ["CONTENT_TYPE"] = f"multipart/form-data; boundary={boundary}"
        self.environ.pop("HTTP_TRANSFER_ENCODING", None)
        self.spool.seek(0)
        self.environ["wsgi.input"] = self.spool
        self.environ["wsgi.input_terminated"] = True

    def _read(self, stream: IO[bytes], decoder: MultipartDecoder) -> None:
        try:
            while chunk := stream.read(READ_SIZE):
                decoder.receive_data(chunk)
                self._take(_events(decoder))
            decoder.receive_data(None)
            self._take(_events(decoder))
        except (ValueError, RequestEntityTooLarge, UnicodeDecodeError):
            raise Refusal(400, *_MALFORMED) from None

    def _take(self, events: Iterator[Event]) -> None:
        for event in events:
            if isinstance(event, Field | File):
                self._start(event.name, event)
            elif isinstance(event, Data):
                self._data(event.data)
                if not event.more_data:
                    self._end()

    def _start(self, name: str, event: Field | File) -> None:
        if self.file_seen:
            self.part = "ignored"
        elif name == "file":
            self.part, self.file_seen = "file", True
            self._file_starts(event.filename if isinstance(event, File) else "", event.headers)
        else:
            self.part, self.name = "field", name.lower()
            self.value.clear()

    def _data(self, data: bytes) -> None:
        if self.part == "field":
            self.fields_size += len(data)
            if self.fields_size + sum(len(name) for name in self.fields) > FIELDS_LIMIT:
                raise Refusal(
                    400,
                    "MaxPostPreDataLengthExceededError",
                    "Your POST request fields preceding the upload file were too large.",
                )
            self.value.extend(data)
        elif self.part == "file":
            self.file_size += len(data)
            # Past the largest size allowed the bytes are only counted: the upload will be refused.
            if self.policy is None or self.policy.size_range is None or self.file_size <= self.policy.size_range[1]:
                self.spool.write(data)

    def _end(self) -> None:
        if self.part == "field":
            self.fields.setdefault(self.name, self.value.decode("utf-8"))
        self.part = None

    def _file_starts(self, filename: str, headers: Headers) -> None:
        """The fields are all known: check them against the policy, then write them and the file's headers."""
        if "policy" not in self.fields:
            raise Refusal(403, "AccessDenied", "Access Denied")  # unsigned: the bucket is private
        if "key" not in self.fields:
            raise Refusal(
                400,
                "InvalidArgument",
                "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of"
                " the fields.",
                ArgumentName="key",
                ArgumentValue="",
            )
        self.policy = decode(self.fields["policy"])
        self.policy.check_fields(self.bucket, self.fields, datetime.now(UTC))
        for name, value in self.fields.items():
            self._part_head(f'form-data; name="{_quoted(name)}"')
            self.spool.write(value.encode("utf-8") + b"\r\n")
        self._part_head(
            f'form-data; name="file"; filename="{_quoted(filename or "file")}"', headers.get("Content-Type")
        )

    def _part_head(self, disposition: str, content_type: str | None = None) -> None:
        lines = [f"--{self.boundary.decode('latin-1')}", f"Content-Disposition: {disposition}"]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        self.spool.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))


def _events(decoder: MultipartDecoder) -> Iterator[Event]:
    """The events the data received so far makes, up to the next need of data (or the end)."""
    while not isinstance(event := decoder.next_event(), NeedData):
        yield event
        if isinstance(event, Epilogue):
            return


def _quoted(text: str) -> str:
    """A name in a part's `Content-Disposition`, escaped as browsers do."""
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _drain(stream: IO[bytes]) -> None:
    """Read a refused body to its end without keeping it, so the connection can take the next request."""
    while stream.read(READ_SIZE):
        pass


def _refuse(
    environ: dict[str, Any], start_response: Callable[..., Any], bucket: str, refusal: Refusal
) -> Iterable[bytes]:
    body = refusal.xml()
    headers = [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    headers += _cors_headers(bucket, environ.get("HTTP_ORIGIN"))
    start_response(f"{refusal.status} {_REASONS.get(refusal.status, 'Error')}", headers)
    return [body]


_REASONS = {400: "Bad Request", 403: "Forbidden", 411: "Length Required"}


def _cors_headers(bucket: str, origin: str | None) -> list[tuple[str, str]]:
    """S3's CORS headers for a POST from `origin`: from the bucket's first rule allowing both."""
    if not origin:
        return []
    try:
        rules = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].get_bucket(bucket).cors
    except MissingBucket:
        return []
    for rule in rules:
        if "POST" in (rule.allowed_methods or []) and cors_matches_origin(origin, rule.allowed_origins or []):
            headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
            if rule.exposed_headers:
                headers.append(("Access-Control-Expose-Headers", ", ".join(rule.exposed_headers)))
            return headers
    return []
