"""Item pipeline: clean, extract and store each report page. Thin glue over pure functions.

For every ``ReportPage``: ``clean_page`` (spam out, replaced words restored), ``extract_report``
(fields, statistics, provenance), a WARC ``metadata`` record with the findings that refers to the
response record (written and flushed first), then one SQL transaction that stores a new report
version only when its content differs from the latest.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import Any

from scrapy.utils.misc import load_object

from archive import store
from archive.crawlarchive import CrawlArchive
from archive.events import record_event, version_events
from archive.store import VersionData
from pipelines.cleaning import CleanResult, SiteContext, clean_page, findings_to_json
from pipelines.extract import Extraction, extract_report
from pipelines.items import ReportPage

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = "gongkai-extract/1"
FINDINGS_CONTENT_TYPE = "application/vnd.gongkai.spam-findings+json"
CONTEXT_TEXTS_LIMIT = 5000


class ReportStorePipeline:
    """Stores ``ReportPage`` items through the crawl's ArchiveExtension."""

    def __init__(self, crawler, *, context_limit: int = CONTEXT_TEXTS_LIMIT):
        self._crawler = crawler
        self._archive = None
        self._context_limit = context_limit
        self._texts: list[str] = []
        self._context: SiteContext | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, context_limit=crawler.settings.getint("GONGKAI_CONTEXT_TEXTS", CONTEXT_TEXTS_LIMIT))

    @property
    def archive(self) -> CrawlArchive:
        """The crawl's archive, held by the extension named in ``GONGKAI_ARCHIVE_EXTENSION``."""
        if self._archive is None:
            extension = load_object(self._crawler.settings.get("GONGKAI_ARCHIVE_EXTENSION"))
            self._archive = self._crawler.get_extension(extension).archive
        return self._archive

    def open_spider(self, spider=None) -> None:
        self._texts = []
        self._context = None

    def process_item(self, item, spider=None):
        if not isinstance(item, ReportPage):
            return item
        stats = self._crawler.stats
        stats.inc_value("gongkai/reports")
        archive = self.archive
        if self._unchanged_payload(item):
            stats.inc_value("gongkai/versions/unchanged")
            stats.inc_value("gongkai/versions/same_payload")
            return item
        cleaned = clean_page(item.html, url=item.url, context=self._site_context())
        extraction = extract_report(cleaned.clean_html, url=item.url, column_name=item.column_name)
        data = version_data(item, cleaned, extraction)
        if cleaned.findings and item.capture.warc_record_id:
            archive.write_metadata(
                url=item.url,
                refers_to=item.capture.warc_record_id,
                payload=json.dumps(
                    {"url": item.url, "findings": findings_to_json(cleaned.findings)},
                    ensure_ascii=False,
                    indent=1,
                ).encode("utf-8"),
                content_type=FINDINGS_CONTENT_TYPE,
            )
        now = archive.clock()
        with archive.sessions.begin() as session:
            page_id = store.get_or_create_page(session, item.url, "report", item.capture.fetched_at)
            version, previous = store.save_version(
                session,
                page_id=page_id,
                capture_id=item.capture.capture_id,
                data=data,
                created_at=now,
                extractor_version=EXTRACTOR_VERSION,
            )
            created = previous is not version
            if created:
                for kind, summary in version_events(previous, version):
                    record_event(
                        session,
                        run_id=archive.run_id,
                        page_id=page_id,
                        url=item.url,
                        kind=kind,
                        detected_at=now,
                        capture_id=item.capture.capture_id,
                        previous_capture_id=previous.last_capture_id if previous else None,
                        version_id=version.id,
                        summary=summary,
                    )
                    stats.inc_value(f"gongkai/events/{kind}")
        stats.inc_value("gongkai/versions/new" if created else "gongkai/versions/unchanged")
        if cleaned.findings:
            stats.inc_value("gongkai/spam/pages")
            for finding in cleaned.findings:
                stats.inc_value(f"gongkai/spam/{finding.action}")
        self._remember(cleaned.clean_text)
        return item

    def _unchanged_payload(self, item: ReportPage) -> bool:
        """The same bytes as the capture of the latest version: cleaning and extraction would
        only repeat themselves (or drift with the site context), so the version stays as it is."""
        digest = item.capture.payload_digest
        if not digest:
            return False
        with self.archive.sessions.begin() as session:
            page_id = store.get_or_create_page(session, item.url, "report", item.capture.fetched_at)
            if store.latest_payload_digest(session, page_id) != digest:
                return False
            store.touch_latest(session, page_id, item.capture.capture_id)
        return True

    def _site_context(self) -> SiteContext | None:
        if self._context is None and self._texts:
            self._context = SiteContext.from_texts(self._texts)
        return self._context

    def _remember(self, clean_text: str) -> None:
        if len(self._texts) < self._context_limit:
            self._texts.append(clean_text)
            self._context = None


def version_data(item: ReportPage, cleaned: CleanResult, extraction: Extraction) -> VersionData:
    """The row values of a report version, from a page, its cleaning and its extraction."""
    fields: dict[str, Any] = {
        "encoding": item.encoding,
        "column_id": item.column_id,
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
    findings = findings_to_json(cleaned.findings)
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
    return VersionData(fields=fields, findings=findings, statistics=statistics)
