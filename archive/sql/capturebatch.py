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
wait for the next capture when the crawl goes quiet. ``archive.runs.crawlarchive`` owns the
batch; the statements live here, in the SQL room, beside ``writes`` whose page rules they share.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from archive.sql import writes as store
from archive.sql.models import Capture, Page

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
        self._cached_statements: dict | None = None

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

    def insert_capture(
        self, *, url: str, kind: str, seen_at: datetime, fields: Mapping[str, Any], known: bool = False
    ) -> tuple[int, int]:
        """Insert (or touch) the page row and insert the capture row; (page id, capture id).

        Prepared statements with their values as parameters, on the batch's connection: a new
        page is one ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` (before: a select, an
        insert and a second select), a known one a select and, when needed, an update. The same
        rules as ``store.get_or_create_page`` (last_seen_at only moves forward; ``report`` wins).
        ``known``: the page is likely there already (captured in an earlier run): look it up first.
        """
        with self.session() as session:
            conn = session.connection()
            dialect = conn.dialect
            if dialect.name not in ("sqlite", "postgresql"):  # pragma: no cover - other dialects
                page_id = store.get_or_create_page(session, url, kind, seen_at)
                return page_id, store.add_capture(session, page_id=page_id, url=url, **fields)
            statements = self._statements(dialect)
            # The two inserts of every capture go straight to the driver's cursor, compiled once
            # (SQLAlchemy's per-execution work was most of a row's cost); the rare paths (a
            # known page: select, update) stay on the connection.
            raw = conn.connection.dbapi_connection
            found = conn.execute(statements["find_page"], {"url": url}).first() if known else None
            row = None
            if found is None:
                row = statements["new_page"].execute(
                    raw, {"url": url, "kind": kind, "first_seen_at": seen_at, "last_seen_at": seen_at}
                )
            if row is not None:
                page_id = row[0]
            else:
                found = found or conn.execute(statements["find_page"], {"url": url}).one()
                page_id, stored_kind, last_seen = found
                changes = store.page_changes(stored_kind, last_seen, kind, seen_at)
                if changes:
                    conn.execute(update(Page.__table__).where(Page.__table__.c.id == page_id).values(**changes))
            capture_id = statements["capture"].execute(raw, {"page_id": page_id, "url": url, **fields})[0]
            return page_id, capture_id

    def _statements(self, dialect: Dialect) -> dict:
        cached = self._cached_statements
        if cached is None:
            pages, captures = Page.__table__, Capture.__table__
            insert = sqlite_insert if dialect.name == "sqlite" else pg_insert
            cached = self._cached_statements = {
                "new_page": DriverInsert(
                    insert(pages).on_conflict_do_nothing(index_elements=["url"]).returning(pages.c.id), dialect
                ),
                "find_page": select(pages.c.id, pages.c.kind, pages.c.last_seen_at).where(
                    pages.c.url == bindparam("url")
                ),
                "capture": DriverInsert(captures.insert().returning(captures.c.id), dialect),
            }
        return cached

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


class DriverInsert:
    """An ``INSERT ... RETURNING`` of one table run on the DBAPI connection itself.

    Compiled by SQLAlchemy for the dialect once per set of columns given, with the columns' own
    bind processing (``UtcDateTime`` on SQLite becomes SQLAlchemy's stored text, exactly as
    through the ORM) and their scalar Python defaults for the columns left out; what SQLAlchemy
    would otherwise redo on every execution (cache lookup, parameter construction, result
    wrapping) is skipped. A column with any other client-side default is refused at once.
    """

    def __init__(self, statement, dialect: Dialect):
        self._statement = statement
        self._dialect = dialect
        table = statement.table
        self._defaults = {}
        for column in table.columns:
            default = column.default
            if default is None:
                continue
            if not default.is_scalar:
                raise ValueError(f"{table.name}.{column.name} has a non-scalar default: not for DriverInsert")
            self._defaults[column.key] = default.arg
        self._processors = {}
        for column in table.columns:
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self._processors[column.key] = process
        self._compiled: dict[frozenset, tuple[str, tuple[str, ...] | None]] = {}

    def execute(self, dbapi_connection, values: Mapping[str, Any]):
        """Execute with ``values`` (column key -> value); the first returned row, or None."""
        params = {**self._defaults, **values} if self._defaults else dict(values)
        keys = frozenset(params)
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = self._compile(keys)
        sql, order = compiled
        processors = self._processors
        for key in keys & processors.keys():
            params[key] = processors[key](params[key])
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(sql, params if order is None else tuple(params[key] for key in order))
            return cursor.fetchone()
        finally:
            cursor.close()

    def _compile(self, keys: frozenset) -> tuple[str, tuple[str, ...] | None]:
        compiled = self._statement.compile(dialect=self._dialect, column_keys=sorted(keys))
        unknown = keys - set(compiled.binds)
        if unknown:
            raise ValueError(f"not columns of {self._statement.table.name}: {sorted(unknown)}")
        order = tuple(compiled.positiontup) if compiled.positional else None
        return compiled.string, order


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
