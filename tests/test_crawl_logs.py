"""crawler.logs: a download that failed on the network is logged on one line."""

from __future__ import annotations

import logging

from scrapy.exceptions import DownloadConnectionRefusedError
from scrapy.settings import Settings

from crawler.logs import DOWNLOAD_ERRORS_LOGGERS, network_errors_on_one_line


def log_failure(
    error: BaseException, message: str = "Error downloading %s", name: str = DOWNLOAD_ERRORS_LOGGERS[0]
) -> logging.LogRecord:
    """What Scrapy's scraper does with a failed download: a record with the exception attached."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        try:
            raise error
        except BaseException:
            logger.error(message, "<GET http://127.0.0.1:9/>", exc_info=True)
    finally:
        logger.removeHandler(handler)
    return records[0]


def test_a_network_failure_is_one_line_with_the_exception_named():
    with network_errors_on_one_line(Settings()):
        record = log_failure(DownloadConnectionRefusedError("Connection was refused by other side"))
    assert record.exc_info is None
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        "Error downloading <GET http://127.0.0.1:9/>: DownloadConnectionRefusedError: "
        "Connection was refused by other side"
    )


def test_any_other_exception_keeps_its_traceback():
    with network_errors_on_one_line(Settings()):
        record = log_failure(ValueError("a bug in a handler"))
    assert record.exc_info is not None and record.exc_info[0] is ValueError
    assert record.getMessage() == "Error downloading <GET http://127.0.0.1:9/>"


def test_the_filter_is_gone_after_the_crawl():
    with network_errors_on_one_line(Settings()):
        pass
    record = log_failure(DownloadConnectionRefusedError("refused"))
    assert record.exc_info is not None


def test_a_message_that_already_holds_the_error_gets_only_its_name():
    # the robots.txt middleware's own line: "Error downloading <GET …>: <the exception's text>"
    with network_errors_on_one_line(Settings()):
        record = log_failure(
            DownloadConnectionRefusedError("refused"), "Error downloading %s: refused", DOWNLOAD_ERRORS_LOGGERS[1]
        )
    assert record.exc_info is None
    assert record.getMessage() == "Error downloading <GET http://127.0.0.1:9/>: refused (DownloadConnectionRefusedError)"
