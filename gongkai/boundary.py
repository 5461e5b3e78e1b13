"""Where library errors become one-line messages and exit statuses: here, and nowhere else.

The library raises specific exceptions whose messages name the input and say how to fix it.
Every gongkai command is a ``Command`` (every group a ``Group``), whose ``invoke`` turns the
errors a user can fix into ``Failure``: click prints ``Error: <message>`` on one line and exits
with the error's ``exit_code`` (1 unless the error names another, e.g. 75 for a held lock).
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import click

#: Library exceptions a user can fix, as (module, class). They are looked up in ``sys.modules``:
#: an exception of a module that was never imported cannot have been raised, so an archive
#: command recognises a crawl error without importing Scrapy.
USER_ERRORS: tuple[tuple[str, str], ...] = (
    ("archive.sql.engine", "DatabaseError"),  # also ArchiveNotFound
    ("archive.reports.cite", "CiteError"),
    ("archive.reports.export", "ExportError"),
    ("archive.warc.cdx", "PackageError"),
    ("archive.diff.load", "DiffLookupError"),
    ("archive.runs.lock", "LockHeld"),
    ("crawler.config", "SettingError"),
    ("crawler.runner", "CrawlError"),
    ("crawler.profile", "ProfileError"),
    ("crawler.discover.assemble", "DiscoverError"),
    ("crawler.distributed.frontier", "DistributedError"),
    ("replica.generate", "UnknownVariant"),
    ("replica.mutate", "ReplicaError"),
)


class Failure(click.ClickException):
    """A command failed for a reason the user can fix: one line on stderr, ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(" ".join(message.split("\n")))
        self.exit_code = exit_code


def is_user_error(exc: BaseException) -> bool:
    for module_name, class_name in USER_ERRORS:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(exc, getattr(module, class_name)):
            return True
    return False


class Command(click.Command):
    """A gongkai command: user errors raised inside become a ``Failure``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            raise Failure(str(exc), getattr(exc, "exit_code", 1)) from exc


class Group(click.Group):
    """A gongkai group: its commands are ``Command``s, its subgroups ``Group``s."""

    command_class = Command
    group_class = type
