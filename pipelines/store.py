"""Item pipeline: clean, extract and store each report page (``pipelines.process``).

Thin Scrapy glue: it finds the crawl's archive through the extension named in
``GONGKAI_ARCHIVE_EXTENSION`` (so ``pipelines/`` never imports ``crawler/``), builds the cleaner's
site context once from what earlier runs stored, and hands each ``ReportPage`` to the processor.

Cleaning and extraction (pure) run in ``GONGKAI_PROCESS_WORKERS`` worker processes
(``pipelines.pool``; "auto": one per core but one) while the crawl's process goes on fetching;
the database lookups before them and the stores after them stay in the crawl's process, one
page at a time. ``0`` cleans in the crawl's process.

A page where a replaced word could not be restored waits until the crawl runs dry; it is then
cleaned with a context built from every report stored so far (this run's included), so the
result does not depend on the order in which pages arrived.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals
from scrapy.utils.misc import load_object

from archive.runs.crawlarchive import CrawlArchive
from pipelines.cleaning import SiteContext
from pipelines.items import ReportPage
from pipelines.pool import ProcessingPool, auto_workers
from pipelines.process import Lookup, Outcome, Processed, ReportProcessor, process_page, site_context

logger = logging.getLogger(__name__)


class ReportStorePipeline:
    def __init__(
        self,
        crawler,
        *,
        archive_extension: type,
        context_texts: int,
        workers: int = 0,
        batch_size: int = 1,
        batch_seconds: float = 1.0,
    ):
        self._crawler = crawler
        self._archive_extension = archive_extension
        self._context_texts = context_texts
        self._workers = workers
        self._batch_size = max(batch_size, 1)
        self._batch_seconds = batch_seconds
        self._batch: list[tuple[ReportPage, int, Processed]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._pool: ProcessingPool | None = None
        self._processor: ReportProcessor | None = None
        self._deferred: list[ReportPage] = []

    @classmethod
    def from_crawler(cls, crawler):
        # Defaults are crawler/settings.py's (the project settings every crawl loads); the archive
        # extension, built before any pipeline, has checked every gongkai setting.
        settings = crawler.settings
        pipeline = cls(
            crawler,
            archive_extension=load_object(settings.get("GONGKAI_ARCHIVE_EXTENSION")),
            context_texts=settings.getint("GONGKAI_CONTEXT_TEXTS"),
            workers=auto_workers(settings.get("GONGKAI_PROCESS_WORKERS")),
            batch_size=settings.getint("GONGKAI_STORE_BATCH"),
            batch_seconds=settings.getfloat("GONGKAI_STORE_BATCH_SECONDS"),
        )
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    @property
    def processor(self) -> ReportProcessor:
        # Built on the first item: the archive opens on spider_opened, after pipelines open.
        if self._processor is None:
            archive: CrawlArchive = self._crawler.get_extension(self._archive_extension).archive
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
            self._start_pool(self._workers)
        return self._processor

    async def process_item(self, item, spider=None):
        if not isinstance(item, ReportPage):
            return item
        self._crawler.stats.inc_value("gongkai/reports")
        processor = self.processor
        found = processor.lookup(item)
        if isinstance(found, Outcome):
            self._count(found)
            return item
        processed = await self._compute(item, found)
        if processed is None:
            self._deferred.append(item)
            self._count(Outcome.DEFERRED)
        else:
            self._queue_store(item, found.page_id, processed)
        return item

    def _queue_store(self, page: ReportPage, page_id: int, processed: Processed) -> None:
        """Store in batches of ``GONGKAI_STORE_BATCH`` pages, none waiting longer than
        ``GONGKAI_STORE_BATCH_SECONDS``: one commit (and one search-index flush) per batch."""
        self._batch.append((page, page_id, processed))
        if len(self._batch) >= self._batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._batch_seconds, self._flush)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            outcomes = self.processor.store_many(batch)
        except Exception:  # a batch of one: logged like an item pipeline error, the crawl goes on
            logger.exception("cannot store %s", batch[0][0].url)
            outcomes = [None]
        for outcome in outcomes:
            if outcome is None:
                self._crawler.stats.inc_value("gongkai/versions/failed")
            else:
                self._count(outcome)

    async def _compute(self, page: ReportPage, found: Lookup) -> Processed | None:
        if self._pool is not None:
            try:
                return await asyncio.wrap_future(self._pool.submit(page, found.earlier, defer=True))
            except BrokenProcessPool:
                logger.error("a cleaning worker process died: cleaning in the crawl's own process from now on")
                self._stop_pool()
        return process_page(page, self.processor.context, found.earlier, defer=True)

    def close_spider(self, spider=None) -> None:
        # Pipelines close before the spider_closed signal, so the archive is still open.
        try:
            self.spider_idle(spider)
            self._flush()
        finally:
            self._stop_pool()

    def spider_idle(self, spider=None) -> None:
        """Store what waits in the batch; process the deferred pages with the whole site's context."""
        self._flush()
        if not self._deferred:
            return
        pages, self._deferred = self._deferred, []
        processor = self.processor
        with processor.sessions() as session:
            processor.context = site_context(session, limit=self._context_texts)
        logger.info("cleaning %d deferred pages with the site's context", len(pages))
        jobs: list[tuple[ReportPage, Lookup]] = []
        for page in pages:
            found = processor.lookup(page)
            if isinstance(found, Outcome):
                self._count(found)
            else:
                jobs.append((page, found))
        if self._pool is not None:
            self._pool.set_context(processor.context)
        for (page, found), processed in zip(jobs, self._process_all(jobs)):
            if processed is None:
                self._crawler.stats.inc_value("gongkai/versions/failed")
            else:
                self._queue_store(page, found.page_id, processed)
        self._flush()

    def _process_all(self, jobs: list[tuple[ReportPage, Lookup]]) -> Iterator[Processed | None]:
        """``process_page`` over ``jobs`` (not deferring), in order; None where it failed.

        Nothing else is in flight while the crawl is idle, so this process takes every
        (workers + 1)-th job itself.
        """
        context = self.processor.context
        pool = self._pool
        share = pool.workers + 1 if pool is not None else 1
        # A few jobs ahead only: finished results wait here until their turn, ~50 KB each.
        ahead = 4 * share
        futures: dict[int, Future] = {}
        submitted = 0
        for i, (page, found) in enumerate(jobs):
            while pool is not None and submitted < min(i + ahead, len(jobs)):
                if submitted % share != share - 1:
                    try:
                        futures[submitted] = pool.submit(jobs[submitted][0], jobs[submitted][1].earlier, defer=False)
                    except BrokenProcessPool:
                        pool = None  # the rest is cleaned here
                        break
                submitted += 1
            yield _result(futures.pop(i, None), page, context, found.earlier)

    def _start_pool(self, workers: int) -> None:
        if workers:
            self._pool = ProcessingPool(workers, self.processor.context)

    def _stop_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _count(self, outcome: Outcome) -> None:
        stats = self._crawler.stats
        stats.inc_value(f"gongkai/versions/{outcome}")
        if outcome in (Outcome.NEW, Outcome.CHANGED):
            stats.inc_value("gongkai/versions/stored")


def _result(
    future: Future | None, page: ReportPage, context: SiteContext | None, earlier: Sequence[str]
) -> Processed | None:
    """The worker's result for ``page``, or this process's own when there is no worker (any
    more); None, logged, when cleaning it fails: one page's failure must not cost the others."""
    try:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                logger.error("a cleaning worker process died: cleaning %s here", page.url)
        return process_page(page, context, earlier)
    except Exception:
        logger.exception("cannot clean %s", page.url)
        return None
