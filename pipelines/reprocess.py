"""``gongkai reprocess``: re-run cleaning and extraction over what the WARC files hold.

No network: each report's latest archived payload is read back from its WARC record, decoded as
the crawl decoded it, and handed to the same processor the crawl uses. A new version is stored
only where the results change (an improved extractor needs no re-crawl). Links that only the
crawl knows (prev/next, attachments, column) are carried over from the latest version.
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
from archive.sql.engine import Session, Sessions
from archive.sql.latest import latest_version_ids
from archive.warc.reader import WarcReadError, read_record
from pipelines.decode import BodyDecodeError, decode_body
from pipelines.items import ReportPage
from pipelines.process import Outcome, ReportProcessor, site_context

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
    progress: Callable[[int, int], None] | None = None,
) -> ReprocessSummary:
    """Clean and extract every report's latest archived payload again, as the crawl does, with a
    site context of the ``context_texts`` latest clean texts (the crawl's
    ``GONGKAI_CONTEXT_TEXTS``); a new version only where the results change."""
    with sessions.begin() as session:
        run_id = crawls.add_run(session, started_at=clock(), status="running", site="reprocess",
                                software=software, start_urls=[])
    summary = ReprocessSummary(run_id=run_id)
    with sessions() as session:
        context = site_context(session, limit=context_texts)
        latest = latest_version_ids(session)
    processor = ReportProcessor(sessions, run_id=run_id, clock=clock, context=context)
    for done, version_id in enumerate(latest, start=1):
        with sessions() as session:
            page = _archived_page(session, version_id, warc_dir, summary)
        if page is not None:
            outcome = processor.process(page, force=True)
            summary.outcomes[str(outcome)] += 1
            summary.pages += 1
        if progress is not None:
            progress(done, len(latest))
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
            errors=len(summary.problems),
            stats={f"gongkai/reprocess/{k}": v for k, v in summary.outcomes.items()},
        )
    return summary


def _archived_page(session: Session, version_id: int, warc_dir: Path, summary: ReprocessSummary) -> ReportPage | None:
    version = queries.version_by_id(session, version_id)
    capture = crawls.payload_capture(session, queries.capture_by_id(session, version.last_capture_id))
    where = f"{capture.url} ({capture.warc_filename}@{capture.warc_offset})"
    try:
        record = read_record(warc_dir / capture.warc_filename, capture.warc_offset)
        encoding, html = decode_body(record.http_headers, record.payload or b"")
    except (WarcReadError, BodyDecodeError, OSError) as exc:
        summary.problems.append(f"{where}: {exc}")
        logger.warning("cannot reprocess %s: %s", where, exc)
        return None
    return ReportPage(
        url=capture.url,
        html=html,
        encoding=encoding,
        capture=CaptureInfo.from_capture(capture),
        column_id=version.column_id,
        column_name=version.column_name,
        via="reprocess",
        prev_url=version.prev_url,
        next_url=version.next_url,
        attachments=tuple(version.attachments or ()),
    )
