"""Capture rows in batches: ids at once, one commit per batch, WARC records on disk before their
rows commit, and every other session sees the pending rows (archive.sql.capturebatch). Each test
runs on SQLite and on PostgreSQL (the batch's statements are dialect-specific)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from archive.runs.crawlarchive import ArchiveConfig, CrawlArchive
from archive.sql.models import Capture
from archive.warc.wire import WireExchange

REQUEST = b"GET /info/1/%d.htm HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: t\r\n\r\n"
RESPONSE = b"HTTP/1.1 200 Okay Then\r\ncontent-type: text/html\r\nContent-Length: 5\r\n\r\nhello"


class Ticks:
    """An injected monotonic clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def archive(tmp_path, db_url):
    config = ArchiveConfig(data_dir=tmp_path, db_url=db_url, software="test",
                           capture_batch=5, capture_batch_seconds=1.0)
    arch = CrawlArchive(config)
    arch.open(["http://127.0.0.1/"])
    ticks = Ticks()
    arch.batch._monotonic = ticks
    yield arch, ticks
    arch.close(reason="finished", stats={})


def committed_captures(db_url: str) -> int:
    """Rows another connection can see (a reader outside the crawl)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("select count(*) from captures")).scalar_one()
    finally:
        engine.dispose()


def capture(arch: CrawlArchive, n: int):
    return arch.record_exchange(
        url=f"http://127.0.0.1/info/1/{n}.htm", method="GET", kind="report", via="listing",
        request_headers=[], request_body=b"", protocol="HTTP/1.1", status=200,
        response_headers=[("content-type", "text/html")], body=b"hello", ip_address="127.0.0.1",
        wire=WireExchange(request=REQUEST % n, response=RESPONSE),
    )


def test_rows_commit_per_batch_with_ids_at_once(archive, db_url):
    arch, _ = archive
    infos = [capture(arch, n) for n in range(4)]
    assert len({i.capture_id for i in infos}) == 4 and all(i.page_id for i in infos)
    assert committed_captures(db_url) == 0
    capture(arch, 4)  # the fifth fills the batch
    assert committed_captures(db_url) == 5
    assert arch.batch.commits == 1


def test_a_quiet_crawl_commits_after_the_batch_seconds(archive, db_url):
    arch, ticks = archive
    capture(arch, 0)
    arch.batch.commit_due()
    assert committed_captures(db_url) == 0
    ticks.now = 1.5
    arch.batch.commit_due()
    assert committed_captures(db_url) == 1


def test_warc_records_are_on_disk_before_their_rows_commit(archive, tmp_path, db_url):
    arch, _ = archive
    infos = [capture(arch, n) for n in range(3)]
    warc = tmp_path / "warc" / infos[-1].warc_filename
    size_before_commit = warc.stat().st_size
    assert size_before_commit > infos[-1].warc_offset  # written and flushed already
    arch.batch.commit()
    assert committed_captures(db_url) == 3


def test_other_sessions_see_pending_rows(archive):
    arch, _ = archive
    info = capture(arch, 0)
    with arch.sessions() as session:  # what the item pipeline opens
        assert session.get(Capture, info.capture_id) is not None
    assert arch.batch.pending == 0


def test_prior_capture_sees_this_batch(archive):
    arch, _ = archive
    capture(arch, 7)
    prior = arch.prior_capture("http://127.0.0.1/info/1/7.htm")
    assert prior is not None and prior.status == 200 and arch.batch.pending == 1


def test_close_commits_the_last_batch(tmp_path, db_url):
    config = ArchiveConfig(data_dir=tmp_path, db_url=db_url, software="test")
    arch = CrawlArchive(config)
    arch.open([])
    for n in range(3):
        capture(arch, n)
    arch.close(reason="finished", stats={})
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Capture.__table__)).scalar_one() == 3
    engine.dispose()


def test_a_page_known_from_an_earlier_run_is_found_and_touched(tmp_path, db_url):
    """The second run's capture of a known URL reuses its page row (the batch's look-up first)
    and moves last_seen_at forward; a failed fetch goes into the batch too."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select as sql_select

    from archive.sql.models import Page

    start = datetime(2026, 1, 1, tzinfo=UTC)
    for night in range(2):
        config = ArchiveConfig(data_dir=tmp_path, db_url=db_url, software="test")
        arch = CrawlArchive(config, clock=lambda night=night: start + timedelta(days=night))
        arch.open([])
        info = capture(arch, 1)
        arch.record_failure(url="http://127.0.0.1/info/1/2.htm", method="GET", kind="report", via="chain",
                            error="TimeoutError: took too long")
        arch.close(reason="finished", stats={})
    engine = create_engine(db_url)
    with engine.connect() as conn:
        pages = conn.execute(sql_select(Page.url, Page.id, Page.first_seen_at, Page.last_seen_at)).all()
        failures = conn.execute(sql_select(func.count()).select_from(Capture.__table__)
                                .where(Capture.error.is_not(None))).scalar_one()
    engine.dispose()
    assert len(pages) == 2 and failures == 2
    known = next(p for p in pages if p.url.endswith("/1.htm"))
    assert known.id == info.page_id
    assert known.last_seen_at - known.first_seen_at == timedelta(days=1)


def test_rows_on_the_driver_cursor_read_back_as_through_the_orm(tmp_path, db_url):
    """The inserts that skip SQLAlchemy's execution (capturebatch.DriverInsert) store what the
    ORM would: aware UTC instants read back equal, a column left out gets its default, and a URL
    captured twice in one run (a retry) keeps one page row."""
    from datetime import UTC, datetime

    from archive.sql.engine import make_sessionmaker
    from archive.sql.models import Page

    when = datetime(2026, 12, 6, 9, 1, 2, 345678, tzinfo=UTC)
    arch = CrawlArchive(ArchiveConfig(data_dir=tmp_path, db_url=db_url, software="test"), clock=lambda: when)
    arch.open([])
    first = capture(arch, 3)
    again = capture(arch, 3)
    arch.batch.insert_capture(url="http://127.0.0.1/x", kind="other", seen_at=when,
                              fields=dict(run_id=arch.run_id, fetched_at=when, error="boom"))
    arch.close(reason="finished", stats={})
    assert first.page_id == again.page_id and first.capture_id != again.capture_id
    engine = create_engine(db_url)
    with make_sessionmaker(engine)() as session:
        row = session.get(Capture, first.capture_id)
        assert (row.fetched_at, row.status, row.method, row.content_type) == (when, 200, "GET", "text/html")
        page = session.get(Page, first.page_id)
        assert (page.first_seen_at, page.last_seen_at, page.kind) == (when, when, "report")
        failed = session.scalars(select(Capture).where(Capture.url == "http://127.0.0.1/x")).one()
        assert (failed.method, failed.status, failed.error) == ("GET", None, "boom")
    engine.dispose()
