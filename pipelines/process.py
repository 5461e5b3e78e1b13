"""Clean, extract and store one report page: shared by the crawl's item pipeline and
``gongkai reprocess``. Glue only: the work is done by pure functions and ``archive.store``.

Order of durability: the WARC ``metadata`` record carrying the spam findings is written (and
flushed) before the SQL transaction that stores the version commits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from archive import store
from archive.events import record_event, version_events
from archive.models import ReportVersion
from archive.store import VersionData
from pipelines.cleaning import Action, CleanResult, FindingKind, SiteContext, clean_page, findings_to_json
from pipelines.extract import Extraction, extract_report
from pipelines.items import ReportPage

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = "gongkai-extract/1"
FINDINGS_CONTENT_TYPE = "application/vnd.gongkai.spam-findings+json"
#: How many of the site's latest clean texts teach the cleaner which word fits a slot.
CONTEXT_TEXTS = 3000

WriteMetadata = Callable[..., Any]
CountStat = Callable[[str], None]


class Outcome(StrEnum):
    NEW = "new"  # first version of the page
    CHANGED = "changed"  # a new version
    UNCHANGED = "unchanged"  # cleaned and extracted, same result as the latest version
    SAME_PAYLOAD = "same_payload"  # same bytes as the latest version's capture: not re-processed
    DEFERRED = "deferred"  # a replaced word could not be restored yet: retry with more context


def site_context(session: Session, *, limit: int = CONTEXT_TEXTS) -> SiteContext | None:
    """The site's latest clean texts, as the cleaner's context; None for an empty archive.

    Built once per run from what earlier runs stored, so a run's results do not depend on the
    order in which pages arrive.
    """
    newest = (
        select(ReportVersion.page_id, func.max(ReportVersion.version_no).label("n"))
        .group_by(ReportVersion.page_id)
        .subquery()
    )
    texts = session.scalars(
        select(ReportVersion.clean_text)
        .join(newest, (ReportVersion.page_id == newest.c.page_id) & (ReportVersion.version_no == newest.c.n))
        .order_by(ReportVersion.id.desc())
        .limit(limit)
    ).all()
    return SiteContext.from_texts(texts) if texts else None


class ReportProcessor:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        run_id: int,
        clock: Callable[[], datetime],
        context: SiteContext | None,
        write_metadata: WriteMetadata | None = None,
        count: CountStat | None = None,
    ):
        self.sessions = sessions
        self.run_id = run_id
        self.clock = clock
        self.context = context
        self.write_metadata = write_metadata
        self.count = count or (lambda name: None)

    def process(self, page: ReportPage, *, force: bool = False, defer: bool = False) -> Outcome:
        """Store ``page`` as a new version when its cleaned content or fields changed.

        With ``defer``, a page where a replaced word could not be restored is not stored:
        the caller retries it once the rest of the site has taught the cleaner more context.
        """
        with self.sessions.begin() as session:
            page_id = page.capture.page_id
            if page_id is None or not page.capture.page_is_report:
                # reached as a start URL or read back from an older capture: make it a report page
                page_id = store.get_or_create_page(session, page.url, "report", page.capture.fetched_at)
            if not force and page.capture.payload_digest:
                # the common nightly case, answered without loading the version's texts
                last = store.latest_payload_digest(session, page_id)
                if last is not None and last[1] == page.capture.payload_digest:
                    store.mark_seen_again(session, last[0], page.capture.capture_id)
                    return Outcome.SAME_PAYLOAD
            latest = store.latest_version(session, page_id)
            earlier = [latest.clean_text] if latest is not None else []
        context = self.context
        if earlier:
            context = (context or SiteContext.from_texts(())).with_captures(earlier)
        cleaned = clean_page(page.html, url=page.url, context=context)
        if defer and has_unrestored(cleaned):
            return Outcome.DEFERRED
        extraction = extract_report(cleaned.clean_html, url=page.url, column_name=page.column_name)
        data = version_data(page, cleaned, extraction)
        if cleaned.findings and page.capture.warc_record_id and self.write_metadata is not None:
            self.write_metadata(
                url=page.url,
                refers_to=page.capture.warc_record_id,
                payload=findings_payload(page.url, cleaned),
                content_type=FINDINGS_CONTENT_TYPE,
            )
        now = self.clock()
        with self.sessions.begin() as session:
            version, previous = store.save_version(
                session,
                page_id=page_id,
                capture_id=page.capture.capture_id,
                data=data,
                created_at=now,
                extractor_version=EXTRACTOR_VERSION,
            )
            if previous is version:
                outcome = Outcome.UNCHANGED
            else:
                outcome = Outcome.NEW if previous is None else Outcome.CHANGED
                for kind, summary in version_events(previous, version):
                    record_event(
                        session,
                        run_id=self.run_id,
                        page_id=page_id,
                        url=page.url,
                        kind=kind,
                        detected_at=now,
                        capture_id=page.capture.capture_id,
                        previous_capture_id=previous.last_capture_id if previous else None,
                        version_id=version.id,
                        summary=summary,
                    )
                    self.count(f"gongkai/events/{kind}")
        if cleaned.findings:
            self.count("gongkai/spam/pages")
            for finding in cleaned.findings:
                self.count(f"gongkai/spam/{finding.action}")
        return outcome


def has_unrestored(cleaned: CleanResult) -> bool:
    """Whether cleaning removed a replaced word it could not restore."""
    return any(
        f.kind == FindingKind.REPLACED_WORD and f.action == Action.REMOVED for f in cleaned.findings
    )


def findings_payload(url: str, cleaned: CleanResult) -> bytes:
    return json.dumps(
        {"url": url, "findings": findings_to_json(cleaned.findings)}, ensure_ascii=False, indent=1
    ).encode("utf-8")


def version_data(item: ReportPage, cleaned: CleanResult, extraction: Extraction) -> VersionData:
    """The row values of a report version, from a page, its cleaning and its extraction."""
    fields: dict[str, Any] = {
        "encoding": item.encoding,
        "column_id": item.column_id,
        "column_name": item.column_name,
        "title": extraction.title,
        "visible_title": extraction.visible_title,
        "township": extraction.township,
        "report_year": extraction.report_year,
        "published_date": extraction.published_date,
        "published_at": extraction.published_at,
        "source": extraction.source,
        "issuer": extraction.issuer,
        "index_no": extraction.index_no,
        "doc_no": extraction.doc_no,
        "period_start": extraction.period_start,
        "period_end": extraction.period_end,
        "prev_url": item.prev_url,
        "next_url": item.next_url,
        "attachments": list(item.attachments),
        "raw_text": cleaned.raw_text,
        "clean_text": cleaned.clean_text,
        "provenance": {name: asdict(p) for name, p in extraction.provenance.items()},
        "conflicts": list(extraction.conflicts),
    }
    statistics = [
        {
            "metric": row.metric,
            "value": float(row.value),
            "unit": row.unit,
            "qualifier": row.qualifier,
            "section": row.section,
            "template": row.template,
        }
        for row in extraction.statistics
    ]
    return VersionData(fields=fields, findings=findings_to_json(cleaned.findings), statistics=statistics)
