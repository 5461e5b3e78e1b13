"""What earlier captures tell a new one: where an exchange was archived (``CaptureInfo``), the
validators and payload digest of a page's last full response (``PriorCapture``) for conditional
requests and revisit records, and a response read back from the WARC (``ArchivedResponse``) for
a 304 or a page a crashed run of the same night already fetched; and an exchange whose records
are written and whose capture row is still to come (``WrittenExchange``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from archive.sql.models import Capture
from archive.warc.records import RecordRef


def _citation(capture: Capture) -> dict[str, Any]:
    """The fields that place a capture's record in the WARC files."""
    return dict(
        capture_id=capture.id,
        warc_filename=capture.warc_filename,
        warc_offset=capture.warc_offset,
        warc_record_id=capture.warc_record_id,
        payload_digest=capture.payload_digest,
        fetched_at=capture.fetched_at,
    )


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    """Where an exchange was archived: the capture row and its WARC response record."""

    capture_id: int
    warc_filename: str | None
    warc_offset: int | None
    warc_record_id: str | None
    payload_digest: str | None
    fetched_at: datetime
    #: The ``pages`` row, when known, and whether it was stored as a report page: a report
    #: pipeline can then skip looking the page up again.
    page_id: int | None = None
    page_is_report: bool = False

    @classmethod
    def from_capture(cls, capture: Capture) -> CaptureInfo:
        """The citation of a stored capture row."""
        return cls(**_citation(capture), page_id=capture.page_id)


@dataclass(frozen=True, slots=True)
class PriorCapture:
    """The last full response archived for a URL: its validators and where its payload sits."""

    capture_id: int
    warc_filename: str
    warc_offset: int
    warc_record_id: str
    payload_digest: str | None
    fetched_at: datetime
    url: str
    status: int
    etag: str | None
    last_modified: str | None
    #: The WARC file is in this crawl's own directory, so a 304 can be answered from it. A
    #: distributed worker may meet a page another worker (another data dir) captured last time.
    readable: bool = True

    @classmethod
    def from_capture(cls, capture: Capture) -> PriorCapture:
        return cls(**_citation(capture), url=capture.url, status=capture.status, etag=capture.etag,
                   last_modified=capture.last_modified)


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """A response read back from the WARC (for a 304, or a page already captured in this run)."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    capture: CaptureInfo


@dataclass(frozen=True, slots=True)
class WrittenExchange:
    """An exchange whose records are on disk and whose capture row is still to be added (the
    records are written off the reactor's thread, the row back on it: ``crawler.capture``)."""

    url: str
    method: str
    status: int
    fetched_at: datetime
    ref: RecordRef  # the response or revisit record
    request_ref: RecordRef
    ip_address: str | None
    content_length: int
    payload_digest: str  # of the entity body (de-chunked)
    prior: PriorCapture | None  # set when the record is a revisit of it
