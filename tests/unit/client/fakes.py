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

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api")
        body = json.loads(request.content or b"{}")
        if not path.startswith(f"/episodes/{EPISODE_ID}/"):
            return httpx.Response(404, json={"message": "episode not found"})
        if match := re.fullmatch(r"/episodes/[^/]+/tracks/([^/]+)/(parts|complete)", path):
            return self._parts(match[1], body) if match[2] == "parts" else self._complete(match[1], body)
        if path.endswith("/tracks"):
            return self._start(body)
        if path.endswith("/transcripts"):
            return self._transcript(body)
        return httpx.Response(404, json={"message": "no such route"})

    def _start(self, body: dict[str, Any]) -> httpx.Response:
        track_name = re.sub(r"[^a-z0-9_-]", "-", body["trackName"].lower())
        key = f"{EPISODE_ID}/tracks/{track_name}{Path(body['filename']).suffix}"
        upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        self.sessions[track_name] = (key, upload_id)
        answer = {"key": key, "uploadId": upload_id, "expiresAt": "2030-01-01T00:00:00Z"}
        return httpx.Response(200, json={**answer, "requiredHeaders": self.required_headers})

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
