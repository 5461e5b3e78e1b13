"""What earlier captures tell a new one: validators for conditional requests, digests for
revisit records, the crashed run a new run resumes, and WARC files to repair after a crash."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Capture, CrawlRun
from archive.warcread import RepairResult, WarcRepairError, repair_tail

logger = logging.getLogger(__name__)

WARC_GLOB = "*.warc.gz"
#: Files touched this long before a crashed run started are checked too (clock skew, rotation).
REPAIR_SLACK = timedelta(minutes=5)


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
    """Every URL with a capture that ``latest_full_capture`` could return (one query at open)."""
    stmt = select(Capture.url).where(Capture.status == 200, Capture.record_type == "response").distinct()
    return set(session.scalars(stmt))


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


def repair_warc_files(warc_dir: Path, *, since: datetime) -> list[RepairResult]:
    """Cut partial trailing records off WARC files written since ``since``; the cut bytes are
    moved aside to ``<file>.damaged-<offset>``, never deleted."""
    results: list[RepairResult] = []
    threshold = (since - REPAIR_SLACK).timestamp()
    for path in sorted(Path(warc_dir).glob(WARC_GLOB)):
        if path.stat().st_mtime < threshold:
            continue
        try:
            result = repair_tail(path)
        except WarcRepairError as exc:
            logger.error("WARC file %s is damaged mid-file and was left as it is: %s", path, exc)
            continue
        if result is not None:
            logger.warning(
                "repaired %s: cut at %d, %d damaged bytes moved to %s",
                path.name, result.truncated_to, result.damaged_bytes, result.damaged_path,
            )
            results.append(result)
    return results


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
