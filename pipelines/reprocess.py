"""``gongkai reprocess``: re-run cleaning and extraction over what the WARC files hold.

No network: the site context is built from every report's latest archived payload, and each of
those payloads is read back, decoded as the crawl decoded it, cleaned with that context,
extracted and stored by the very code the crawl ends with (``pipelines.siterun``), so a
reprocess of an unchanged archive changes nothing a crawl stored. A new version is stored only
where the results change (an improved cleaner or extractor needs no re-crawl). Links that only
the crawl knows (prev/next, attachments, column) are carried over from the latest version.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from archive.runs.incremental import CaptureInfo
from archive.sql import crawls, queries
from archive.sql.engine import Sessions
from archive.sql.latest import latest_payloads
from pipelines.pool import ProcessingPool
from pipelines.process import Outcome, ReportProcessor
from pipelines.siterun import Pending, SiteRun, SiteTexts, site_context_of

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ReprocessSummary:
    run_id: int
    pages: int = 0
    outcomes: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def reprocess(
    sessions: Sessions,
    warc_dir: Path,
    *,
    clock: Callable[[], datetime],
    software: str,
    context_texts: int,
    workers: int = 0,
    batch_size: int = 20,
    progress: Callable[[int, int], None] | None = None,
) -> ReprocessSummary:
    """Clean and extract every report's latest archived payload again with the site context of
    the whole archive (``context_texts``: the crawl's ``GONGKAI_CONTEXT_TEXTS``), in ``workers``
    worker processes besides this one; a new version only where the results change."""
    with sessions.begin() as session:
        run_id = crawls.add_run(session, started_at=clock(), status="running", site="reprocess",
                                software=software, start_urls=[])
    summary = ReprocessSummary(run_id=run_id)
    pending = _pending(sessions)
    context = site_context_of(sessions, warc_dir, SiteTexts(), max_texts=context_texts)
    processor = ReportProcessor(sessions, run_id=run_id, clock=clock)
    pool = ProcessingPool(workers) if workers else None
    try:
        if pool is not None:
            pool.set_context(context)
        run = SiteRun(
            processor,
            warc_dir,
            context=context,
            submit=(lambda item, earlier: pool.process(item, warc_dir, earlier)) if pool else None,
            workers=workers,
            batch_size=batch_size,
            count=lambda name: None,
        )
        outcomes = run.run(pending, progress)
    finally:
        if pool is not None:
            pool.close()
    summary.pages = len(pending) - outcomes["failed"]
    summary.outcomes.update({k: v for k, v in outcomes.items() if k != "failed"})
    if outcomes["failed"]:
        summary.problems.append(f"{outcomes['failed']} report pages could not be read back or cleaned (see the log)")
    with sessions.begin() as session:
        crawls.update_run(
            session,
            run_id,
            status="finished",
            finish_reason="reprocess",
            finished_at=clock(),
            reports_seen=summary.pages,
            versions_new=summary.outcomes[Outcome.NEW] + summary.outcomes[Outcome.CHANGED],
            reports_changed=summary.outcomes[Outcome.CHANGED],
            errors=outcomes["failed"],
            stats={f"gongkai/reprocess/{k}": v for k, v in summary.outcomes.items()},
        )
    return summary


def _pending(sessions: Sessions) -> list[Pending]:
    """Every report's latest archived payload, with what its latest version knew of its links."""
    out = []
    with sessions() as session:
        for payload in latest_payloads(session):
            version = queries.version_by_id(session, payload.version_id)
            # the version's last capture: storing an unchanged result must not move it back in time
            capture = queries.capture_by_id(session, payload.last_capture_id)
            out.append(Pending(
                url=payload.url, page_id=payload.page_id, capture=CaptureInfo.from_capture(capture),
                column_id=version.column_id, column_name=version.column_name, via="reprocess",
                prev_url=version.prev_url, next_url=version.next_url,
                attachments=tuple(version.attachments or ()),
            ))  # fmt: skip
    return out
