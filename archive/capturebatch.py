"""Capture rows in batches: one transaction per ``size`` captures or per ``seconds``.

Committing every capture row on its own cost a transaction per fetched page (on SQLite a WAL
commit, on PostgreSQL a round trip and a flush), which was most of the capture path's time. The
capture path now writes its rows (page, capture) on one long-lived session and commits them
together. What stays true:

* **WARC first.** A row is added only after its WARC record was written and flushed, so when a
  batch commits, every record its rows point at is already on disk; a kill loses at most the
  rows of one batch, never a record (the next run fetches those pages again).
* **Ids at once.** Rows are inserted when the capture happens, inside the open transaction, so
  the capture id and page id are known immediately (the item pipeline and the spider need them).
* **Everyone else sees them.** Any other session opened through the archive's sessionmaker
  (:class:`CommitFirst`: the item pipeline's lookups and stores, the recheck) commits the pending
  rows first. On SQLite that also hands over the one write lock; on PostgreSQL it makes the rows
  visible before a version row points at one of them.
* **Reads on the capture path** (the prior capture of a URL, a resumed run's pages) run on the
  batch's own session, which sees its uncommitted rows.

No Scrapy: ``crawler.extension`` calls :meth:`CaptureBatch.commit_due` on a timer so rows do not
wait for the next capture when the crawl goes quiet.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

DEFAULT_SIZE = 100
DEFAULT_SECONDS = 1.0


class CaptureBatch:
    def __init__(
        self,
        sessions: sessionmaker,
        *,
        size: int = DEFAULT_SIZE,
        seconds: float = DEFAULT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        if size < 1:
            raise ValueError(f"capture batch size must be at least 1, got {size}")
        self._sessions = sessions
        self.size = size
        self.seconds = seconds
        self._monotonic = monotonic
        self._session: Session | None = None
        self._pending = 0
        self._since = 0.0
        self.commits = 0

    @property
    def pending(self) -> int:
        return self._pending

    @contextmanager
    def session(self):
        """The batch's session, in its open transaction; an error rolls back the whole batch
        (its WARC records stay: orphan records are harmless, a row without its record is not)."""
        if self._session is None:
            self._session = self._sessions()
        try:
            yield self._session
        except BaseException:
            self._rollback()
            raise

    def added(self) -> None:
        """One capture's rows were added: commit when the batch is full or old enough."""
        if self._pending == 0:
            self._since = self._monotonic()
        self._pending += 1
        if self._pending >= self.size or self._monotonic() - self._since >= self.seconds:
            self.commit()

    def commit_due(self) -> None:
        """Commit if the oldest pending row waited ``seconds`` (called on a timer)."""
        if self._pending and self._monotonic() - self._since >= self.seconds:
            self.commit()

    def commit(self) -> None:
        if self._session is None:
            return
        if self._pending or self._session.in_transaction():
            self._session.commit()
            if self._pending:
                self.commits += 1
        self._pending = 0

    def close(self) -> None:
        try:
            self.commit()
        finally:
            if self._session is not None:
                self._session.close()
                self._session = None

    def _rollback(self) -> None:
        if self._session is not None:
            lost = self._pending
            self._session.rollback()
            self._pending = 0
            if lost:
                logger.error("capture batch rolled back: %d capture rows lost (their WARC records stay)", lost)


class CommitFirst:
    """A sessionmaker whose sessions start after the capture batch has committed."""

    def __init__(self, sessions: sessionmaker, batch: CaptureBatch):
        self._sessions = sessions
        self._batch = batch

    def __call__(self, **kwargs) -> Session:
        self._batch.commit()
        return self._sessions(**kwargs)

    def begin(self):
        self._batch.commit()
        return self._sessions.begin()

    def __getattr__(self, name: str):
        return getattr(self._sessions, name)
