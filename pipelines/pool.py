"""Reading and cleaning report pages in worker processes, so that one crawl uses more than one core.

Two kinds of job, both pure apart from reading WARC files (``pipelines.siterun``):

* ``site_text``: while the crawl fetches, what a page teaches the site context (its HTML in,
  one string out);
* ``process``: once the site context is known, one pending page read back from its WARC record,
  cleaned and extracted (where it is archived in, the finished row values out).

The site context (up to 2 M characters) does not travel with each job. The pool writes it to a
file (``set_context``) and each job names that file; a worker reads a file once and keeps it.

Workers are started with ``spawn``: forking a process that runs a reactor, a database pool and
threads would copy their state into the child.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from pipelines.cleaning import SiteContext
from pipelines.cleaning.site import site_text
from pipelines.process import Processed
from pipelines.siterun import Pending, process_pending

#: In a worker process: the context file last read, and its context.
_loaded: tuple[str | None, SiteContext | None] = (None, None)


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


def _context_at(path: str | None) -> SiteContext | None:
    global _loaded
    if path is None:
        return None
    if _loaded[0] != path:
        with open(path, "rb") as fh:
            corpus, n_texts, starts, keys = pickle.load(fh)
        _loaded = (path, SiteContext(corpus=corpus, n_texts=n_texts, starts=starts, keys=keys))
    return _loaded[1]


def _process(pending: Pending, warc_dir: str, context_path: str | None, earlier: Sequence[str]) -> Processed:
    return process_pending(pending, Path(warc_dir), _context_at(context_path), earlier)


class ProcessingPool:
    """``workers`` processes for site texts and for processing pending pages."""

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError("a processing pool needs at least one worker")
        self.workers = workers
        self._dir: Path | None = None  # made with the first context: a killed crawl leaves less
        self._generation = 0
        self._context_path: str | None = None
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def set_context(self, context: SiteContext | None) -> None:
        """Use ``context`` for the jobs submitted from now on (call it with no job pending: the
        previous file is removed)."""
        previous = self._context_path
        if context is None:
            self._context_path = None
        else:
            if self._dir is None:
                self._dir = Path(tempfile.mkdtemp(prefix="gongkai-context-"))
            self._generation += 1
            path = self._dir / f"context-{self._generation}.pickle"
            with open(path.with_suffix(".part"), "wb") as fh:
                state = (context.corpus, context.n_texts, context.starts, context.keys)
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(path.with_suffix(".part"), path)
            self._context_path = str(path)
        if previous is not None and previous != self._context_path:
            Path(previous).unlink(missing_ok=True)

    def site_text(self, html: str) -> Future[str]:
        return self._executor.submit(site_text, html)

    def process(self, pending: Pending, warc_dir: Path, earlier: Sequence[str]) -> Future[Processed]:
        return self._executor.submit(_process, pending, str(warc_dir), self._context_path, tuple(earlier))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
