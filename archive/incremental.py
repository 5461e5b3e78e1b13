"""What earlier captures tell a new one: validators for conditional requests, digests for
revisit records, and the crashed run a new run resumes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.sql.models import Capture, CrawlRun


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


def captured_in(session: Session, url: str, run_ids: list[int]) -> Capture | None:
    """A successful capture (200 or 304) of ``url`` in one of ``run_ids``, newest first."""
    return session.scalars(
        select(Capture)
        .where(Capture.url == url, Capture.run_id.in_(run_ids), Capture.status.in_((200, 304)))
        .order_by(Capture.id.desc())
        .limit(1)
    ).first()


def payload_capture(session: Session, capture: Capture) -> Capture:
    """The capture whose record holds ``capture``'s payload (itself, or what a revisit refers to)."""
    seen = 0
    while capture.record_type == "revisit" and capture.refers_to_capture_id and seen < 100:
        capture = session.get(Capture, capture.refers_to_capture_id)
        seen += 1
    return capture


def crashed_run(session: Session, *, data_dir: str, worker_id: str | None) -> CrawlRun | None:
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
