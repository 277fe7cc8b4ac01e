"""A fake NullCheck API for the client tests: the upload endpoints, backed by real S3 (moto).

It implements the endpoints the way the real handlers do (create and complete the multipart
upload, presign part URLs and the transcript's form with boto3), so the client's part PUTs, ETags and
completion meet real S3 behaviour rather than a mock's idea of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from handlers.contract import MAX_TRANSCRIPT_BYTES

EPISODE_ID = "ep-1"
PRESIGN_SECONDS = 900


class FakeApi:
    """The upload endpoints of the API on real S3, recording what the client asked for.

    Track names are sanitised as the API does, so the client must address the parts and
    complete routes with the stored name, which it only learns from the object key.
    """

    def __init__(self, s3: Any, bucket: str, required_headers: dict[str, str]) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.required_headers = required_headers
        self.part_requests: list[list[int]] = []
        self.completions: list[dict[str, Any]] = []
        self.sessions: dict[str, tuple[str, str]] = {}  # trackName -> (key, uploadId)
        self.started: dict[str, dict[str, Any]] = {}  # trackName -> the open session's start body and answer
        self.start_requests: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api")
        body = json.loads(request.content or b"{}")
        if not path.startswith(f"/episodes/{EPISODE_ID}/"):
            return httpx.Response(404, json={"message": "episode not found"})
        if match := re.fullmatch(r"/episodes/[^/]+/tracks/([^/]+)/(parts|complete)", path):
            if match[2] == "parts" and request.method == "GET":
                return self._listed(match[1], request.url.params["uploadId"])
            return self._parts(match[1], body) if match[2] == "parts" else self._complete(match[1], body)
        if path.endswith("/tracks"):
            return self._start(body)
        if path.endswith("/transcripts"):
            return self._transcript(body)
        return httpx.Response(404, json={"message": "no such route"})

    def _start(self, body: dict[str, Any]) -> httpx.Response:
        """A new upload, or the open one of the same file (same filename and size), as the API answers."""
        self.start_requests.append(body)
        track_name = re.sub(r"[^a-z0-9_-]", "-", body["trackName"].lower())
        if track_name in self.sessions:
            first, answer = self.started[track_name]["body"], self.started[track_name]["answer"]
            if (first["filename"], first.get("size")) == (body["filename"], body.get("size")):
                return httpx.Response(200, json=answer)
        key = f"{EPISODE_ID}/tracks/{track_name}{Path(body['filename']).suffix}"
        upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        self.sessions[track_name] = (key, upload_id)
        answer = {"key": key, "uploadId": upload_id, "expiresAt": "2030-01-01T00:00:00Z"}
        sizes = {name: body[name] for name in ("size", "partSize") if name in body}
        answer = {**answer, "requiredHeaders": self.required_headers, **sizes}
        self.started[track_name] = {"body": body, "answer": answer}
        return httpx.Response(200, json=answer)

    def _listed(self, track_name: str, upload_id: str) -> httpx.Response:
        if self.sessions.get(track_name, ("", ""))[1] != upload_id:
            return httpx.Response(404, json={"message": "no such upload"})
        key, _ = self.sessions[track_name]
        listed = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id).get("Parts", [])
        parts = [{"partNumber": p["PartNumber"], "size": p["Size"], "etag": p["ETag"]} for p in listed]
        return httpx.Response(200, json={"parts": parts})

    def _parts(self, track_name: str, body: dict[str, Any]) -> httpx.Response:
        if track_name not in self.sessions:
            return httpx.Response(404, json={"message": "no upload in progress for this track"})
        key, upload_id = self.sessions[track_name]
        self.part_requests.append(body["partNumbers"])
        urls = [{"partNumber": number, "url": self._part_url(key, upload_id, number)} for number in body["partNumbers"]]
        return httpx.Response(200, json={"urls": urls})

    def _part_url(self, key: str, upload_id: str, number: int) -> str:
        params = {"Bucket": self.bucket, "Key": key, "UploadId": upload_id, "PartNumber": number}
        return str(self.s3.generate_presigned_url("upload_part", Params=params, ExpiresIn=PRESIGN_SECONDS))

    def _complete(self, track_name: str, body: dict[str, Any]) -> httpx.Response:
        key, upload_id = self.sessions.pop(track_name)
        self.completions.append(body)
        self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": body["parts"]}
        )
        return httpx.Response(200, json={"key": key, "trackName": track_name, "status": "Unprocessed"})

    def _transcript(self, body: dict[str, Any]) -> httpx.Response:
        key = f"{EPISODE_ID}/transcript.srt"
        fields = {"x-amz-meta-filename": body["filename"]}
        conditions = [fields, ["content-length-range", 1, MAX_TRANSCRIPT_BYTES]]
        post = self.s3.generate_presigned_post(
            self.bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=PRESIGN_SECONDS
        )
        answer = {"key": key, "uploadUrl": post["url"], "fields": post["fields"], "maxBytes": MAX_TRANSCRIPT_BYTES}
        return httpx.Response(201, json={**answer, "expiresAt": "2030-01-01T00:00:00Z"})
