"""Run-level bookkeeping for nightly crawls: what to recheck, what vanished, what came back.

A report is *reachable* in a run when the crawl got to it through a listing or a 上一条/下一条
chain. Reports known from earlier runs but not reached are fetched once more at the end of the run
(``recheck``): a 404/410 or a redirect means ``removed``; a 200 means ``unlisted``. A report that
was removed or unlisted and is reachable again is ``reappeared``.
"""

from __future__ import annotations

from datetime import datetime

from archive.runs.events import EventKind
from archive.sql import crawls
from archive.sql.engine import Session
from archive.sql.models import Capture

VIA_RECHECK = "recheck"
REACHABLE_VIA = ("listing", "chain", "start")
GONE_STATUSES = (404, 410)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
STATE_EVENTS = ("new", "removed", "unlisted", "reappeared")


def finish_run_events(session: Session, run_ids: list[int], *, now: datetime) -> dict[str, int]:
    """Derive removed / unlisted / reappeared / fetch_failed events for the run; returns counts."""
    run_id = run_ids[0]
    counts = {k: 0 for k in ("removed", "unlisted", "reappeared", "fetch_failed")}
    # reports never archived yet count too, for fetch_failed only (their first fetch failed)
    known_ids = crawls.pages_with_versions(session)
    for capture, page in crawls.last_report_captures(session, run_ids):
        kind: EventKind | None = None
        if capture.status is None or capture.status >= 500:
            kind = EventKind.FETCH_FAILED
        elif page.id not in known_ids:
            continue
        else:
            # Two queries per known report: asked only when the answer matters (a first crawl,
            # or one without versions, has no known reports and asks nothing).
            state = crawls.last_state(session, page.id, STATE_EVENTS)
            if capture.status in GONE_STATUSES or capture.status in REDIRECT_STATUSES:
                kind = EventKind.REMOVED if state != "removed" else None
            elif not crawls.reached_via(session, run_ids, page.id, REACHABLE_VIA):
                kind = EventKind.UNLISTED if state not in ("unlisted",) else None
            elif state in ("removed", "unlisted"):
                kind = EventKind.REAPPEARED
        if kind is None:
            continue
        crawls.record_event(
            session,
            run_id=run_id,
            page_id=page.id,
            url=page.url,
            kind=kind,
            detected_at=now,
            capture_id=capture.id,
            previous_capture_id=crawls.previous_ok_capture(session, page.id, before=capture.id),
            summary=_summary(kind, capture),
        )
        counts[str(kind)] += 1
    return counts


def _summary(kind: EventKind, capture: Capture) -> str:
    if kind is EventKind.FETCH_FAILED:
        return capture.error or f"HTTP {capture.status}"
    if kind is EventKind.REMOVED:
        return f"HTTP {capture.status}"
    if kind is EventKind.UNLISTED:
        return "still served, no longer reachable from any listing or prev/next chain"
    return "reachable again"
