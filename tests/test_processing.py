"""Processing report pages off the crawl's process, and storing them in batches.

Pages are processed from their WARC records (``pipelines.siterun``), in spawned worker processes
or in this one: the results must be the same either way. ``store_many`` writes a batch in one
transaction, and one bad page in a batch must not cost the others their versions. The site
context is a function of the archive, not of the order the pages arrived in.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from archive.runs.incremental import CaptureInfo
from archive.sql import writes as store
from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import CrawlRun, ReportVersion
from archive.warc.writer import WarcWriter
from pipelines.cleaning import SiteContext
from pipelines.cleaning.site import site_text
from pipelines.items import ReportPage
from pipelines.pool import ProcessingPool, auto_workers
from pipelines.process import Outcome, ReportProcessor, process_page
from pipelines import siterun
from pipelines.siterun import Pending, PageReadError, SiteRun, SiteTexts, process_pending, read_page, site_context_of

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


def archived(pages: list[tuple[ReportPage, dict]], warc_dir: Path) -> list[Pending]:
    """The pages written into a real WARC file, as pending pages that point at their records."""
    warc_dir.mkdir(parents=True, exist_ok=True)
    writer = WarcWriter(warc_dir, warcinfo={"software": "test"})
    pending = []
    try:
        for n, (page, truth) in enumerate(pages, start=1):
            body = page.html.encode(truth["encoding"])
            charset = "gb2312" if truth["encoding"] == "gb18030" else truth["encoding"]
            response, _request = writer.write_exchange(
                url=page.url, method="GET", request_headers=[("Host", "127.0.0.1")], request_body=b"",
                protocol="HTTP/1.1", status=200, reason="OK",
                response_headers=[("Content-Type", f"text/html; charset={charset}")], body=body,
                ip_address="127.0.0.1", fetched_at=NOW,
            )
            capture = CaptureInfo(
                capture_id=n, warc_filename=response.filename, warc_offset=response.offset,
                warc_record_id=response.record_id, payload_digest=response.payload_digest, fetched_at=NOW,
            )
            pending.append(Pending.of(ReportPage(**{**{f: getattr(page, f) for f in page.__slots__}, "capture": capture}), n))
    finally:
        writer.close()
    return pending


def test_auto_workers_reads_the_setting():
    assert auto_workers(0) == 0
    assert auto_workers("3") == 3
    assert auto_workers("auto") >= 0
    with pytest.raises(ValueError, match="GONGKAI_PROCESS_WORKERS"):
        auto_workers("many")
    with pytest.raises(ValueError, match="negative"):
        auto_workers(-1)


def test_a_page_read_back_from_its_warc_record_is_the_page_the_spider_had(replica_dir, tmp_path):
    pages = replica_pages(replica_dir, limit=30)
    assert {truth["encoding"] for _page, truth in pages} >= {"utf-8", "gb18030"}
    for (page, _truth), item in zip(pages, archived(pages, tmp_path / "warc"), strict=True):
        assert read_page(item, tmp_path / "warc").html == page.html
    missing = Pending.of(pages[0][0], 1)  # a capture with no WARC record
    with pytest.raises(PageReadError, match="no WARC record"):
        read_page(missing, tmp_path / "warc")


@pytest.mark.processes
def test_pool_results_equal_in_process_results(replica_dir, tmp_path):
    pages = replica_pages(replica_dir, limit=40)
    assert any(truth["spam"] for _page, truth in pages), "the replica's first reports include spammed ones"
    warc = tmp_path / "warc"
    pending = archived(pages, warc)
    texts = SiteTexts()
    for page, _truth in pages:
        texts.add(page.url, site_text(page.html))
    context = SiteContext.from_texts([texts.get(p.url) for p in pending], keys=[p.url for p in pending])
    earlier = ("上一版本的正文。",)
    pool = ProcessingPool(1)
    try:
        read = [pool.site_text(page.html).result(timeout=120) for page, _truth in pages]
        pool.set_context(context)
        processed = [pool.process(item, warc, earlier).result(timeout=120) for item in pending]
    finally:
        pool.close()
    assert read == [texts.get(page.url) for page, _truth in pages]
    assert processed == [process_pending(item, warc, context, earlier) for item in pending]
    found = [r for r in processed if r.actions]
    assert found and all(r.metadata and b'"findings"' in r.metadata for r in found)


@pytest.mark.processes
def test_a_new_context_reaches_the_running_workers(replica_dir, tmp_path):
    pages = [(page, truth) for page, truth in replica_pages(replica_dir, limit=200) if truth["spam"]]
    warc = tmp_path / "warc"
    pending = archived(pages, warc)
    everything = replica_pages(replica_dir, limit=10_000)
    site = SiteContext.from_texts([site_text(p.html) for p, _t in everything], keys=[p.url for p, _t in everything])
    alone = [process_pending(item, warc, None, ()) for item in pending]
    with_site = [process_pending(item, warc, site, ()) for item in pending]
    assert alone != with_site, "the site's texts restore words that nothing else can"
    pool = ProcessingPool(2)
    try:
        before = [f.result(timeout=120) for f in [pool.process(item, warc, ()) for item in pending]]
        pool.set_context(site)  # no restart: the next jobs name the new context's file
        after = [f.result(timeout=120) for f in [pool.process(item, warc, ()) for item in pending]]
        files = pool._dir
        assert len(list(files.iterdir())) == 1, "a new context replaces the file of the old one"
        pool.set_context(None)
        again = [f.result(timeout=120) for f in [pool.process(item, warc, ()) for item in pending]]
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
    processor = ReportProcessor(sessions, run_id=run_id, clock=lambda: NOW)
    batch = processed_batch(sessions, run_id, replica_dir, 3)
    bad_page, _, bad_processed = batch[1]
    batch[1] = (bad_page, 10**9, bad_processed)  # no such page: the foreign key refuses it
    assert processor.store_many(batch) == [Outcome.NEW, None, Outcome.NEW]
    assert version_count(sessions) == 2
    with pytest.raises(Exception):
        processor.store(bad_page, 10**9, bad_processed)  # alone, the error reaches the caller


def test_store_many_writes_a_batch_in_one_transaction(sessions, run_id, replica_dir):
    processor = ReportProcessor(sessions, run_id=run_id, clock=lambda: NOW)
    batch = processed_batch(sessions, run_id, replica_dir, 5)
    commits = []
    event.listen(sessions.kw["bind"], "commit", lambda conn: commits.append(conn))
    assert processor.store_many(batch) == [Outcome.NEW] * 5
    assert len(commits) == 1
    # the same content again: every page is unchanged, nothing new is stored
    assert processor.store_many(batch) == [Outcome.UNCHANGED] * 5
    assert version_count(sessions) == 5


class StoredInOrder:
    """A processor that keeps what it is given to store, in order."""

    def __init__(self, sessions):
        self.sessions = sessions
        self.stored: list[tuple[str, object]] = []

    def store_many(self, batch):
        self.stored += [(page.url, processed) for page, _page_id, processed in batch]
        return [Outcome.NEW] * len(batch)


def test_a_site_run_stores_every_page_once_in_order_whoever_cleans_it(sessions, replica_dir, tmp_path, monkeypatch):
    """The crawl's process cleans a page itself only while the worker's next result is not back:
    with a slow worker it takes some pages, and every page is still cleaned once and stored in
    the order given, with the result the worker would have given."""
    warc = tmp_path / "warc"
    pending = archived(replica_pages(replica_dir, limit=24), warc)
    expected = [process_pending(item, warc, None, ()) for item in pending]
    cleaned_by: dict[str, list[str]] = {}

    def counted(item, warc_dir, context, earlier):
        cleaned_by.setdefault(item.url, []).append(threading.current_thread().name)
        return process_pending(item, warc_dir, context, earlier)

    monkeypatch.setattr(siterun, "process_pending", counted)
    for delay in (0.0, 0.05):
        cleaned_by.clear()
        processor = StoredInOrder(sessions)
        with ThreadPoolExecutor(1, thread_name_prefix="worker") as pool:

            def slow(item, earlier):
                time.sleep(delay)
                return counted(item, warc, None, earlier)

            run = SiteRun(processor, warc, context=None, submit=lambda item, earlier: pool.submit(slow, item, earlier),
                          workers=1, batch_size=5)  # fmt: skip
            assert run.run(pending) == Counter({Outcome.NEW: len(pending)})
        assert processor.stored == [(item.url, result) for item, result in zip(pending, expected, strict=True)]
        assert sorted(cleaned_by) == sorted(p.url for p in pending)
        assert all(len(threads) == 1 for threads in cleaned_by.values()), "a page was cleaned twice"
        if delay:
            where = Counter(threads[0].startswith("worker") for threads in cleaned_by.values())
            assert where[True] and where[False], f"a slow worker's pages are shared: {where}"


def test_the_site_context_does_not_depend_on_the_order_pages_were_read(sessions, replica_dir, tmp_path):
    pages = replica_pages(replica_dir, limit=60)
    contexts = []
    for seed in (1, 2, 3):
        order = list(pages)
        random.Random(seed).shuffle(order)
        texts = SiteTexts()
        for page, _truth in order:
            texts.add(page.url, site_text(page.html))
        context = site_context_of(sessions, tmp_path / "warc", texts, max_texts=5000)
        contexts.append((context.corpus, context.keys))
    assert contexts[0] == contexts[1] == contexts[2]
    small = site_context_of(sessions, tmp_path / "warc", texts, max_texts=10)
    assert small.n_texts == 10 and set(small.keys) < set(contexts[0][1])


def test_every_replica_report_cleans_to_its_text_before_the_hack(replica_dir, tmp_path):
    """The whole replica processed as the crawl does it (site context of every report, each page
    read back from its WARC record): every hacked report's clean text is its text before the hack,
    character for character; its titles and issuer too, and its 来源 unless the hack replaced the
    whole 来源 value (nothing on the page says what it was; the field is then left empty)."""
    pages = replica_pages(replica_dir, limit=10_000)
    warc = tmp_path / "warc"
    pending = archived(pages, warc)
    site = SiteContext.from_texts([site_text(p.html) for p, _t in pages], keys=[p.url for p, _t in pages])
    wrong = []
    hacked = 0
    for (page, truth), item in zip(pages, pending, strict=True):
        if not truth["spam"]:
            continue
        hacked += 1
        fields = process_pending(item, warc, site, ()).data.fields
        names = ["clean_text", "title", "visible_title", "issuer"]
        if not any(s["kind"] == "source_field" for s in truth["spam"]):
            names.append("source")
        wrong += [(page.url, name, fields[name], truth[name]) for name in names if fields[name] != truth[name]]
    assert hacked >= 50
    assert not wrong, wrong[:5]


SPORTS_UNITS = ("仁寿县体育事业发展中心", "仁寿县教育和体育局")


def test_a_sports_units_reports_keep_every_tiyu(replica_dir, tmp_path):
    """The reports of the replica's sports units say 体育 on every line (体育局, 体育场馆, 全民健身,
    体育赛事, 体育彩票公益金), some of them hacked with brands that say 体育 too (必威体育): processed
    with the whole site's context, each one comes out as its text before the hack, every 体育 kept."""
    pages = replica_pages(replica_dir, limit=10_000)
    site = SiteContext.from_texts([site_text(p.html) for p, _t in pages], keys=[p.url for p, _t in pages])
    sports = [(page, truth) for page, truth in pages if truth["unit"] in SPORTS_UNITS]
    assert len(sports) == 10 and sum(bool(truth["spam"]) for _page, truth in sports) >= 2
    warc = tmp_path / "warc"
    for (page, truth), item in zip(sports, archived(sports, warc), strict=True):
        fields = process_pending(item, warc, site, ()).data.fields
        assert fields["clean_text"] == truth["clean_text"], page.url
        assert fields["clean_text"].count("体育") == truth["clean_text"].count("体育") >= 8
        assert (fields["title"], fields["issuer"]) == (truth["title"], truth["issuer"])


def test_every_replica_report_names_its_unit(replica_dir, tmp_path):
    """Every replica report, hacked or not (townships, subdistricts, departments, the zone, the
    county government), processed as the crawl does it, is filed under the unit its truth names,
    of the right kind, with ``township`` only for townships and subdistricts; a unit name the hack
    replaced is recovered, never the spam."""
    pages = replica_pages(replica_dir, limit=10_000)
    warc = tmp_path / "warc"
    pending = archived(pages, warc)
    site = SiteContext.from_texts([site_text(p.html) for p, _t in pages], keys=[p.url for p, _t in pages])
    wrong, kinds = [], set()
    for (page, truth), item in zip(pages, pending, strict=True):
        fields = process_pending(item, warc, site, ()).data.fields
        kinds.add(truth["unit_kind"])
        got = (fields["unit"], fields["unit_kind"], fields["township"])
        want = (truth["unit"], truth["unit_kind"], truth["township"])
        if got != want:
            wrong.append((page.url, got, want))
    assert kinds >= {"township", "subdistrict", "department", "government", "zone"}
    assert not wrong, wrong[:5]
