"""Processing report pages off the crawl's process, and storing them in batches.

The pool runs the same pure ``process_page`` in spawned worker processes: its results must equal
the in-process ones exactly (deferrals included). ``store_many`` writes a batch in one
transaction, and one bad page in a batch must not cost the others their versions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from archive.sql import writes as store
from archive.runs.incremental import CaptureInfo
from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import CrawlRun, ReportVersion
from pipelines.cleaning import SiteContext
from pipelines.items import ReportPage
from pipelines.pool import ProcessingPool, auto_workers
from pipelines.process import Outcome, ReportProcessor, process_page

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def replica_pages(replica_dir: Path, *, limit: int) -> list[tuple[ReportPage, dict]]:
    """Report pages of the replica as the spider would hand them over, with their ground truth."""
    pages = []
    with open(replica_dir / "truth.jsonl", encoding="utf-8") as fh:
        truths = [json.loads(line) for line in fh if line.strip()]
    for truth in truths:
        if truth["kind"] != "article" or truth.get("disallowed"):
            continue
        raw = (replica_dir / "site" / truth["path"].lstrip("/")).read_bytes()
        url = "http://127.0.0.1:8000" + truth["path"]
        capture = CaptureInfo(
            capture_id=len(pages) + 1, warc_filename=None, warc_offset=None, warc_record_id=None,
            payload_digest=None, fetched_at=NOW,
        )
        page = ReportPage(
            url=url, html=raw.decode(truth["encoding"]), encoding=truth["encoding"], capture=capture,
            column_id=str(truth.get("column_id")), column_name=None, via="listing",
            prev_url=None, next_url=None, attachments=(),
        )
        pages.append((page, truth))
        if len(pages) >= limit:
            break
    return pages


def test_auto_workers_reads_the_setting():
    assert auto_workers(0) == 0
    assert auto_workers("3") == 3
    assert auto_workers("auto") >= 0
    with pytest.raises(ValueError, match="GONGKAI_PROCESS_WORKERS"):
        auto_workers("many")
    with pytest.raises(ValueError, match="negative"):
        auto_workers(-1)


def test_pool_results_equal_in_process_results(replica_dir):
    pages = replica_pages(replica_dir, limit=40)
    spammed = [page for page, truth in pages if truth["spam"]]
    assert spammed, "the replica's first reports include spammed ones"
    context = SiteContext.from_texts(truth["clean_text"] for _page, truth in pages[:20])
    earlier = ("上一版本的正文。",)
    pool = ProcessingPool(1, context)
    try:
        deferring = [pool.submit(page, earlier, defer=True) for page, _ in pages]
        deferring = [future.result(timeout=120) for future in deferring]
        processing = [pool.submit(page, earlier, defer=False).result(timeout=120) for page, _ in pages]
    finally:
        pool.close()
    assert deferring == [process_page(page, context, earlier, defer=True) for page, _ in pages]
    assert processing == [process_page(page, context, earlier) for page, _ in pages]
    assert all(result is not None for result in processing), "without defer every page is processed"
    found = [r for r in processing if r.actions]
    assert found and all(r.metadata and b'"findings"' in r.metadata for r in found)


def test_a_new_context_reaches_the_running_workers(replica_dir):
    pages = [page for page, truth in replica_pages(replica_dir, limit=200) if truth["spam"]]
    truths = [truth for _page, truth in replica_pages(replica_dir, limit=10_000)]
    site = SiteContext.from_texts(t["clean_text"] for t in truths if t.get("clean_text"))
    alone = [process_page(page, None, defer=True) for page in pages]
    with_site = [process_page(page, site, defer=True) for page in pages]
    assert None in alone, "with no site context some replaced word cannot be restored"
    assert alone != with_site, "the site's texts restore words that nothing else can"
    pool = ProcessingPool(2, None)
    try:
        before = [future.result(timeout=120) for future in [pool.submit(p, (), defer=True) for p in pages]]
        pool.set_context(site)  # no restart: the next jobs name the new context's file
        after = [future.result(timeout=120) for future in [pool.submit(p, (), defer=True) for p in pages]]
        files = pool._dir
        assert len(list(files.iterdir())) == 1, "a new context replaces the file of the old one"
        pool.set_context(None)
        again = [future.result(timeout=120) for future in [pool.submit(p, (), defer=True) for p in pages]]
    finally:
        pool.close()
    assert not files.exists(), "closing the pool removes its context files"
    assert before == alone
    assert after == with_site
    assert again == alone


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def run_id(sessions):
    with sessions.begin() as session:
        run = CrawlRun(started_at=NOW, status="running", software="test", start_urls=[])
        session.add(run)
        session.flush()
        return run.id


def processed_batch(sessions, run_id: int, replica_dir: Path, n: int) -> list:
    """``n`` replica reports with page and capture rows in the database, cleaned and extracted."""
    batch = []
    for page, _truth in replica_pages(replica_dir, limit=n):
        with sessions.begin() as session:
            page_id = store.get_or_create_page(session, page.url, "report", NOW)
            capture_id = store.add_capture(
                session, run_id=run_id, page_id=page_id, url=page.url, fetched_at=NOW, status=200
            )
        capture = CaptureInfo(
            capture_id=capture_id, warc_filename=None, warc_offset=None, warc_record_id=None,
            payload_digest=None, fetched_at=NOW, page_id=page_id, page_is_report=True,
        )
        page = ReportPage(**{**{f: getattr(page, f) for f in page.__slots__}, "capture": capture})
        batch.append((page, page_id, process_page(page, None)))
    return batch


def version_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ReportVersion))


def test_store_many_keeps_the_good_pages_of_a_failing_batch(sessions, run_id, replica_dir):
    processor = ReportProcessor(sessions, run_id=run_id, clock=lambda: NOW, context=None)
    batch = processed_batch(sessions, run_id, replica_dir, 3)
    bad_page, _, bad_processed = batch[1]
    batch[1] = (bad_page, 10**9, bad_processed)  # no such page: the foreign key refuses it
    assert processor.store_many(batch) == [Outcome.NEW, None, Outcome.NEW]
    assert version_count(sessions) == 2
    with pytest.raises(Exception):
        processor.store(bad_page, 10**9, bad_processed)  # alone, the error reaches the caller


def test_store_many_writes_a_batch_in_one_transaction(sessions, run_id, replica_dir):
    processor = ReportProcessor(sessions, run_id=run_id, clock=lambda: NOW, context=None)
    batch = processed_batch(sessions, run_id, replica_dir, 5)
    commits = []
    event.listen(sessions.kw["bind"], "commit", lambda conn: commits.append(conn))
    assert processor.store_many(batch) == [Outcome.NEW] * 5
    assert len(commits) == 1
    # the same content again: every page is unchanged, nothing new is stored
    assert processor.store_many(batch) == [Outcome.UNCHANGED] * 5
    assert version_count(sessions) == 5
