"""Export the latest version of every report page, streaming, in any format of ``EXPORT_FORMATS``.

Every record carries its citation: the WARC file, the offset of the response record, its record
id and payload digest, and the capture time. A new format is one writer and one entry in
``EXPORT_FORMATS``: the command line offers what the registry holds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from archive.clock import iso_utc
from archive.search.query import SearchFilters
from archive.sql.engine import Session
from archive.sql.latest import latest_versions
from archive.sql.models import Capture, ReportVersion

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
    "damaged",
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
        "damaged": damaged_values(version.provenance),
        "prev_url": version.prev_url,
        "next_url": version.next_url,
        "attachments": list(version.attachments or ()),
        "warc_filename": capture.warc_filename,
        "warc_offset": capture.warc_offset,
        "warc_record_id": capture.warc_record_id,
        "payload_digest": capture.payload_digest,
        "captured_at": iso_utc(capture.fetched_at),
    }


def damaged_values(provenance: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The fields read through damage (``repaired``) or left null over unreadable text, each
    with its rule and the raw text as the page has it."""
    return [{"field": name, "repaired": bool(p.get("repaired")), "rule": p.get("rule"), "raw": p.get("raw")}
            for name, p in sorted((provenance or {}).items())
            if p.get("repaired") or str(p.get("rule", "")).endswith("-unreadable")]


def export_records(session: Session, filters: SearchFilters | None = None) -> Iterator[dict[str, Any]]:
    for version in latest_versions(session, filters):
        yield version_record(version)


def replay_pages(session: Session) -> list[dict[str, str]]:
    """Entries of a WACZ ``pages.jsonl``: the capture each latest report version was extracted
    from, for replay tools to list."""
    pages = []
    for version in latest_versions(session):
        capture: Capture = version.capture
        if capture.warc_filename and capture.status:
            entry = {"url": version.page.url, "ts": iso_utc(capture.fetched_at)}
            if version.title:
                entry["title"] = version.title
            pages.append(entry)
    return pages


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


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: its writer takes the records and a text stream (or, with ``to_path``,
    a file path) and returns how many records it wrote."""

    name: str
    write: Callable[..., int]
    help: str
    to_path: bool = False  # the writer needs a file path, not a stream (a binary format)
    newline: str | None = None  # how to open the output file ("" for CSV: the writer ends rows)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("jsonl", write_jsonl, "one JSON object per line"),
        ExportFormat("csv", write_csv, "the columns of EXPORT_FIELDS, lists as JSON", newline=""),
        ExportFormat("parquet", write_parquet, "needs pyarrow and --output", to_path=True),
    )
}


def export_format(name: str) -> ExportFormat:
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        raise ExportError(f"no export format {name!r} (known: {', '.join(EXPORT_FORMATS)})") from None


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
