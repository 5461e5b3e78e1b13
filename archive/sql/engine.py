"""Engines and sessions. The schema is brought to the newest Alembic revision on first use.

An entry point (a command, the crawl's archive extension, a benchmark) builds one engine with
``make_engine`` or ``open_archive`` and passes its ``Sessions`` down; nothing below builds its own.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Engine", "Session", "Sessions"]
#: A factory of sessions bound to one engine (what functions that open transactions take).
Sessions = sessionmaker[Session]

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_FILENAME = "gongkai.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 30_000


#: Tables maintained by raw SQL in migrations (FTS5 virtual tables and their shadow tables):
#: not described by the models, so autogenerate must not propose to drop them.
#: Likewise the PostgreSQL trigram (GIN) indexes of the search migration.
UNMODELLED_TABLE_PREFIXES = ("report_search",)
UNMODELLED_INDEX_SUFFIXES = ("_trgm",)


def include_name(name, type_, parent_names) -> bool:
    """Alembic autogenerate filter: compare only what the models describe."""
    if not name:
        return True
    if type_ == "table":
        return not name.startswith(UNMODELLED_TABLE_PREFIXES)
    if type_ == "index":
        return not name.endswith(UNMODELLED_INDEX_SUFFIXES)
    return True


class DatabaseError(Exception):
    """The database URL is malformed, unreachable or its schema cannot be brought up to date."""


class ArchiveNotFound(DatabaseError):
    """There is no archive (no SQLite database file) where one was expected."""


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{(Path(data_dir) / SQLITE_FILENAME).resolve()}"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` for PostgreSQL but drive it with psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, migrate: bool = True) -> Engine:
    """Create an engine for ``url``; apply pending migrations unless ``migrate`` is false."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r} (expected e.g. sqlite:///path or postgresql+psycopg://host/db)") from exc
    is_sqlite = parsed.get_backend_name() == "sqlite"
    kwargs: dict = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {parsed.render_as_string(hide_password=True)}: {exc}") from exc
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        _ping_when_idle(engine)
    if migrate:
        try:
            upgrade(engine)
        except OperationalError as exc:
            raise DatabaseError(
                f"cannot open database {parsed.render_as_string(hide_password=True)}: {exc.orig}"
            ) from exc
    return engine


def display_url(engine: Engine) -> str:
    """The engine's database URL as a user may see it (password hidden)."""
    return engine.url.render_as_string(hide_password=True)


def make_sessionmaker(engine: Engine) -> Sessions:
    return sessionmaker(engine, expire_on_commit=False)


def sqlite_path(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL, else None."""
    url = normalise_url(url)
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def open_archive(data_dir: Path, db_url: str | None = None, *, must_exist: bool = True) -> Engine:
    """The engine of the archive in ``data_dir`` (or at ``db_url``), its schema brought up to date.

    With ``must_exist``, a SQLite file that is not there raises ``ArchiveNotFound`` instead of
    creating an empty archive.
    """
    url = db_url or default_url(data_dir)
    path = sqlite_path(url)
    if must_exist and path is not None and not path.exists():
        raise ArchiveNotFound(
            f"no archive at {data_dir} (no database {path}); run `gongkai crawl` or `gongkai demo` first, "
            "or pass --data-dir/--db"
        )
    return make_engine(url)


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


#: PostgreSQL advisory lock key ("gongkai" in ASCII) held while migrating: workers starting
#: together on a fresh database would otherwise race to create the same tables.
MIGRATION_LOCK_KEY = 0x676F6E676B6169


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of ``engine``'s database to ``revision`` (one process at a time)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Released at commit; the next process then finds the schema at head.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


#: A pooled connection unused for this long is pinged before it is handed out again, and
#: replaced if the server has dropped it (a restart, an idle timeout). Not on every checkout, as
#: ``pool_pre_ping`` does: a crawl checks a connection out for every transaction, several times a
#: page, and a round trip each time cost a worker about a tenth of its time on PostgreSQL.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    def checkin(_dbapi_connection, record) -> None:
        record.info["gongkai_idle_since"] = time.monotonic()

    def checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop("gongkai_idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool then connects anew (up to three times)
            raise DisconnectionError(f"pooled connection is gone: {exc}") from exc

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
