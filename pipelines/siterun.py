"""Clean, extract and store captured report pages with the whole site's evidence.

This is what the crawl does once it has fetched everything, and what ``gongkai reprocess`` does
over the whole archive: the same function of the same archive, so the two agree however the
pages arrived (issue 14). Cleaning a page needs the rest of the site (which word the other
pages have where this one has a brand, which sentences they write without an inserted phrase),
and the rest of the site is known only once it is all captured:

1. while the crawl fetches, each report page is read once, cheaply, for what it teaches the site
   (``cleaning.site.site_text``: in a worker process, so the crawl never waits); only the
   crawl's own knowledge of the page (column, prev/next, attachments) is kept besides;
2. once it has fetched everything, the site context is built from the site texts of every
   report page's latest capture, this run's and earlier runs', ordered by a stable hash of the
   URL (``site_context_of``: the pages this run did not fetch are read from their WARC records);
3. every page captured with new bytes is read back from its WARC record, cleaned with that
   context (without its own text, with the clean text of its last earlier capture), extracted
   and stored in batches (``SiteRun``).
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from archive.runs.incremental import CaptureInfo
from archive.sql.engine import Sessions
from archive.sql.latest import LatestPayload, earlier_clean_texts, latest_payloads, payload_records
from archive.warc.reader import WarcReadError, read_record
from pipelines.cleaning import SiteContext
from pipelines.cleaning.context import MAX_CORPUS_CHARS
from pipelines.cleaning.site import site_text
from pipelines.decode import BodyDecodeError, decode_body
from pipelines.items import ReportPage
from pipelines.process import Outcome, Processed, ReportProcessor, process_page

logger = logging.getLogger(__name__)

#: pages whose payload records and earlier texts are asked of the database at once
PREPARE_CHUNK = 200
#: jobs handed to the workers ahead of the one being stored, per process (the workers and this
#: one): enough that a worker never waits while this process stores a batch
AHEAD_PER_PROCESS = 8


class PageReadError(Exception):
    """A captured page could not be read back from its WARC record."""


@dataclass(frozen=True, slots=True)
class Pending:
    """A captured report page waiting for the site's context: where its bytes are and what the
    crawl knew of it besides them."""

    url: str
    page_id: int
    capture: CaptureInfo
    column_id: str | None
    column_name: str | None
    via: str
    prev_url: str | None
    next_url: str | None
    attachments: tuple[str, ...]

    @classmethod
    def of(cls, page: ReportPage, page_id: int) -> Pending:
        return cls(
            url=page.url, page_id=page_id, capture=page.capture, column_id=page.column_id,
            column_name=page.column_name, via=page.via, prev_url=page.prev_url, next_url=page.next_url,
            attachments=page.attachments,
        )  # fmt: skip


class SiteTexts:
    """The site texts read so far, by URL, kept compressed (a crawl holds one per report page)."""

    def __init__(self) -> None:
        self._texts: dict[str, bytes] = {}

    def add(self, url: str, text: str) -> None:
        self._texts[url] = zlib.compress(text.encode("utf-8"), 1)

    def get(self, url: str) -> str | None:
        packed = self._texts.get(url)
        return None if packed is None else zlib.decompress(packed).decode("utf-8")

    def urls(self) -> set[str]:
        return set(self._texts)

    def __contains__(self, url: str) -> bool:
        return url in self._texts

    def __len__(self) -> int:
        return len(self._texts)


def read_page(pending: Pending, warc_dir: Path) -> ReportPage:
    """The page as captured: its WARC response record, decoded as the crawl decoded it."""
    capture = pending.capture
    where = f"{pending.url} ({capture.warc_filename}@{capture.warc_offset})"
    if capture.warc_filename is None or capture.warc_offset is None:
        raise PageReadError(f"{where}: no WARC record")
    try:
        record = read_record(warc_dir / capture.warc_filename, capture.warc_offset)
        encoding, html = decode_body(record.http_headers, record.payload or b"")
    except (WarcReadError, BodyDecodeError, OSError) as exc:
        raise PageReadError(f"{where}: {exc}") from exc
    return ReportPage(
        url=pending.url, html=html, encoding=encoding, capture=capture, column_id=pending.column_id,
        column_name=pending.column_name, via=pending.via, prev_url=pending.prev_url,
        next_url=pending.next_url, attachments=pending.attachments,
    )  # fmt: skip


def process_pending(
    pending: Pending, warc_dir: Path, context: SiteContext | None, earlier: Sequence[str]
) -> Processed:
    """Read one pending page back and clean and extract it (no database: a worker can run it)."""
    page = read_page(pending, warc_dir)
    if context is not None:
        context = context.for_page(pending.url, earlier)
    elif earlier:
        context = SiteContext.from_texts(()).with_captures(earlier)
    return process_page(page, context)


def site_context_of(
    sessions: Sessions,
    warc_dir: Path,
    texts: SiteTexts,
    *,
    max_texts: int,
    max_chars: int = MAX_CORPUS_CHARS,
) -> SiteContext | None:
    """The site context of the archive as it stands: the site text of every report page's latest
    capture (``texts`` for the pages this run read, the WARC record for the others), ordered by
    a stable hash of the URL, up to ``max_texts`` texts and ``max_chars`` characters."""
    with sessions() as session:
        stored = {p.url: p for p in latest_payloads(session)}
    kept_urls: list[str] = []
    kept: list[str] = []
    size = 0
    for url in sorted(stored.keys() | texts.urls(), key=lambda u: (zlib.crc32(u.encode("utf-8")), u)):
        text = texts.get(url)
        if text is None:
            text = _stored_site_text(stored[url], warc_dir)
        if not text:
            continue
        if size + len(text) > max_chars or len(kept) >= max_texts:
            break
        kept.append(text)
        kept_urls.append(url)
        size += len(text) + 1
    if not kept:
        return None
    return SiteContext.from_texts(kept, keys=kept_urls, max_chars=max_chars)


def _stored_site_text(payload: LatestPayload, warc_dir: Path) -> str:
    if payload.warc_filename is None or payload.warc_offset is None:
        return ""
    try:
        record = read_record(warc_dir / payload.warc_filename, payload.warc_offset)
        _encoding, html = decode_body(record.http_headers, record.payload or b"")
    except (WarcReadError, BodyDecodeError, OSError) as exc:
        logger.warning("site context: cannot read %s (%s@%s): %s", payload.url, payload.warc_filename,
                       payload.warc_offset, exc)  # fmt: skip
        return ""
    return site_text(html)


class SiteRun:
    """Process pending pages with one site context: workers clean and extract (``submit``), this
    process stores the results in batches of ``batch_size`` and cleans a page itself whenever
    the next result is not back yet. One page's failure costs only that page."""

    def __init__(
        self,
        processor: ReportProcessor,
        warc_dir: Path,
        *,
        context: SiteContext | None,
        submit: Callable[[Pending, Sequence[str]], Future] | None = None,
        workers: int = 0,
        batch_size: int = 20,
        count: Callable[[str], None] | None = None,
    ):
        self.processor = processor
        self.warc_dir = warc_dir
        self.context = context
        self.submit = submit
        self.workers = workers if submit is not None else 0
        self.batch_size = max(batch_size, 1)
        self.count = count or (lambda name: None)

    def run(self, pending: Sequence[Pending], progress: Callable[[int, int], None] | None = None) -> Counter:
        """Process every page of ``pending``; the outcomes counted."""
        outcomes: Counter = Counter()
        batch: list[tuple[ReportPage | Pending, int, Processed]] = []
        for done, (item, processed) in enumerate(self._processed(pending), start=1):
            if processed is None:
                outcomes["failed"] += 1
                self.count("gongkai/versions/failed")
            else:
                batch.append((item, item.page_id, processed))
            if len(batch) >= self.batch_size:
                self._store(batch, outcomes)
            if progress is not None:
                progress(done, len(pending))
        self._store(batch, outcomes)
        return outcomes

    def _store(self, batch: list, outcomes: Counter) -> None:
        if not batch:
            return
        for outcome in self.processor.store_many(batch):
            key = "failed" if outcome is None else str(outcome)
            outcomes[key] += 1
            self.count(f"gongkai/versions/{key}")
            if outcome in (Outcome.NEW, Outcome.CHANGED):
                self.count("gongkai/versions/stored")
        batch.clear()

    def _processed(self, pending: Sequence[Pending]) -> Iterator[tuple[Pending, Processed | None]]:
        """Results in order. With workers, ``AHEAD_PER_PROCESS`` jobs per process are handed to
        them ahead of the one being stored; while the next result is not back, this process takes
        the last job no worker has started (cancelled in the pool) and cleans it itself. So it
        cleans only when it would otherwise wait: storing is its work too. (A fixed share, every
        (workers + 1)-th page, had it cleaning half the pages and storing all of them while its
        one worker waited; a short queue left the worker waiting while a batch was stored.)"""
        ready = self._prepared(pending)
        ahead = AHEAD_PER_PROCESS * (self.workers + 1)
        jobs: dict[int, tuple[Pending, tuple[str, ...]]] = {}  # handed out or cleaned here, not yielded
        futures: dict[int, Future] = {}
        here: dict[int, Processed | None] = {}
        handed = 0  # jobs taken from ``ready`` so far
        for i in range(len(pending)):
            while handed < min(i + ahead, len(pending)) and (self.submit is not None or handed == i):
                jobs[handed] = next(ready)
                if self.submit is not None:
                    try:
                        futures[handed] = self.submit(*jobs[handed])
                    except BrokenProcessPool:
                        logger.error("a cleaning worker process died: cleaning in this process from now on")
                        self.submit = None
                handed += 1
            future = futures.pop(i, None)
            while future is not None and not future.done() and self._steal(futures, jobs, here):
                pass
            item, earlier = jobs.pop(i)
            if i in here:
                yield item, here.pop(i)
            elif future is None:  # no worker took it
                yield item, self._here(item, earlier)
            else:
                self.count("gongkai/processing/worker")
                yield item, self._result(future, item, earlier)

    def _steal(self, futures: dict[int, Future], jobs: dict, here: dict[int, Processed | None]) -> bool:
        """Clean here the last job handed out that no worker has started; False when none is left."""
        if not futures:
            return False
        last = max(futures)
        if not futures[last].cancel():
            return False
        del futures[last]
        here[last] = self._here(*jobs[last])
        return True

    def _prepared(self, pending: Sequence[Pending]) -> Iterator[tuple[Pending, tuple[str, ...]]]:
        """Each page pointed at the record that holds its payload (a 304 is a revisit record:
        its bytes are in the original response), with the clean text of its last earlier capture:
        asked of the database PREPARE_CHUNK pages at a time."""
        for first in range(0, len(pending), PREPARE_CHUNK):
            chunk = pending[first : first + PREPARE_CHUNK]
            with self.processor.sessions() as session:
                records = payload_records(session, (p.capture.capture_id for p in chunk))
                earlier = earlier_clean_texts(
                    session, ((p.page_id, p.capture.payload_digest, p.capture.fetched_at) for p in chunk)
                )
            for item in chunk:
                capture = item.capture
                filename, offset = records.get(capture.capture_id, (None, None))
                if filename is not None and (filename, offset) != (capture.warc_filename, capture.warc_offset):
                    item = replace(item, capture=replace(capture, warc_filename=filename, warc_offset=offset))
                text = earlier.get(item.page_id)
                yield item, ((text,) if text else ())

    def _here(self, item: Pending, earlier: Sequence[str]) -> Processed | None:
        self.count("gongkai/processing/here")
        return self._result(None, item, earlier)

    def _result(self, future: Future | None, item: Pending, earlier: Sequence[str]) -> Processed | None:
        try:
            if future is not None:
                try:
                    return future.result()
                except BrokenProcessPool:
                    logger.error("a cleaning worker process died: cleaning %s here", item.url)
            return process_pending(item, self.warc_dir, self.context, earlier)
        except PageReadError as exc:
            logger.warning("cannot process %s", exc)
        except Exception:  # noqa: BLE001 - one page's failure must not cost the others
            logger.exception("cannot clean %s", item.url)
        return None
