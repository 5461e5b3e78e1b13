"""Export the latest version of every report page as JSON lines or CSV, streaming.

Every record carries its citation: the WARC file, the offset of the response record, its record
id and payload digest, and the capture time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from archive.clock import iso_utc
from archive.sql.models import Capture, Page, ReportVersion
from archive.search import SearchFilters, filter_clause

#: Column order of the CSV export (documented in README); lists are JSON-encoded in CSV cells.
EXPORT_FIELDS = (
    "url",
    "title",
    "township",
    "report_year",
    "published_date",
    "published_at",
    "source",
    "issuer",
    "index_no",
    "doc_no",
    "period_start",
    "period_end",
    "column_id",
    "version",
    "clean_text",
    "raw_text",
    "spam_findings",
    "statistics",
    "conflicts",
    "prev_url",
    "next_url",
    "attachments",
    "warc_filename",
    "warc_offset",
    "warc_record_id",
    "payload_digest",
    "captured_at",
)
FINDING_KEYS = ("text", "rule", "kind", "action", "replacement", "confidence", "field", "start", "end", "signal")
STATISTIC_KEYS = ("metric", "value", "unit", "qualifier", "section", "template")
BATCH = 200


def latest_versions(session: Session, filters: SearchFilters | None = None) -> Iterator[ReportVersion]:
    """The newest version of every report page (matching ``filters``), in URL order, in batches."""
    newest = (
        select(ReportVersion.page_id, func.max(ReportVersion.version_no).label("version_no"))
        .group_by(ReportVersion.page_id)
        .subquery()
    )
    stmt = (
        select(ReportVersion)
        .join(
            newest,
            (ReportVersion.page_id == newest.c.page_id)
            & (ReportVersion.version_no == newest.c.version_no),
        )
        .join(Page, Page.id == ReportVersion.page_id)
        .where(filter_clause(filters or SearchFilters()))
        .order_by(Page.url)
        .options(
            selectinload(ReportVersion.page),
            selectinload(ReportVersion.capture),
            selectinload(ReportVersion.findings),
            selectinload(ReportVersion.statistics),
        )
        .execution_options(yield_per=BATCH)
    )
    for version in session.scalars(stmt):
        yield version


def version_record(version: ReportVersion) -> dict[str, Any]:
    """One export record (the keys of EXPORT_FIELDS) for a report version."""
    capture: Capture = version.capture
    return {
        "url": version.page.url,
        "title": version.title,
        "township": version.township,
        "report_year": version.report_year,
        "published_date": _day(version.published_date),
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "source": version.source,
        "issuer": version.issuer,
        "index_no": version.index_no,
        "doc_no": version.doc_no,
        "period_start": _day(version.period_start),
        "period_end": _day(version.period_end),
        "column_id": version.column_id,
        "version": version.version_no,
        "clean_text": version.clean_text,
        "raw_text": version.raw_text,
        "spam_findings": [{k: getattr(f, k) for k in FINDING_KEYS} for f in version.findings],
        "statistics": [{k: getattr(s, k) for k in STATISTIC_KEYS} for s in version.statistics],
        "conflicts": list(version.conflicts or ()),
        "prev_url": version.prev_url,
        "next_url": version.next_url,
        "attachments": list(version.attachments or ()),
        "warc_filename": capture.warc_filename,
        "warc_offset": capture.warc_offset,
        "warc_record_id": capture.warc_record_id,
        "payload_digest": capture.payload_digest,
        "captured_at": iso_utc(capture.fetched_at),
    }


def export_records(session: Session, filters: SearchFilters | None = None) -> Iterator[dict[str, Any]]:
    for version in latest_versions(session, filters):
        yield version_record(version)


def write_jsonl(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def write_csv(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow({k: _cell(record.get(k)) for k in EXPORT_FIELDS})
        count += 1
    return count


def write_parquet(records: Iterator[dict[str, Any]], path: str, *, batch: int = 1000) -> int:
    """Parquet (needs pyarrow): the CSV columns, lists as JSON text, written in row groups."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError("Parquet export needs pyarrow: pip install pyarrow") from exc
    schema = pa.schema([(name, pa.string()) for name in EXPORT_FIELDS])
    count = 0
    rows: list[dict[str, Any]] = []
    with pq.ParquetWriter(path, schema) as writer:
        for record in records:
            rows.append({k: _text(record.get(k)) for k in EXPORT_FIELDS})
            count += 1
            if len(rows) >= batch:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return count


class ExportError(Exception):
    """An export cannot be written (e.g. a missing optional library)."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value
