"""Writing crawl results to SQL: pages, captures, report versions with findings and statistics.

Callers own the session and its transaction; these functions only add rows and flush.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive.models import Capture, Page, ReportVersion, SpamFinding, Statistic


def get_or_create_page(session: Session, url: str, kind: str, seen_at: datetime) -> int:
    """The id of the page row for ``url``, inserting it if new (safe against concurrent writers)."""
    dialect = session.get_bind().dialect.name
    values = {"url": url, "kind": kind, "first_seen_at": seen_at, "last_seen_at": seen_at}
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        session.execute(insert(Page).values(**values).on_conflict_do_nothing(index_elements=["url"]))
        page = session.execute(select(Page).where(Page.url == url)).scalar_one()
    else:  # pragma: no cover - other dialects: best effort
        page = session.execute(select(Page).where(Page.url == url)).scalar_one_or_none()
        if page is None:
            page = Page(**values)
            session.add(page)
            session.flush()
    if page.last_seen_at is None or _aware(page.last_seen_at) < seen_at:
        page.last_seen_at = seen_at
    if page.kind != kind and kind == "report":
        page.kind = kind
    return page.id


def add_capture(session: Session, **fields: Any) -> Capture:
    capture = Capture(**fields)
    session.add(capture)
    session.flush()
    return capture


@dataclass(frozen=True, slots=True)
class VersionData:
    """Everything that makes up one report version, ready to store."""

    fields: Mapping[str, Any]  # ReportVersion column values (title, township, ... clean_text)
    findings: Sequence[Mapping[str, Any]]
    statistics: Sequence[Mapping[str, Any]]


def content_hash(data: VersionData) -> str:
    """A digest of what a reader would see change: clean text, fields, findings, statistics."""
    payload = {
        "fields": {k: _jsonable(v) for k, v in sorted(data.fields.items()) if k != "provenance"},
        "findings": [dict(sorted(f.items())) for f in data.findings],
        "statistics": [dict(sorted(s.items())) for s in data.statistics],
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_jsonable)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def latest_version(session: Session, page_id: int) -> ReportVersion | None:
    return session.execute(
        select(ReportVersion)
        .where(ReportVersion.page_id == page_id)
        .order_by(ReportVersion.version_no.desc())
        .limit(1)
    ).scalar_one_or_none()


def save_version(
    session: Session,
    *,
    page_id: int,
    capture_id: int,
    data: VersionData,
    created_at: datetime,
    extractor_version: str,
) -> tuple[ReportVersion, bool]:
    """Store ``data`` as a new version unless it equals the latest; returns (version, created)."""
    digest = content_hash(data)
    latest = latest_version(session, page_id)
    if latest is not None and latest.content_hash == digest:
        latest.last_capture_id = capture_id
        return latest, False
    number = (
        session.execute(
            select(func.coalesce(func.max(ReportVersion.version_no), 0)).where(
                ReportVersion.page_id == page_id
            )
        ).scalar_one()
        + 1
    )
    version = ReportVersion(
        page_id=page_id,
        version_no=number,
        capture_id=capture_id,
        last_capture_id=capture_id,
        content_hash=digest,
        created_at=created_at,
        extractor_version=extractor_version,
        **data.fields,
    )
    version.findings = [SpamFinding(**f) for f in data.findings]
    version.statistics = [Statistic(**s) for s in data.statistics]
    session.add(version)
    session.flush()
    return version, True


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
