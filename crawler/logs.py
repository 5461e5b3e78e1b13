"""How a crawl's log reads: a download that failed on the network is one line, not a traceback.

Scrapy logs every download that failed with the whole Twisted traceback attached ("Error
downloading <GET …>" and some sixty lines under it), so a mistyped or unreachable start URL
buried the command line's one-line error under two tracebacks (robots.txt, then the page; the
robots.txt middleware logs its own when retries are off). For the failures Scrapy itself counts
as the network's (``RETRY_EXCEPTIONS``: refused, reset, timed out, no such host) the traceback
says nothing the exception's name and message do not: the record keeps its level and its message
ends with them instead. Any other exception keeps its traceback.
The failure itself is recorded as before (a failed capture row, the crawl's summary).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

#: The loggers Scrapy reports failed downloads on: the scraper's, and the robots.txt middleware's.
DOWNLOAD_ERRORS_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")


class NetworkErrorsOnOneLine(logging.Filter):
    """Drops the traceback of a log record whose exception is one of ``exceptions``; the record's
    message ends with the exception's name and message (the name alone when the message already
    holds the exception's text)."""

    def __init__(self, exceptions: tuple[type[BaseException], ...]):
        super().__init__()
        self.exceptions = exceptions

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, self.exceptions):
            message, name = record.getMessage(), type(error).__name__
            record.msg = f"{message} ({name})" if str(error) in message else f"{message}: {name}: {error}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def network_exceptions(settings: BaseSettings) -> tuple[type[BaseException], ...]:
    """The exception classes of ``RETRY_EXCEPTIONS`` (given as classes or as import paths)."""
    return tuple(load_object(name) if isinstance(name, str) else name for name in settings.getlist("RETRY_EXCEPTIONS"))


@contextmanager
def network_errors_on_one_line(settings: BaseSettings) -> Iterator[None]:
    """While the block runs, Scrapy's failed-download records are one line for network failures."""
    targets = [logging.getLogger(name) for name in DOWNLOAD_ERRORS_LOGGERS]
    quiet = NetworkErrorsOnOneLine(network_exceptions(settings))
    for target in targets:
        target.addFilter(quiet)
    try:
        yield
    finally:
        for target in targets:
            target.removeFilter(quiet)
