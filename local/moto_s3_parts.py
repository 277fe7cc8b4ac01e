"""ListParts by part number, as S3 pages it: moto reads `PartNumberMarker` as a position in its list.

S3 answers the parts whose number is above `PartNumberMarker`, `MaxParts` at a time, and is
truncated while parts above the last one answered remain. moto slices its sorted part list at
the marker's value (a position, not a part number) and calls a page truncated while it holds
more parts than that number: with a gap in the numbers (an interrupted upload of parts sent in
parallel: 1, 2, 5, 7) a page skips parts, or the listing ends early, and a client resuming the
upload sends parts again or believes them missing. `install()` (`local/moto_s3.py`) replaces both.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from moto.s3.models import FakeKey, FakeMultipart, S3Backend


def list_parts(self: FakeMultipart, part_number_marker: int, max_parts: int) -> Iterator[FakeKey]:
    """The upload's parts numbered above `part_number_marker`, at most `max_parts`, in part order."""
    start = bisect.bisect_right(self.partlist, part_number_marker)
    for part_id in self.partlist[start : start + max_parts]:
        yield self.parts[part_id]


def is_truncated(self: S3Backend, bucket_name: str, multipart_id: str, next_part_number_marker: int) -> bool:
    """Whether the upload has parts numbered above the last one a page answered."""
    partlist = self.get_bucket(bucket_name).multiparts[multipart_id].partlist
    return bool(partlist) and partlist[-1] > int(next_part_number_marker)
