"""Live progress on a terminal (pages fetched, rate, errors), drawn with rich.

A Scrapy extension of the command line, not of the crawler: ``gongkai crawl`` adds it to the
crawl's ``EXTENSIONS`` when stderr is a terminal (``EXTENSION`` names it).
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.text import Text
from scrapy import signals
from twisted.internet import task

REFRESH_SECONDS = 0.5
#: The ``EXTENSIONS`` entry that turns the display on.
EXTENSION = {"gongkai.progress.ProgressExtension": 500}


class ProgressExtension:
    def __init__(self, stats, *, console: Console | None = None, interval: float = REFRESH_SECONDS):
        self.stats = stats
        self.console = console or Console(stderr=True)
        self.interval = interval
        self._live: Live | None = None
        self._loop: task.LoopingCall | None = None
        self._started = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self._started = time.monotonic()
        self._live = Live(self._render(), console=self.console, transient=True, auto_refresh=False)
        self._live.start()
        self._loop = task.LoopingCall(self._refresh)
        self._loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._live is not None:
            self._live.stop()

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._render(), refresh=True)

    def _render(self) -> Text:
        get = self.stats.get_value
        elapsed = max(time.monotonic() - self._started, 1e-6)
        fetched = get("response_received_count", 0)
        errors = get("gongkai/fetch_errors", 0) + sum(
            v for k, v in self.stats.get_stats().items() if k.startswith("gongkai/fetch_failed/")
        )
        text = Text()
        text.append("crawling ", style="bold")
        text.append(f"{fetched} pages", style="cyan")
        text.append(f"  {fetched / elapsed:.1f}/s")
        text.append(f"  reports {get('gongkai/reports', 0)}")
        text.append(f"  queued {get('scheduler/enqueued', 0) - get('scheduler/dequeued', 0)}")
        text.append(f"  errors {errors}", style="red" if errors else "")
        text.append(f"  {elapsed:.0f}s")
        return text
