"""Distributed crawling: three worker processes share one Redis frontier and one PostgreSQL
database, each with its own data directory, against the replica site on loopback.

Needs Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432: with CI=true a missing service
fails the test (``service_missing``); elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings
from sqlalchemy import select

from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import Capture, CrawlRun, Event, Page, ReportVersion
from archive.reports.verify import verify_archives
from crawler.distributed import (
    IDLE_EXTENSION,
    REDIS_DUPEFILTER,
    REDIS_SCHEDULER,
    FrontierKeys,
    apply_distributed,
    clear_frontier,
    frontier_status,
    seed,
)
from replica.generate import build_site
from replica.mutate import delete_report, read_truth, unlist_report
from replica.server import ReplicaServer
from tests.conftest import service_missing

REDIS_URL = os.environ.get("GONGKAI_TEST_REDIS", "redis://127.0.0.1:6379/0")
WORKERS = 3
IDLE_TIMEOUT = 2.0

#: One worker: what `gongkai crawl --redis-url ... --worker-id ...` runs, as a library call.
WORKER = """
import json, sys
from pathlib import Path
from crawler.runner import FAST_SETTINGS, run_crawl
url, data_dir, db_url, redis_url, prefix, worker, idle = sys.argv[1:8]
extra = json.loads(sys.argv[8]) if len(sys.argv) > 8 else {}
outcome = run_crawl(start_urls=[url], site="renshou", data_dir=Path(data_dir), db_url=db_url,
                    settings={**FAST_SETTINGS, **extra}, redis_url=redis_url, worker_id=worker,
                    idle_timeout=float(idle), redis_prefix=prefix, log_level="INFO",
                    log_file=str(Path(data_dir) / "crawl.log"))
print(json.dumps({"run_id": outcome.run_id, "finish_reason": outcome.finish_reason,
                  "stopped_idle": outcome.stats.get("gongkai/distributed/stopped_idle", False),
                  "recheck_leader": outcome.stats.get("gongkai/distributed/recheck_leader", False),
                  "recheck_scheduled": outcome.stats.get("gongkai/recheck/scheduled", 0),
                  "host_gate_waits": outcome.stats.get("gongkai/distributed/host_gate_waits", 0),
                  "wire": outcome.stats.get("gongkai/capture/wire", 0),
                  "rebuilt": outcome.stats.get("gongkai/capture/rebuilt", 0)}))
"""


@pytest.fixture
def redis_url():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {REDIS_URL}", exc)
    return REDIS_URL


@pytest.fixture
def keys(redis_url):
    """A frontier of this test alone, deleted afterwards."""
    frontier = FrontierKeys(f"gongkai-test:{uuid.uuid4().hex[:12]}")
    yield frontier
    clear_frontier(redis_url, frontier)


def test_switch_keeps_project_extensions_and_forces_persistence(redis_url, keys):
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("SCHEDULER_PERSIST", False, priority="cmdline")  # would wipe the shared frontier
    worker = apply_distributed(settings, redis_url, site="renshou", worker_id="w7", prefix=keys.prefix,
                               idle_timeout=5)
    assert worker == "w7"
    assert settings.get("SCHEDULER") == REDIS_SCHEDULER
    assert settings.get("DUPEFILTER_CLASS") == REDIS_DUPEFILTER
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings.get("SCHEDULER_QUEUE_KEY") == keys.requests
    assert settings.get("GONGKAI_WORKER_ID") == "w7"
    assert settings.getbool("GONGKAI_RECHECK_SHARED") is True  # the job rechecks once, not each worker
    extensions = settings.getdict("EXTENSIONS")
    assert IDLE_EXTENSION in extensions
    assert "crawler.extension.ArchiveExtension" in extensions


def test_seed_queues_each_start_url_once(redis_url, keys):
    urls = ["http://127.0.0.1:9/", "http://127.0.0.1:9/zfxxgk/ndbg.htm"]
    first = seed(redis_url, urls, prefix=keys.prefix)
    again = seed(redis_url, [urls[0]], prefix=keys.prefix)
    assert first.queued == tuple(urls) and first.queue_length == 2
    assert again.queued == () and again.already_seen == (urls[0],)
    assert frontier_status(redis_url, keys)["queued"] == 2
    fresh = seed(redis_url, [urls[0]], prefix=keys.prefix, fresh=True)
    assert fresh.queued == (urls[0],) and fresh.queue_length == 1


def test_unreachable_redis_is_one_line_error():
    from crawler.distributed import DistributedError, ping

    with pytest.raises(DistributedError, match="cannot reach Redis at redis://127.0.0.1:9/0"):
        ping("redis://127.0.0.1:9/0")


def run_workers(url, data_dirs, pg_url, redis_url, keys, settings=None) -> list[dict]:
    """Start one worker per data dir on the shared frontier; wait for all; their outcomes."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(d), pg_url, redis_url, keys.prefix, f"w{i}",
             str(IDLE_TIMEOUT), json.dumps(settings or {})],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        )
        for i, d in enumerate(data_dirs)
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    return outcomes


@pytest.mark.e2e
@pytest.mark.postgres
def test_three_workers_capture_every_article_once(replica_server, replica_dir, pg_url, redis_url, keys,
                                                  tmp_path):
    url = replica_server.url
    seeded = seed(redis_url, [url], prefix=keys.prefix)
    assert seeded.queued == (url,)
    data_dirs = [tmp_path / f"worker{i}" for i in range(WORKERS)]
    outcomes = run_workers(url, data_dirs, pg_url, redis_url, keys)
    assert all(o["finish_reason"] == "finished" and o["stopped_idle"] for o in outcomes)

    truth = [json.loads(line) for line in (replica_dir / "truth.jsonl").read_text().splitlines()]
    articles = {t["path"] for t in truth if t["kind"] == "article" and not t["disallowed"]}
    engine = make_engine(pg_url)
    try:
        with make_sessionmaker(engine)() as session:
            fetched = Counter(
                urlsplit(u).path
                for u in session.scalars(
                    select(Capture.url).join(Page, Page.id == Capture.page_id)
                    .where(Page.kind == "report", Capture.status == 200)
                )
            )
            runs = session.scalars(select(CrawlRun)).all()
            versions = session.scalar(select(ReportVersion.id).order_by(ReportVersion.id.desc()).limit(1))
            version_pages = session.scalars(select(ReportVersion.page_id)).all()
            report = verify_archives(session, [d / "warc" for d in data_dirs])
    finally:
        engine.dispose()

    assert set(fetched) == articles
    assert max(fetched.values()) == 1, [p for p, n in fetched.items() if n > 1][:5]
    assert versions is not None and len(version_pages) == len(set(version_pages)) == len(articles)
    assert sorted(r.worker_id for r in runs) == [f"w{i}" for i in range(WORKERS)]
    assert all(r.status == "finished" for r in runs)
    assert sum(r.pages_fetched > 0 for r in runs) >= 2, "the work was not shared"
    assert report.ok, report.problems[:5]
    assert report.files >= WORKERS and report.captures_checked >= len(articles)
    # each worker wrote only into its own data directory, WARC names carry the worker id
    for i, d in enumerate(data_dirs):
        assert all(f"-w{i}-" in p.name for p in (d / "warc").glob("*.warc.gz"))
    status = frontier_status(redis_url, keys)
    assert status["queued"] == 0 and status["workers"] == {}


@pytest.mark.e2e
@pytest.mark.postgres
def test_second_night_with_three_workers_rechecks_once_and_reports_unlisted(pg_url, redis_url, keys, tmp_path):
    """The job's recheck runs once, over what no worker reached: a report taken off every
    listing and chain is `unlisted`, a deleted one `removed`, each fetched once, each event once."""
    replica = tmp_path / "replica"
    build_site(replica, scale=1)
    truth = read_truth(replica)
    paths = sorted(t["path"] for t in truth.values()
                   if t["kind"] == "article" and not t.get("disallowed") and t.get("listed", True))
    unlisted, deleted = paths[20], paths[10]
    data_dirs = [tmp_path / f"worker{i}" for i in range(WORKERS)]
    with ReplicaServer(replica) as server:
        seed(redis_url, [server.url], prefix=keys.prefix, fresh=True)
        first = run_workers(server.url, data_dirs, pg_url, redis_url, keys)
        unlist_report(replica, unlisted)
        delete_report(replica, deleted)
        seed(redis_url, [server.url], prefix=keys.prefix, fresh=True)
        log_start = len(server.requests())
        second = run_workers(server.url, data_dirs, pg_url, redis_url, keys)
        night2 = Counter(e.path for e in server.requests()[log_start:])
    first_runs = {o["run_id"] for o in first}
    second_runs = {o["run_id"] for o in second}
    assert sum(o.get("recheck_leader", False) for o in second) == 1
    assert sum(o.get("recheck_scheduled", 0) for o in second) == 2  # exactly the two not reached
    assert night2[unlisted] == 1 and night2[deleted] == 1
    assert max(n for path, n in night2.items() if path.startswith("/info/")) == 1

    engine = make_engine(pg_url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(
                select(Event.event, Page.url, Event.run_id).join(Page, Page.id == Event.page_id)
                .where(Event.run_id.in_(second_runs))
            ).all()
            report = verify_archives(session, [d / "warc" for d in data_dirs])
    finally:
        engine.dispose()
    events = Counter((event, urlsplit(u).path) for event, u, _ in rows)
    assert events[("unlisted", unlisted)] == 1
    assert events[("removed", deleted)] == 1
    assert all(n == 1 for n in events.values()), events
    assert {kind for kind, _ in events} <= {"unlisted", "removed", "changed"}
    assert not first_runs & second_runs
    assert report.ok, report.problems[:5]


@pytest.mark.e2e
@pytest.mark.postgres
def test_download_delay_holds_across_workers(replica_server, pg_url, redis_url, keys, tmp_path):
    """Two workers with DOWNLOAD_DELAY=0.25 s: the server sees its requests 0.25 s apart in
    all, not two streams each 0.25 s apart."""
    delay = 0.25
    seed(redis_url, [replica_server.url], prefix=keys.prefix)
    log_start = len(replica_server.requests())
    outcomes = run_workers(replica_server.url, [tmp_path / "w0", tmp_path / "w1"], pg_url, redis_url, keys,
                           settings={"DOWNLOAD_DELAY": delay, "CLOSESPIDER_PAGECOUNT": 12,
                                     "GONGKAI_RECHECK": False})
    assert all(o["finish_reason"] == "closespider_pagecount" for o in outcomes), outcomes
    assert sum(o["host_gate_waits"] for o in outcomes) > 0  # the workers did meet at the gate
    # the gated handler is the wire handler: every record came from the bytes on the wire
    assert sum(o["wire"] for o in outcomes) >= 12 and sum(o["rebuilt"] for o in outcomes) == 0
    entries = sorted(replica_server.requests()[log_start:], key=lambda e: e.time)
    assert len(entries) >= 20
    gaps = [((datetime.fromisoformat(b.time) - datetime.fromisoformat(a.time)).total_seconds(), a, b)
            for a, b in zip(entries, entries[1:])]
    assert min(g for g, _, _ in gaps) >= delay - 0.05, sorted(gaps, key=lambda g: g[0])[:3]
