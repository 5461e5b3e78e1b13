"""Crawl bookkeeping in SQL: run rows, what earlier captures hold, change events, run figures.

The decisions (which run a crash leaves to resume, what a vanished report means, when to alert)
are made in ``archive.runs``; this module reads and writes the rows they rest on. Callers own
the session and its transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive.clock import iso_utc
from archive.sql.latest import is_latest
from archive.sql.models import SUSPECTED, Capture, CrawlRun, Event, Page, ReportVersion, SpamFinding

#: Statuses of a fetch that got the page (a 304 is answered from the archive).
OK_STATUSES = (200, 304)
#: A revisit chain longer than this is broken data, not a chain to follow.
MAX_REVISIT_HOPS = 100


# ---------------------------------------------------------------------- runs


def add_run(session: Session, **fields: Any) -> int:
    """Insert a ``crawl_runs`` row (``status`` defaults to running); returns its id."""
    run = CrawlRun(**fields)
    session.add(run)
    session.flush()
    return run.id


def update_run(session: Session, run_id: int, **fields: Any) -> None:
    """Set columns of a run row (its figures when it ends, its exit status)."""
    run = session.get(CrawlRun, run_id)
    for name, value in fields.items():
        setattr(run, name, value)


def get_run(session: Session, run_id: int) -> CrawlRun | None:
    return session.get(CrawlRun, run_id)


def mark_crashed_runs(session: Session, *, data_dir: str, worker_id: str | None) -> CrawlRun | None:
    """The newest run of this data dir and worker left 'running' (its process died); every such
    run is marked 'crashed'.

    Only called while holding the data dir's crawl lock, so no live process owns such a run.
    """
    stmt = (
        select(CrawlRun)
        .where(CrawlRun.status == "running", CrawlRun.data_dir == data_dir)
        .order_by(CrawlRun.id.desc())
    )
    stmt = stmt.where(CrawlRun.worker_id == worker_id) if worker_id else stmt.where(CrawlRun.worker_id.is_(None))
    runs = list(session.scalars(stmt))
    for run in runs:
        run.status = "crashed"
        run.finish_reason = "process died before the run finished"
    return runs[0] if runs else None


def run_window(session: Session, run_id: int) -> list[int]:
    """This run and the crashed runs it resumes (their captures count as done in this run)."""
    ids = [run_id]
    current = session.get(CrawlRun, run_id)
    while current is not None and current.resumes_run_id is not None:
        ids.append(current.resumes_run_id)
        current = session.get(CrawlRun, current.resumes_run_id)
    return ids


def live_job_runs(session: Session, run_ids: list[int], *, since: datetime) -> list[int]:
    """Of the runs a distributed job registered, those that belong to tonight's job: still
    running (or killed) or finished at or after ``since`` (the asking worker's start). A run
    left in the registry from an earlier night finished before any of tonight's began."""
    if not run_ids:
        return []
    stmt = select(CrawlRun.id).where(
        CrawlRun.id.in_(run_ids), or_(CrawlRun.finished_at.is_(None), CrawlRun.finished_at >= since)
    )
    return sorted(session.scalars(stmt))


def previous_finished_run(session: Session, run_id: int) -> int | None:
    """The last finished run before ``run_id`` of the same site (and worker)."""
    run = session.get(CrawlRun, run_id)
    stmt = select(CrawlRun.id).where(CrawlRun.id < run.id, CrawlRun.status == "finished")
    if run.site:
        stmt = stmt.where(CrawlRun.site == run.site)
    stmt = stmt.where(CrawlRun.worker_id == run.worker_id) if run.worker_id else stmt
    return session.scalar(stmt.order_by(CrawlRun.id.desc()).limit(1))


# ---------------------------------------------------------------------- captures


def latest_full_capture(session: Session, url: str, *, run_ids: list[int] | None = None) -> Capture | None:
    """The newest capture of ``url`` whose WARC record holds a 200 response payload."""
    stmt = (
        select(Capture)
        .where(Capture.url == url, Capture.status == 200, Capture.record_type == "response")
        .order_by(Capture.id.desc())
        .limit(1)
    )
    if run_ids is not None:
        stmt = stmt.where(Capture.run_id.in_(run_ids))
    return session.scalars(stmt).first()


def full_response_urls(session: Session) -> set[str]:
    """Every URL with a capture that ``latest_full_capture`` could return (one query when a crawl
    opens: the capture path then asks for a prior capture only for these)."""
    stmt = select(Capture.url).where(Capture.status == 200, Capture.record_type == "response").distinct()
    return set(session.scalars(stmt))


def captured_in(session: Session, url: str, run_ids: list[int]) -> Capture | None:
    """A successful capture (200 or 304) of ``url`` in one of ``run_ids``, newest first."""
    return session.scalars(
        select(Capture)
        .where(Capture.url == url, Capture.run_id.in_(run_ids), Capture.status.in_(OK_STATUSES))
        .order_by(Capture.id.desc())
        .limit(1)
    ).first()


def payload_capture(session: Session, capture: Capture) -> Capture:
    """The capture whose record holds ``capture``'s payload (itself, or what a revisit refers to)."""
    seen = 0
    while capture.record_type == "revisit" and capture.refers_to_capture_id and seen < MAX_REVISIT_HOPS:
        capture = session.get(Capture, capture.refers_to_capture_id)
        seen += 1
    return capture


def start_url_answers(session: Session, run_id: int, urls: Sequence[str]) -> list[tuple[str, int | None, str | None]]:
    """(url, status, error) of every capture of ``urls`` in the run."""
    rows = session.execute(
        select(Capture.url, Capture.status, Capture.error).where(Capture.run_id == run_id, Capture.url.in_(urls))
    ).all()
    return [tuple(row) for row in rows]


# ---------------------------------------------------------------------- nightly


def reports_to_recheck(session: Session, run_ids: list[int]) -> list[str]:
    """Known report URLs (with a stored version) that this run has not requested yet."""
    requested = select(Capture.page_id).where(Capture.run_id.in_(run_ids))
    stmt = (
        select(Page.url)
        .where(Page.kind == "report")
        .where(Page.id.in_(select(ReportVersion.page_id).distinct()))
        .where(Page.id.not_in(requested))
        .order_by(Page.url)
    )
    return list(session.scalars(stmt))


def pages_with_versions(session: Session) -> set[int]:
    return set(session.scalars(select(ReportVersion.page_id).distinct()))


def last_report_captures(session: Session, run_ids: list[int]) -> list[tuple[Capture, Page]]:
    """For every report page (known by a version, or fetched as a report) captured in the runs:
    its last capture there, and the page; only where that can give an event: the page has a
    version, or its last fetch failed (no status, or 5xx). A first crawl's successful reports are
    left in the database instead of loaded as objects only to be skipped (about 0.3 ms each)."""
    known = select(ReportVersion.page_id).distinct()
    report_pages = select(Page.id).where(or_(Page.id.in_(known), Page.kind == "report"))
    latest = (
        select(Capture.page_id, func.max(Capture.id).label("capture_id"))
        .where(Capture.run_id.in_(run_ids), Capture.page_id.in_(report_pages))
        .group_by(Capture.page_id)
        .subquery()
    )
    rows = session.execute(
        select(Capture, Page)
        .join(latest, Capture.id == latest.c.capture_id)
        .join(Page, Page.id == Capture.page_id)
        .where(or_(Capture.status.is_(None), Capture.status >= 500, Capture.page_id.in_(known)))
    ).all()
    return [tuple(row) for row in rows]


def last_state(session: Session, page_id: int, states: Sequence[str]) -> str | None:
    """The page's latest event among ``states``."""
    return session.scalar(
        select(Event.event)
        .where(Event.page_id == page_id, Event.event.in_(states))
        .order_by(Event.detected_at.desc(), Event.id.desc())
        .limit(1)
    )


def reached_via(session: Session, run_ids: list[int], page_id: int, vias: Sequence[str]) -> bool:
    """Whether a run captured the page through one of ``vias`` (a listing, a chain...)."""
    return bool(
        session.scalar(
            select(func.count()).where(
                Capture.run_id.in_(run_ids),
                Capture.page_id == page_id,
                Capture.discovered_via.in_(vias),
            )
        )
    )


def previous_ok_capture(session: Session, page_id: int, *, before: int) -> int | None:
    """The last capture of the page before ``before`` that got it (200 or 304)."""
    return session.scalar(
        select(func.max(Capture.id)).where(
            and_(Capture.page_id == page_id, Capture.id < before, Capture.status.in_(OK_STATUSES))
        )
    )


# ---------------------------------------------------------------------- events


def record_event(
    session: Session,
    *,
    run_id: int,
    page_id: int,
    url: str,
    kind: str,
    detected_at: datetime,
    capture_id: int | None = None,
    previous_capture_id: int | None = None,
    version_id: int | None = None,
    summary: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Insert an event (``kind``: an ``archive.runs.events.EventKind``) once per (run, page,
    kind): two workers meeting one page add one row."""
    values = dict(
        run_id=run_id,
        page_id=page_id,
        url=url,
        event=str(kind),
        detected_at=detected_at,
        capture_id=capture_id,
        previous_capture_id=previous_capture_id,
        version_id=version_id,
        summary=summary,
        details=details or {},
    )
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        session.execute(_event_insert(dialect), values)
    else:  # pragma: no cover
        session.add(Event(**values))


@functools.cache
def _event_insert(dialect: str):
    """Built once per dialect on the table, not the entity: this runs once or twice per stored
    version, and building the statement with its values cost more than running it (the ORM's
    bulk path took as long again)."""
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    return insert(Event.__table__).on_conflict_do_nothing(index_elements=["run_id", "page_id", "event"])


def events(session: Session, *, since: datetime | None = None, run_id: int | None = None) -> Iterator[dict[str, Any]]:
    """The change feed, oldest first: one dict per event (times in ISO 8601 UTC)."""
    stmt = select(Event).order_by(Event.detected_at, Event.id)
    if since is not None:
        stmt = stmt.where(Event.detected_at >= since)
    if run_id is not None:
        stmt = stmt.where(Event.run_id == run_id)
    for event in session.scalars(stmt):
        yield {
            "event": event.event,
            "url": event.url,
            "detected_at": iso_utc(event.detected_at),
            "run_id": event.run_id,
            "capture_id": event.capture_id,
            "previous_capture_id": event.previous_capture_id,
            "version_id": event.version_id,
            "summary": event.summary,
            "details": event.details or {},
        }


# ---------------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class RunFigures:
    """What the monitors compare between runs."""

    run_id: int
    reports: int  # report pages answered 200/304 in the run
    coverage: float  # share of those whose latest version has a reporting unit, year and date
    spam_rate: float  # share of those whose latest version carries spam findings
    fetch_errors: int  # captures with no response or a 5xx
    captures: int


def run_figures(session: Session, run_id: int) -> RunFigures:
    seen = (
        select(Capture.page_id)
        .where(Capture.run_id == run_id, Capture.status.in_(OK_STATUSES))
        .where(Capture.page_id.in_(select(ReportVersion.page_id)))
        .distinct()
    )
    versions = select(ReportVersion).where(is_latest(), ReportVersion.page_id.in_(seen)).subquery()
    reports = session.scalar(select(func.count()).select_from(versions)) or 0
    complete = session.scalar(
        select(func.count()).select_from(versions).where(
            versions.c.unit.is_not(None),        # a department's report names no township
            versions.c.report_year.is_not(None),
            versions.c.published_date.is_not(None),
        )
    ) or 0
    infected = session.scalar(
        select(func.count(func.distinct(SpamFinding.version_id))).where(
            SpamFinding.version_id.in_(select(versions.c.id)), SpamFinding.action != SUSPECTED
        )
    ) or 0
    errors = session.scalar(
        select(func.count()).where(
            Capture.run_id == run_id, or_(Capture.status.is_(None), Capture.status >= 500)
        )
    ) or 0
    captures = session.scalar(select(func.count()).where(Capture.run_id == run_id)) or 0
    return RunFigures(
        run_id=run_id,
        reports=reports,
        coverage=complete / reports if reports else 0.0,
        spam_rate=infected / reports if reports else 0.0,
        fetch_errors=errors,
        captures=captures,
    )


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One crawl run as its end-of-crawl summary shows it."""

    run: CrawlRun
    captures: int
    failed: int  # fetches that got no response
    http_errors: int  # 4xx and 5xx
    reports: int  # report pages whose latest capture is in the run
    new_versions: int
    infected: int  # of those reports, how many had spam removed or words restored
    suspected: int  # spans the cleaner suspected but left in place, in those reports
    events: dict[str, int]
    warc_files: int


def run_summary(session: Session, run_id: int) -> RunSummary:
    run = session.get(CrawlRun, run_id)
    captures = session.scalar(select(func.count()).where(Capture.run_id == run_id))
    failed = session.scalar(select(func.count()).where(Capture.run_id == run_id, Capture.status.is_(None)))
    http_errors = session.scalar(select(func.count()).where(Capture.run_id == run_id, Capture.status >= 400))
    run_captures = select(Capture.id).where(Capture.run_id == run_id)
    reports = session.scalar(
        select(func.count(distinct(ReportVersion.page_id))).where(ReportVersion.last_capture_id.in_(run_captures))
    )
    new_versions = session.scalar(select(func.count()).where(ReportVersion.capture_id.in_(run_captures)))
    run_versions = select(ReportVersion.id).where(ReportVersion.last_capture_id.in_(run_captures))
    infected = session.scalar(
        select(func.count(distinct(SpamFinding.version_id))).where(
            SpamFinding.version_id.in_(run_versions), SpamFinding.action != SUSPECTED
        )
    )
    suspected = session.scalar(
        select(func.count()).where(SpamFinding.version_id.in_(run_versions), SpamFinding.action == SUSPECTED)
    )
    events = dict(session.execute(
        select(Event.event, func.count()).where(Event.run_id == run_id).group_by(Event.event)
    ).all())
    files = session.scalars(
        select(Capture.warc_filename).distinct().where(Capture.run_id == run_id, Capture.warc_filename.is_not(None))
    ).all()
    return RunSummary(run, captures, failed, http_errors, reports, new_versions, infected, suspected, events, len(files))
