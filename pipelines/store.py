"""Item pipeline: clean, extract and store each report page (``pipelines.process``).

Thin Scrapy glue: it finds the crawl's archive through the extension named in
``GONGKAI_ARCHIVE_EXTENSION`` (so ``pipelines/`` never imports ``crawler/``), builds the cleaner's
site context once from what earlier runs stored, and hands each ``ReportPage`` to the processor.

A page where a replaced word could not be restored waits until the crawl runs dry; it is then
cleaned with a context built from every report stored so far (this run's included), so the
result does not depend on the order in which pages arrived.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.utils.misc import load_object

from archive.crawlarchive import CrawlArchive
from pipelines.items import ReportPage
from pipelines.process import CONTEXT_TEXTS, Outcome, ReportProcessor, site_context

logger = logging.getLogger(__name__)


class ReportStorePipeline:
    def __init__(self, crawler, *, context_texts: int = CONTEXT_TEXTS):
        self._crawler = crawler
        self._context_texts = context_texts
        self._processor: ReportProcessor | None = None
        self._deferred: list[ReportPage] = []

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler, context_texts=crawler.settings.getint("GONGKAI_CONTEXT_TEXTS", CONTEXT_TEXTS))
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    @property
    def processor(self) -> ReportProcessor:
        # Built on the first item: the archive opens on spider_opened, after pipelines open.
        if self._processor is None:
            extension = load_object(self._crawler.settings.get("GONGKAI_ARCHIVE_EXTENSION"))
            archive: CrawlArchive = self._crawler.get_extension(extension).archive
            with archive.sessions() as session:
                context = site_context(session, limit=self._context_texts)
            stats = self._crawler.stats
            self._processor = ReportProcessor(
                archive.sessions,
                run_id=archive.run_id,
                clock=archive.clock,
                context=context,
                write_metadata=archive.write_metadata,
                count=stats.inc_value,
            )
        return self._processor

    def process_item(self, item, spider=None):
        if not isinstance(item, ReportPage):
            return item
        stats = self._crawler.stats
        stats.inc_value("gongkai/reports")
        outcome = self.processor.process(item, defer=True)
        if outcome is Outcome.DEFERRED:
            self._deferred.append(item)
        self._count(outcome)
        return item

    def close_spider(self, spider=None) -> None:
        # Pipelines close before the spider_closed signal, so the archive is still open.
        self.spider_idle(spider)

    def spider_idle(self, spider=None) -> None:
        """Process the deferred pages with the whole site's context."""
        if not self._deferred:
            return
        pages, self._deferred = self._deferred, []
        processor = self.processor
        with processor.sessions() as session:
            processor.context = site_context(session, limit=self._context_texts)
        logger.info("cleaning %d deferred pages with the site's context", len(pages))
        for page in pages:
            self._count(processor.process(page))

    def _count(self, outcome: Outcome) -> None:
        stats = self._crawler.stats
        stats.inc_value(f"gongkai/versions/{outcome}")
        if outcome in (Outcome.NEW, Outcome.CHANGED):
            stats.inc_value("gongkai/versions/stored")
