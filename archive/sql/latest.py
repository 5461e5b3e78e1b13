"""The latest version of each report page: defined once, here.

A version is the latest of its page when no version of the same page has a higher number
(``is_latest``). Export, search, replay pages, diffs and trends, the site's context for the
cleaner, monitors and ``reprocess`` all read it through this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from archive.search.query import SearchFilters
from archive.sql.filters import filter_conditions
from archive.sql.models import Capture, Page, ReportVersion

#: Rows fetched per round trip when streaming every latest version.
BATCH = 200
BY_URL = "url"
BY_TOWNSHIP = "township"


def is_latest(version=ReportVersion) -> ColumnElement[bool]:
    """True for the newest version of its page (``version``: the entity or an alias of it)."""
    newer = aliased(ReportVersion)
    return ~exists().where(newer.page_id == version.page_id, newer.version_no > version.version_no)


def latest_versions(
    session: Session, filters: SearchFilters | None = None, *, order: str = BY_URL
) -> Iterator[ReportVersion]:
    """The newest version of every report page matching ``filters``, streamed in batches, with
    its page, capture, findings and statistics loaded.

    ``order``: ``"url"`` (the page's URL) or ``"township"`` (township, report year, version id).
    """
    if order == BY_URL:
        ordering = (Page.url,)
    elif order == BY_TOWNSHIP:
        ordering = (ReportVersion.township, ReportVersion.report_year, ReportVersion.id)
    else:
        raise ValueError(f"order must be {BY_URL!r} or {BY_TOWNSHIP!r}, not {order!r}")
    stmt = (
        select(ReportVersion)
        .join(Page, Page.id == ReportVersion.page_id)
        .where(is_latest(), *filter_conditions(filters or SearchFilters()))
        .order_by(*ordering)
        .options(
            selectinload(ReportVersion.page),
            selectinload(ReportVersion.capture),
            selectinload(ReportVersion.findings),
            selectinload(ReportVersion.statistics),
        )
        .execution_options(yield_per=BATCH)
    )
    yield from session.scalars(stmt)


def latest_version_ids(session: Session) -> list[int]:
    """Ids of the newest version of every page, oldest first."""
    return list(session.scalars(select(ReportVersion.id).where(is_latest()).order_by(ReportVersion.id)))


def latest_clean_texts(session: Session, *, limit: int) -> list[str]:
    """The clean texts of the ``limit`` most recently stored latest versions, newest first."""
    return list(session.scalars(
        select(ReportVersion.clean_text).where(is_latest()).order_by(ReportVersion.id.desc()).limit(limit)
    ))


@dataclass(frozen=True, slots=True)
class LatestPayload:
    """Where the latest version of a report page was read from: the capture holding its payload
    (a revisit's original), with the version's own fields the crawl knew besides the bytes."""

    url: str
    page_id: int
    version_id: int
    last_capture_id: int  # the version's last capture (perhaps a revisit)
    capture_id: int  # the capture holding the payload
    warc_filename: str | None
    warc_offset: int | None
    warc_record_id: str | None
    payload_digest: str | None
    fetched_at: datetime


#: revisits followed back to their original at most this many times
MAX_REVISIT_HOPS = 10


def latest_payloads(session: Session) -> list[LatestPayload]:
    """For every report page with a version, the capture its latest version's payload is in, in
    URL order (one query, plus one per round of revisits to follow)."""
    rows = session.execute(
        select(Page.url, Page.id, ReportVersion.id, ReportVersion.last_capture_id)
        .join(Page, Page.id == ReportVersion.page_id)
        .where(is_latest())
        .order_by(Page.url)
    ).all()
    captures = _payload_captures(session, {row[3] for row in rows})
    out = []
    for url, page_id, version_id, capture_id in rows:
        capture = captures.get(capture_id)
        if capture is None:
            continue
        out.append(LatestPayload(
            url=url, page_id=page_id, version_id=version_id, last_capture_id=capture_id, capture_id=capture.id,
            warc_filename=capture.warc_filename, warc_offset=capture.warc_offset,
            warc_record_id=capture.warc_record_id, payload_digest=capture.payload_digest,
            fetched_at=capture.fetched_at,
        ))  # fmt: skip
    return out


def payload_record(session: Session, capture_id: int) -> tuple[str | None, int | None]:
    """(WARC file, offset) of the record holding a capture's payload: a 304 or identical-payload
    revisit's original response, else the capture's own record."""
    capture = _payload_captures(session, {capture_id}).get(capture_id)
    return (capture.warc_filename, capture.warc_offset) if capture is not None else (None, None)


def _payload_captures(session: Session, ids: set[int]) -> dict[int, Capture]:
    """capture id -> the capture holding its payload (itself, or the original a revisit refers to)."""
    found = {c.id: c for c in session.scalars(select(Capture).where(Capture.id.in_(ids)))} if ids else {}
    resolved = dict(found)
    for _ in range(MAX_REVISIT_HOPS):
        pending = {i: c.refers_to_capture_id for i, c in resolved.items() if c.record_type == "revisit" and c.refers_to_capture_id}
        if not pending:
            break
        targets = {c.id: c for c in session.scalars(select(Capture).where(Capture.id.in_(set(pending.values()))))}
        for i, target in pending.items():
            if target in targets:
                resolved[i] = targets[target]
    return resolved


def earlier_clean_text(session: Session, page_id: int, payload_digest: str | None, before: datetime) -> str | None:
    """The clean text of the page's newest version made from an earlier capture with other bytes:
    what another capture of the same report says (the cleaner's other-capture evidence)."""
    made_from = aliased(Capture)
    other_bytes = (
        or_(made_from.payload_digest.is_(None), made_from.payload_digest != payload_digest)
        if payload_digest is not None
        else made_from.id.is_not(None)
    )
    return session.scalar(
        select(ReportVersion.clean_text)
        .join(made_from, made_from.id == ReportVersion.capture_id)
        .where(ReportVersion.page_id == page_id, made_from.fetched_at < before, other_bytes)
        .order_by(ReportVersion.version_no.desc())
        .limit(1)
    )


def payload_records(session: Session, capture_ids: Iterable[int]) -> dict[int, tuple[str | None, int | None]]:
    """``payload_record`` for many captures at once."""
    captures = _payload_captures(session, set(capture_ids))
    return {i: (c.warc_filename, c.warc_offset) for i, c in captures.items()}


def earlier_clean_texts(
    session: Session, captures: Iterable[tuple[int, str | None, datetime]]
) -> dict[int, str]:
    """``earlier_clean_text`` for many pages at once: page id -> text, for ``(page_id,
    payload_digest, fetched_at)`` of each page's new capture (pages with none are left out)."""
    wanted = {page_id: (digest, before) for page_id, digest, before in captures}
    if not wanted:
        return {}
    made_from = aliased(Capture)
    rows = session.execute(
        select(ReportVersion.id, ReportVersion.page_id, made_from.payload_digest, made_from.fetched_at)
        .join(made_from, made_from.id == ReportVersion.capture_id)
        .where(ReportVersion.page_id.in_(wanted))
        .order_by(ReportVersion.page_id, ReportVersion.version_no.desc())
    ).all()
    chosen: dict[int, int] = {}
    for version_id, page_id, digest, fetched_at in rows:
        if page_id in chosen:
            continue
        own_digest, before = wanted[page_id]
        if fetched_at < before and (own_digest is None or digest != own_digest):
            chosen[page_id] = version_id
    if not chosen:
        return {}
    texts = dict(session.execute(
        select(ReportVersion.id, ReportVersion.clean_text).where(ReportVersion.id.in_(chosen.values()))
    ).all())
    return {page_id: texts[version_id] for page_id, version_id in chosen.items() if texts.get(version_id)}
