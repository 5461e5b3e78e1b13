"""Writing crawl results to SQL: pages, captures, report versions with findings and statistics.

Callers own the session and its transaction; these functions only add rows and flush.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive.sql.models import Capture, Page, ReportVersion, SpamFinding, Statistic
from archive.sql.search import index_version


#: How often ``save_version`` re-reads the latest version after losing an insert race.
VERSION_INSERT_ATTEMPTS = 5


class VersionConflict(Exception):
    """Concurrent writers kept taking the next version number of a page."""


def get_or_create_page(session: Session, url: str, kind: str, seen_at: datetime) -> int:
    """The id of the page row for ``url``, inserting it if new (safe against concurrent writers).

    Core statements on the session's connection: this runs for every capture, and the ORM's
    object load and attribute flush cost more than the SQL itself.
    """
    pages = Page.__table__
    conn = session.connection()
    find = select(pages.c.id, pages.c.kind, pages.c.last_seen_at).where(pages.c.url == url)
    row = conn.execute(find).first()
    if row is None:
        values = {"url": url, "kind": kind, "first_seen_at": seen_at, "last_seen_at": seen_at}
        dialect = conn.dialect.name
        if dialect in ("sqlite", "postgresql"):
            insert = sqlite_insert if dialect == "sqlite" else pg_insert
            conn.execute(insert(pages).values(**values).on_conflict_do_nothing(index_elements=["url"]))
        else:  # pragma: no cover - other dialects: best effort
            conn.execute(pages.insert().values(**values))
        row = conn.execute(find).one()
    page_id, stored_kind, last_seen = row
    changes = page_changes(stored_kind, last_seen, kind, seen_at)
    if changes:
        conn.execute(update(pages).where(pages.c.id == page_id).values(**changes))
    return page_id


def page_changes(stored_kind: str, last_seen: datetime | None, kind: str, seen_at: datetime) -> dict[str, Any]:
    """What seeing a known page again changes: ``last_seen_at`` only moves forward, and a page
    seen as a report stays one."""
    changes: dict[str, Any] = {}
    if last_seen is None or last_seen < seen_at:
        changes["last_seen_at"] = seen_at
    if stored_kind != kind and kind == "report":
        changes["kind"] = kind
    return changes


def add_capture(session: Session, **fields: Any) -> int:
    """Insert a ``captures`` row (Core, like ``get_or_create_page``); returns its id."""
    result = session.connection().execute(Capture.__table__.insert().values(**fields))
    return result.inserted_primary_key[0]


@dataclass(frozen=True, slots=True)
class VersionData:
    """Everything that makes up one report version, ready to store."""

    fields: Mapping[str, Any]  # ReportVersion column values (title, township, ... clean_text)
    findings: Sequence[Mapping[str, Any]]
    statistics: Sequence[Mapping[str, Any]]


#: Fields that describe where a report sits in the site and how the crawl reached it, not what
#: it says: a change of 上一条/下一条 links (a neighbour was deleted), or a report reached by a
#: recheck instead of its listing, updates the latest version rather than making a new one.
NAVIGATION_FIELDS = ("prev_url", "next_url", "column_id", "column_name")
#: Readings of what the hash already holds (the reporting unit is read off titles, 来源, 发布机构,
#: the body and the column): an extractor that learns to read them refreshes the latest version
#: in place (``gongkai reprocess`` after migration 0003) instead of making a new version of every page.
DERIVED_FIELDS = ("unit", "unit_kind")
#: What a reader sees of a finding. How strongly the cleaner believed it (confidence, signal,
#: rule) moves with the site context between runs and is not a change of the report.
FINDING_CONTENT_KEYS = ("kind", "action", "text", "replacement", "field", "start", "end")


def content_hash(data: VersionData) -> str:
    """A digest of what a reader would see change: clean text, fields, findings, statistics."""
    skip = ("provenance", *NAVIGATION_FIELDS, *DERIVED_FIELDS)
    payload = {
        "fields": {k: _jsonable(v) for k, v in sorted(data.fields.items()) if k not in skip},
        "findings": [{k: f.get(k) for k in FINDING_CONTENT_KEYS} for f in data.findings],
        "statistics": list(data.statistics),  # sort_keys orders each row's keys
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


def latest_payload_digest(session: Session, page_id: int) -> tuple[int, frozenset[str]] | None:
    """(id, payload digests) of the page's latest version: of the capture it was made from and of
    the last capture seen with the same content (bytes that changed without changing the
    content, say a re-pointed 下一条 link), or None."""
    row = session.connection().execute(_latest_payload_digest_query(), {"page_id": page_id}).first()
    return (row[0], frozenset(d for d in row[1:] if d)) if row is not None else None


@functools.cache
def _latest_payload_digest_query() -> Select:
    """Built once: this runs for every report page a crawl fetches, and building the two aliases
    of ``captures`` (a proxy for each of their columns) cost more than running the query."""
    versions, made, last = ReportVersion.__table__, Capture.__table__.alias(), Capture.__table__.alias()
    return (
        select(versions.c.id, made.c.payload_digest, last.c.payload_digest)
        .join(made, versions.c.capture_id == made.c.id)
        .join(last, versions.c.last_capture_id == last.c.id)
        .where(versions.c.page_id == bindparam("page_id"))
        .order_by(versions.c.version_no.desc())
        .limit(1)
    )


def mark_seen_again(session: Session, version_id: int, capture_id: int) -> None:
    """The latest version was captured again, unchanged: point its ``last_capture_id`` there."""
    versions = ReportVersion.__table__
    session.connection().execute(
        update(versions).where(versions.c.id == version_id).values(last_capture_id=capture_id)
    )


def save_version(
    session: Session,
    *,
    page_id: int,
    capture_id: int,
    data: VersionData,
    created_at: datetime,
    extractor_version: str,
) -> tuple[ReportVersion, ReportVersion | None]:
    """Store ``data`` as a new version unless it equals the latest.

    Returns ``(version, previous)``: ``version`` is the stored (or unchanged latest) version;
    ``previous`` is the version it replaces, ``None`` for the first version of a page, and
    ``version`` itself when nothing changed.
    """
    digest = content_hash(data)
    concurrent = session.get_bind().dialect.name == "postgresql"
    for _attempt in range(VERSION_INSERT_ATTEMPTS):
        latest = latest_version(session, page_id)
        if latest is not None and latest.content_hash == digest:
            latest.last_capture_id = capture_id
            _refresh_derived(latest, data)
            return latest, latest
        number = (latest.version_no if latest is not None else 0) + 1
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
        if not concurrent:
            session.add(version)
            session.flush()
            break
        try:
            # Two workers meeting one page both read the same latest version; the second
            # insert hits uq (page_id, version_no), rolls back to the savepoint, and re-reads
            # the first worker's committed version (equal content: nothing to store).
            with session.begin_nested():
                session.add(version)
                session.flush()
            break
        except IntegrityError:
            continue
    else:
        raise VersionConflict(f"page {page_id}: version {number} kept being taken by other writers")
    if data.statistics:
        # One Core executemany on the session's connection: no ORM object, nor the ORM bulk
        # path's per-row bookkeeping, for a report's ~130 figures.
        session.connection().execute(
            Statistic.__table__.insert(), [dict(s, version_id=version.id) for s in data.statistics]
        )
    index_version(session, version)
    return version, latest


def _refresh_derived(version: ReportVersion, data: VersionData) -> None:
    """Write ``DERIVED_FIELDS`` (and their provenance) onto an unchanged latest version."""
    if all(getattr(version, name) == data.fields.get(name) for name in DERIVED_FIELDS):
        return
    for name in DERIVED_FIELDS:
        setattr(version, name, data.fields.get(name))
    found = data.fields.get("provenance") or {}
    provenance = {k: v for k, v in (version.provenance or {}).items() if k not in DERIVED_FIELDS}
    provenance.update({k: found[k] for k in DERIVED_FIELDS if k in found})
    version.provenance = provenance


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
