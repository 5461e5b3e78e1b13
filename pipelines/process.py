"""Clean, extract and store one report page: shared by the crawl's item pipeline and
``gongkai reprocess``. Glue only: the work is done by pure functions and ``archive.sql``.

Order of durability: the WARC ``metadata`` record carrying the spam findings is written (and
flushed) before the SQL transaction that stores the version commits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from archive.runs.events import version_events
from archive.runs.incremental import CaptureInfo
from archive.sql import writes as store
from archive.sql.crawls import record_event
from archive.sql.engine import Session, Sessions
from archive.sql.writes import VersionData
from pipelines.cleaning import CleanResult, SiteContext, clean_page, findings_to_json
from pipelines.extract import Extraction, extract_report
from pipelines.items import ReportPage

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = "gongkai-extract/1"
FINDINGS_CONTENT_TYPE = "application/vnd.gongkai.spam-findings+json"

WriteMetadata = Callable[..., Any]
CountStat = Callable[[str], None]


class Stored(Protocol):
    """What storing a version needs of the page it came from (a ``ReportPage`` or a
    ``siterun.Pending``): its URL and its capture."""

    url: str
    capture: CaptureInfo


class Outcome(StrEnum):
    NEW = "new"  # first version of the page
    CHANGED = "changed"  # a new version
    UNCHANGED = "unchanged"  # cleaned and extracted, same result as the latest version
    SAME_PAYLOAD = "same_payload"  # same bytes as the latest version's capture: not re-processed


class ReportProcessor:
    """Looks pages up before they are processed and stores what processing made of them (the
    processing itself is ``process_page``, pure, and ``pipelines.siterun`` drives the lot)."""

    def __init__(
        self,
        sessions: Sessions,
        *,
        run_id: int,
        clock: Callable[[], datetime],
        write_metadata: WriteMetadata | None = None,
        count: CountStat | None = None,
    ):
        self.sessions = sessions
        self.run_id = run_id
        self.clock = clock
        self.write_metadata = write_metadata
        self.count = count or (lambda name: None)

    def lookup(self, page: ReportPage) -> int | Outcome:
        """The page's row id; ``SAME_PAYLOAD`` when its bytes are those of its latest version."""
        with self.sessions.begin() as session:
            page_id = page.capture.page_id
            if page_id is None or not page.capture.page_is_report:
                # reached as a start URL or read back from an older capture: make it a report page
                page_id = store.get_or_create_page(session, page.url, "report", page.capture.fetched_at)
            if page.capture.payload_digest:
                # the common nightly case, answered without loading the version's texts
                last = store.latest_payload_digest(session, page_id)
                if last is not None and page.capture.payload_digest in last[1]:
                    store.mark_seen_again(session, last[0], page.capture.capture_id)
                    return Outcome.SAME_PAYLOAD
        return page_id

    def store(self, page: Stored, page_id: int, processed: Processed) -> Outcome:
        """Write the findings' WARC record, then the version and its events in one transaction."""
        return self.store_many([(page, page_id, processed)])[0]

    def store_many(self, batch: Sequence[tuple[Stored, int, Processed]]) -> list[Outcome | None]:
        """``store`` for several pages, in one transaction (one commit, one search-index flush).

        If that transaction fails, each page is tried again in a transaction of its own, so a
        bad page costs only its own version: its outcome is None and its error is logged. (A
        batch of one raises the error instead.)
        """
        for page, _page_id, processed in batch:
            if processed.metadata is not None and page.capture.warc_record_id and self.write_metadata is not None:
                self.write_metadata(
                    url=page.url,
                    refers_to=page.capture.warc_record_id,
                    payload=processed.metadata,
                    content_type=FINDINGS_CONTENT_TYPE,
                )
        try:
            with self.sessions.begin() as session:
                results: list[tuple[Outcome, list[str]] | None] = [self._save(session, *entry) for entry in batch]
        except Exception:
            if len(batch) == 1:
                raise
            logger.warning("storing %d pages together failed: storing them one by one", len(batch))
            results = []
            for entry in batch:
                try:
                    with self.sessions.begin() as session:
                        results.append(self._save(session, *entry))
                except Exception:  # noqa: BLE001 - one page's failure must not lose the others
                    logger.exception("cannot store %s", entry[0].url)
                    results.append(None)
        self._count_stored(batch, results)
        return [result[0] if result is not None else None for result in results]

    def _save(self, session: Session, page: Stored, page_id: int, processed: Processed) -> tuple[Outcome, list[str]]:
        now = self.clock()
        version, previous = store.save_version(
            session,
            page_id=page_id,
            capture_id=page.capture.capture_id,
            data=processed.data,
            created_at=now,
            extractor_version=EXTRACTOR_VERSION,
        )
        if previous is version:
            return Outcome.UNCHANGED, []
        kinds = []
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
            kinds.append(str(kind))
        return (Outcome.NEW if previous is None else Outcome.CHANGED), kinds

    def _count_stored(self, batch, results) -> None:
        for (_page, _page_id, processed), result in zip(batch, results):
            if result is None:
                continue
            for kind in result[1]:
                self.count(f"gongkai/events/{kind}")
            if processed.actions:
                self.count("gongkai/spam/pages")
                for action in processed.actions:
                    self.count(f"gongkai/spam/{action}")


@dataclass(frozen=True, slots=True)
class Processed:
    """What cleaning and extraction made of one page, ready to store (picklable)."""

    data: VersionData
    actions: tuple[str, ...]  # one per spam finding, for the crawl's counts
    metadata: bytes | None  # the findings as a WARC metadata payload; None without findings


def process_page(page: ReportPage, context: SiteContext | None) -> Processed:
    """Clean and extract ``page`` (pure: no database, no WARC). ``context`` is the site's, seen
    from this page (``SiteContext.for_page``: without its own text, with its other captures)."""
    cleaned = clean_page(page.html, url=page.url, context=context)
    extraction = extract_report(cleaned.clean_html, url=page.url, column_name=page.column_name)
    return Processed(
        data=version_data(page, cleaned, extraction),
        actions=tuple(str(f.action) for f in cleaned.findings),
        metadata=findings_payload(page.url, cleaned) if cleaned.findings else None,
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
        "unit": extraction.unit,
        "unit_kind": extraction.unit_kind,
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
