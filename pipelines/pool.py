"""Cleaning and extraction in worker processes, so that one crawl uses more than one core.

``process_page`` is pure (page, site context and earlier texts in; version data out), which is
what lets it run elsewhere: the crawl's process keeps the network, the WARC files and the
database, and only a page and its earlier texts cross to a worker, and only the finished row
values come back. The site context crosses once per pool, as the workers start.

Workers are started with ``spawn``: forking a process that runs a reactor, a database pool and
threads would copy their state into the child.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from pipelines.cleaning import SiteContext
from pipelines.items import ReportPage
from pipelines.process import Processed, process_page

logger = logging.getLogger(__name__)

#: The context of this worker process, set once by the pool's initializer.
_context: SiteContext | None = None


def auto_workers(setting: str | int | None) -> int:
    """Worker processes for a ``GONGKAI_PROCESS_WORKERS`` value: "auto" leaves one core to the crawl."""
    if setting in (None, "", "auto"):
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return max(cores - 1, 0)
    try:
        workers = int(setting)
    except ValueError:
        raise ValueError(f"GONGKAI_PROCESS_WORKERS must be 'auto' or a whole number, not {setting!r}") from None
    if workers < 0:
        raise ValueError(f"GONGKAI_PROCESS_WORKERS must not be negative, not {workers}")
    return workers


def _start(context: SiteContext | None) -> None:
    global _context
    _context = context


def _run(page: ReportPage, earlier: Sequence[str], defer: bool) -> Processed | None:
    return process_page(page, _context, earlier, defer=defer)


class ProcessingPool:
    """``workers`` processes that run ``process_page`` with one site context."""

    def __init__(self, workers: int, context: SiteContext | None):
        if workers < 1:
            raise ValueError("a processing pool needs at least one worker")
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(context,),
        )

    def submit(self, page: ReportPage, earlier: Sequence[str], *, defer: bool) -> Future[Processed | None]:
        return self._executor.submit(_run, page, tuple(earlier), defer)

    def map(self, jobs: Sequence[tuple[ReportPage, Sequence[str]]]) -> Iterator[Processed | None]:
        """``process_page`` (not deferring) over ``jobs``, results in the order of the jobs."""
        pages, earlier = zip(*jobs) if jobs else ((), ())
        return self._executor.map(_run, pages, earlier, [False] * len(pages), chunksize=4)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
