"""Item pipeline: every report page the crawl captures is cleaned, extracted and stored once the
crawl has fetched everything, with the whole site's evidence (``pipelines.siterun``).

Thin Scrapy glue. It finds the crawl's archive through the extension named in
``GONGKAI_ARCHIVE_EXTENSION`` (so ``pipelines/`` never imports ``crawler/``).

While the crawl fetches, a report page costs the crawl's process one look-up (is it new, or the
very bytes of its latest version?) and a hand-over: what the page teaches the site context is
read in a worker process (``GONGKAI_PROCESS_WORKERS``; "auto": one per core but one; ``0``:
here). The crawl never waits for cleaning, extraction or storing.

When the spider closes, the site context is built from every report page of the archive, and
the pages this run captured with new bytes are read back from their WARC records, cleaned and
extracted (in the workers and here) and stored in batches of ``GONGKAI_STORE_BATCH``. The result
is what ``gongkai reprocess`` gives on the same archive, whatever order the pages arrived in.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from scrapy.utils.misc import load_object

from archive.runs.crawlarchive import CrawlArchive
from pipelines.cleaning.site import site_text
from pipelines.items import ReportPage
from pipelines.pool import ProcessingPool, auto_workers
from pipelines.process import Outcome, ReportProcessor
from pipelines.siterun import PageReadError, Pending, SiteRun, SiteTexts, read_page, site_context_of

logger = logging.getLogger(__name__)


class ReportStorePipeline:
    def __init__(
        self,
        crawler,
        *,
        archive_extension: type,
        context_texts: int,
        workers: int = 0,
        batch_size: int = 20,
    ):
        self._crawler = crawler
        self._archive_extension = archive_extension
        self._context_texts = context_texts
        self._workers = workers
        self._batch_size = max(batch_size, 1)
        self._pool: ProcessingPool | None = None
        self._processor: ReportProcessor | None = None
        self._pending: list[Pending] = []
        self._texts = SiteTexts()
        self._reading: list[tuple[str, Future]] = []

    @classmethod
    def from_crawler(cls, crawler):
        # Defaults are crawler/settings.py's (the project settings every crawl loads); the archive
        # extension, built before any pipeline, has checked every gongkai setting.
        settings = crawler.settings
        return cls(
            crawler,
            archive_extension=load_object(settings.get("GONGKAI_ARCHIVE_EXTENSION")),
            context_texts=settings.getint("GONGKAI_CONTEXT_TEXTS"),
            workers=auto_workers(settings.get("GONGKAI_PROCESS_WORKERS")),
            batch_size=settings.getint("GONGKAI_STORE_BATCH"),
        )

    @property
    def archive(self) -> CrawlArchive:
        return self._crawler.get_extension(self._archive_extension).archive

    @property
    def processor(self) -> ReportProcessor:
        # Built on the first item: the archive opens on spider_opened, after pipelines open.
        if self._processor is None:
            archive = self.archive
            self._processor = ReportProcessor(
                archive.sessions,
                run_id=archive.run_id,
                clock=archive.clock,
                write_metadata=archive.write_metadata,
                count=self._crawler.stats.inc_value,
            )
            if self._workers:
                self._pool = ProcessingPool(self._workers)
        return self._processor

    def process_item(self, item, spider=None):
        if not isinstance(item, ReportPage):
            return item
        stats = self._crawler.stats
        stats.inc_value("gongkai/reports")
        found = self.processor.lookup(item)
        if isinstance(found, Outcome):
            stats.inc_value(f"gongkai/versions/{found}")
            return item
        self._pending.append(Pending.of(item, found))
        self._read(item)
        return item

    def _read(self, page: ReportPage) -> None:
        """What the page teaches the site context: read by a worker when there is one."""
        if self._pool is not None:
            try:
                self._reading.append((page.url, self._pool.site_text(page.html)))
                return
            except BrokenProcessPool:
                self._pool_died()
        self._texts.add(page.url, site_text(page.html))

    def close_spider(self, spider=None) -> None:
        # Pipelines close before the spider_closed signal, so the archive is still open.
        try:
            if self._pending:
                self._finish()
        finally:
            if self._pool is not None:
                self._pool.close()

    def _finish(self) -> None:
        """Everything is fetched: the site context, then every pending page with it."""
        for url, future in self._reading:
            try:
                self._texts.add(url, future.result())
            except BrokenProcessPool:
                self._pool_died()
            except Exception:  # noqa: BLE001 - a page the worker could not read is read here
                logger.exception("site text of %s", url)
            if url not in self._texts:
                page = next(p for p in self._pending if p.url == url)
                self._texts.add(url, _site_text_of(page, self.archive.warc_dir))
        self._reading.clear()
        archive = self.archive
        context = site_context_of(archive.sessions, archive.warc_dir, self._texts, max_texts=self._context_texts)
        logger.info(
            "cleaning %d report pages with the site's context (%d texts)",
            len(self._pending), context.n_texts if context else 0,
        )  # fmt: skip
        pool = self._pool
        if pool is not None:
            pool.set_context(context)
        run = SiteRun(
            self.processor,
            archive.warc_dir,
            context=context,
            submit=(lambda item, earlier: pool.process(item, archive.warc_dir, earlier)) if pool else None,
            workers=pool.workers if pool else 0,
            batch_size=self._batch_size,
            count=self._crawler.stats.inc_value,
        )
        pending, self._pending = self._pending, []
        run.run(pending)

    def _pool_died(self) -> None:
        logger.error("a worker process died: the crawl's own process reads and cleans from now on")
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


def _site_text_of(pending: Pending, warc_dir: Path) -> str:
    try:
        return site_text(read_page(pending, warc_dir).html)
    except PageReadError as exc:
        logger.warning("site text: %s", exc)
        return ""

