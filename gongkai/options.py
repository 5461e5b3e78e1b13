"""Options the commands share: where the archive is (``--data-dir``, ``--db``), where the output
goes (``--output``) and its language (``--lang``); the archive's one engine per command."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from archive.sql.engine import Engine, Sessions, default_url, make_sessionmaker, open_archive, sqlite_path
from archive.warc.files import warc_dir
from gongkai.boundary import Failure

DEFAULT_DATA_DIR = "gongkai-data"


class ArchivePaths:
    """Where an archive lives (its data directory and database URL) and, once a command opens
    it, the command's one engine (disposed when the command ends)."""

    def __init__(self, data_dir: str | Path, db: str | None):
        self.data_dir = Path(data_dir)
        self.db_url = db or default_url(self.data_dir)
        self._engine: Engine | None = None

    @property
    def warc_dir(self) -> Path:
        return warc_dir(self.data_dir)

    @property
    def sqlite_file(self) -> Path | None:
        return sqlite_path(self.db_url)

    def engine(self, *, must_exist: bool = True) -> Engine:
        """The archive's engine, its schema brought up to date (built on the first call)."""
        if self._engine is None:
            self._engine = open_archive(self.data_dir, self.db_url, must_exist=must_exist)
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                ctx.call_on_close(self.close)
        return self._engine

    def sessions(self, *, must_exist: bool = True) -> Sessions:
        return make_sessionmaker(self.engine(must_exist=must_exist))

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def archive_options(func):
    """--data-dir and --db, shared by every command; the command gets ``paths``."""

    @click.option(
        "--data-dir",
        default=lambda: os.environ.get("GONGKAI_DATA_DIR", DEFAULT_DATA_DIR),
        show_default=f"./{DEFAULT_DATA_DIR} or $GONGKAI_DATA_DIR",
        help="Archive directory (WARC files in warc/, SQLite database).",
    )
    @click.option("--db", "db", default=None, help="SQLAlchemy database URL (default: DATA_DIR/gongkai.sqlite).")
    @functools.wraps(func)
    def wrapper(*args, data_dir, db, **kwargs):
        return func(*args, paths=ArchivePaths(data_dir, db), **kwargs)

    return wrapper


def output_option(func=None, *, required: bool = False, help: str = "Write to FILE instead of stdout."):
    """--output/-o: ``@output_option`` (stdout by default), or ``@output_option(required=True,
    help=...)`` for a command that only writes files."""
    option = click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=required,
                          help=help)  # no explicit default: click 8.3 takes default=None as a value for required
    return option if func is None else option(func)


#: --lang: the language of the labels and page text of the NGO pages (diff, trends, dossier).
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of the labels and page text (html and text formats).")


def open_output(output: str | None, *, newline: str | None = None):
    """A text stream to ``output`` (a context manager; stdout when None, flushed, not closed)."""
    if output is None:
        return _StdoutCloser(sys.stdout)
    try:
        return open(output, "w", encoding="utf-8", newline=newline)
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror}") from exc


class _StdoutCloser:
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        self.stream.flush()
        return False
