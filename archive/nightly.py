"""Run-level bookkeeping for nightly crawls: what to recheck, what vanished, what came back.

A report is *reachable* in a run when the crawl got to it through a listing or a 上一条/下一条
chain. Reports known from earlier runs but not reached are fetched once more at the end of the run
(``recheck``): a 404/410 or a redirect means ``removed``; a 200 means ``unlisted``. A report that
was removed or unlisted and is reachable again is ``reappeared``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from archive.events import EventKind, record_event
from archive.models import Capture, CrawlRun, Event, Page, ReportVersion

VIA_RECHECK = "recheck"
REACHABLE_VIA = ("listing", "chain", "start")
GONE_STATUSES = (404, 410)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
STATE_EVENTS = ("new", "removed", "unlisted", "reappeared")


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


def last_state(session: Session, page_id: int) -> str | None:
    """The page's latest state-changing event: new, removed, unlisted or reappeared."""
    return session.scalar(
        select(Event.event)
        .where(Event.page_id == page_id, Event.event.in_(STATE_EVENTS))
        .order_by(Event.detected_at.desc(), Event.id.desc())
        .limit(1)
    )


def finish_run_events(session: Session, run_ids: list[int], *, now: datetime) -> dict[str, int]:
    """Derive removed / unlisted / reappeared / fetch_failed events for the run; returns counts."""
    run_id = run_ids[0]
    counts = {k: 0 for k in ("removed", "unlisted", "reappeared", "fetch_failed")}
    known = select(ReportVersion.page_id).distinct()
    # reports never archived yet count too, for fetch_failed only (their first fetch failed)
    report_pages = select(Page.id).where(or_(Page.id.in_(known), Page.kind == "report"))
    known_ids = set(session.scalars(known))
    latest = (
        select(Capture.page_id, func.max(Capture.id).label("capture_id"))
        .where(Capture.run_id.in_(run_ids), Capture.page_id.in_(report_pages))
        .group_by(Capture.page_id)
        .subquery()
    )
    rows = session.execute(
        select(Capture, Page).join(latest, Capture.id == latest.c.capture_id).join(Page, Page.id == Capture.page_id)
    ).all()
    for capture, page in rows:
        kind: EventKind | None = None
        if capture.status is None or capture.status >= 500:
            kind = EventKind.FETCH_FAILED
        elif page.id not in known_ids:
            continue
        else:
            # Two queries per known report: asked only when the answer matters (a first crawl,
            # or one without versions, has no known reports and asks nothing).
            state = last_state(session, page.id)
            if capture.status in GONE_STATUSES or capture.status in REDIRECT_STATUSES:
                kind = EventKind.REMOVED if state != "removed" else None
            elif not _reached(session, run_ids, page.id):
                kind = EventKind.UNLISTED if state not in ("unlisted",) else None
            elif state in ("removed", "unlisted"):
                kind = EventKind.REAPPEARED
        if kind is None:
            continue
        previous = _previous_ok_capture(session, page.id, before=capture.id)
        record_event(
            session,
            run_id=run_id,
            page_id=page.id,
            url=page.url,
            kind=kind,
            detected_at=now,
            capture_id=capture.id,
            previous_capture_id=previous,
            summary=_summary(kind, capture),
        )
        counts[str(kind)] += 1
    return counts


def _reached(session: Session, run_ids: list[int], page_id: int) -> bool:
    return bool(
        session.scalar(
            select(func.count()).where(
                Capture.run_id.in_(run_ids),
                Capture.page_id == page_id,
                Capture.discovered_via.in_(REACHABLE_VIA),
            )
        )
    )


def _previous_ok_capture(session: Session, page_id: int, *, before: int) -> int | None:
    return session.scalar(
        select(func.max(Capture.id)).where(
            and_(Capture.page_id == page_id, Capture.id < before, Capture.status.in_((200, 304)))
        )
    )


def _summary(kind: EventKind, capture: Capture) -> str:
    if kind is EventKind.FETCH_FAILED:
        return capture.error or f"HTTP {capture.status}"
    if kind is EventKind.REMOVED:
        return f"HTTP {capture.status}"
    if kind is EventKind.UNLISTED:
        return "still served, no longer reachable from any listing or prev/next chain"
    return "reachable again"
