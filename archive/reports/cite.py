"""Cite and read one archived report: its fields, versions, findings, statistics and WARC record.

``report_view`` gathers everything ``gongkai show`` prints; ``raw_response`` returns the archived
HTTP response block (status line, headers, body) exactly as the WARC record stores it, after
``archive.warc.reader.read_record`` has checked the record's digests.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from archive.clock import iso_utc
from archive.reports.export import FINDING_KEYS, STATISTIC_KEYS
from archive.sql import queries
from archive.sql.engine import Session
from archive.sql.models import Capture, ReportVersion
from archive.warc.files import warc_dir
from archive.warc.reader import WarcReadError, read_record

WARC_HEADER_END = b"\r\n\r\n"
FIELD_NAMES = (
    "title", "visible_title", "unit", "unit_kind", "township", "report_year", "published_date", "published_at", "source",
    "issuer", "index_no", "doc_no", "period_start", "period_end", "column_id", "prev_url", "next_url",
)


class CiteError(Exception):
    """The report, version or WARC record asked for does not exist or cannot be read."""


@dataclass(frozen=True, slots=True)
class Citation:
    url: str
    warc_filename: str | None
    warc_offset: int | None
    warc_length: int | None
    warc_record_id: str | None
    payload_digest: str | None
    captured_at: str | None  # ISO 8601 UTC

    def line(self) -> str:
        """One line to paste into a paper's footnote."""
        return (f"{self.url}, captured {self.captured_at}, WARC {self.warc_filename} "
                f"offset {self.warc_offset}, record {self.warc_record_id}, {self.payload_digest}")


@dataclass(frozen=True, slots=True)
class VersionSummary:
    version_no: int
    version_id: int
    created_at: str | None
    first_captured_at: str | None
    last_captured_at: str | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class ReportView:
    url: str
    version_no: int
    version_id: int
    fields: dict[str, Any]
    clean_text: str
    findings: list[dict[str, Any]]
    statistics: list[dict[str, Any]]
    conflicts: list[Any]
    versions: list[VersionSummary]
    citation: Citation

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url, "version": self.version_no, "fields": self.fields,
            "clean_text": self.clean_text, "spam_findings": self.findings, "statistics": self.statistics,
            "conflicts": self.conflicts,
            "versions": [{"version": v.version_no, "created_at": v.created_at,
                          "first_captured_at": v.first_captured_at, "last_captured_at": v.last_captured_at,
                          "content_hash": v.content_hash} for v in self.versions],
            "citation": {k: getattr(self.citation, k) for k in Citation.__slots__},
        }


def find_version(session: Session, ref: str, version_no: int | None = None) -> ReportVersion:
    """The version of the page given by URL or page id (a number), newest unless ``version_no``."""
    page = queries.find_page(session, ref)
    if page is None:
        raise CiteError(f"no archived page {ref!r}; find one with `gongkai search`")
    version = queries.page_version(session, page.id, version_no)
    if version is None:
        which = f"version {version_no}" if version_no is not None else "a report version"
        raise CiteError(f"page {page.url} has no {which}; list versions with `gongkai show {page.url}`")
    return version


def citation(url: str, capture: Capture) -> Citation:
    return Citation(url=url, warc_filename=capture.warc_filename, warc_offset=capture.warc_offset,
                    warc_length=capture.warc_length, warc_record_id=capture.warc_record_id,
                    payload_digest=capture.payload_digest, captured_at=iso_utc(capture.fetched_at))


def report_view(session: Session, ref: str, version_no: int | None = None) -> ReportView:
    version = find_version(session, ref, version_no)
    url = version.page.url
    all_versions = queries.page_versions(session, version.page_id)
    return ReportView(
        url=url, version_no=version.version_no, version_id=version.id,
        fields={name: _plain(getattr(version, name)) for name in FIELD_NAMES},
        clean_text=version.clean_text,
        findings=[{k: getattr(f, k) for k in FINDING_KEYS} for f in version.findings],
        statistics=[{k: getattr(s, k) for k in STATISTIC_KEYS} for s in version.statistics],
        conflicts=list(version.conflicts or ()),
        versions=[VersionSummary(v.version_no, v.id, iso_utc(v.created_at), iso_utc(v.capture.fetched_at),
                                 iso_utc(v.last_capture.fetched_at), v.content_hash) for v in all_versions],
        citation=citation(url, version.capture),
    )


def raw_response(data_dir: Path, view_or_capture: ReportView | Citation) -> bytes:
    """The archived HTTP response block of a citation, byte for byte (digests checked first)."""
    cite = view_or_capture.citation if isinstance(view_or_capture, ReportView) else view_or_capture
    if cite.warc_filename is None or cite.warc_offset is None:
        raise CiteError(f"{cite.url}: this capture has no WARC record")
    directory = warc_dir(data_dir).resolve()
    path = (directory / cite.warc_filename).resolve()
    if path.parent != directory:
        raise CiteError(f"{cite.warc_filename!r} is not a file in {directory}; the database row is damaged")
    try:
        stored = read_record(path, cite.warc_offset)
    except WarcReadError as exc:
        raise CiteError(f"{exc}; run `gongkai verify` to check the archive") from exc
    if cite.warc_record_id and stored.record_id != cite.warc_record_id:
        raise CiteError(f"{path} at offset {cite.warc_offset} holds {stored.record_id}, not {cite.warc_record_id}")
    with open(path, "rb") as f:
        f.seek(cite.warc_offset)
        member = f.read(stored.length)
    record = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(member)
    head, sep, block = record.partition(WARC_HEADER_END)
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    if not sep or length is None:
        raise CiteError(f"{path} at offset {cite.warc_offset}: no WARC header block")
    return block[:length]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
