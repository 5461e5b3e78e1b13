"""Nightly crawls: revisits instead of second copies, change events, the lock, and kill -9.

Each test builds its own replica (the server changes it between runs) and crawls it through
the CLI in subprocesses, as cron would.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.runs.lock import EXIT_LOCKED, CrawlLock
from archive.warc.check import check_file
from replica.generate import build_site
from replica.mutate import delete_report, edit_report, inject_spam, read_truth, unlist_report
from replica.server import ReplicaServer

pytestmark = pytest.mark.e2e

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
GONGKAI = [sys.executable, "-m", "gongkai"]
REVISIT_PROFILES = {
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
}


def crawl(server: ReplicaServer, data_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GONGKAI, "crawl", "--start-url", server.url, "--data-dir", str(data_dir), *FAST, *extra],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*GONGKAI, *args], capture_output=True, text=True, timeout=300)


def query(data_dir: Path, sql: str, *params):
    with sqlite3.connect(data_dir / "gongkai.sqlite") as db:
        return db.execute(sql, params).fetchall()


def reports(truth: dict) -> list[dict]:
    return [t for t in truth.values() if t["kind"] == "article" and not t.get("disallowed")]


@pytest.fixture
def site(tmp_path):
    out = tmp_path / "replica"
    build_site(out, scale=1)
    with ReplicaServer(out) as server:
        yield out, server


def warc_records(data_dir: Path) -> dict[str, dict]:
    records = {}
    for path in sorted((data_dir / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                h = record.rec_headers
                records[h.get_header("WARC-Record-ID")] = {
                    "type": record.rec_type,
                    "uri": h.get_header("WARC-Target-URI"),
                    "profile": h.get_header("WARC-Profile"),
                    "refers_to": h.get_header("WARC-Refers-To"),
                    "refers_to_uri": h.get_header("WARC-Refers-To-Target-URI"),
                    "payload_digest": h.get_header("WARC-Payload-Digest"),
                    "concurrent_to": h.get_header("WARC-Concurrent-To"),
                }
    return records


def test_three_nights_of_changes(site, tmp_path):
    replica, server = site
    data = tmp_path / "data"
    truth = read_truth(replica)
    paths = sorted(t["path"] for t in reports(truth) if t.get("listed", True) and not t.get("spam"))
    edited, deleted, unlisted, spammed = paths[3], paths[10], paths[20], paths[30]

    first = crawl(server, data)
    assert first.returncode == 0, first.stderr[-2000:]
    n_reports = len(reports(truth))
    assert query(data, "select count(*) from report_versions")[0][0] == n_reports

    edit_report(replica, edited)
    delete_report(replica, deleted)
    unlist_report(replica, unlisted)
    inject_spam(replica, spammed)
    log_start = len(server.requests())
    second = crawl(server, data)
    assert second.returncode == 0, second.stderr[-2000:]

    # conditional requests were sent for reports, and 304s stored as revisits
    article_requests = [e for e in server.requests()[log_start:] if e.path.startswith("/info/")]
    assert article_requests and all(e.if_none_match for e in article_requests)
    run2 = query(data, "select max(id) from crawl_runs")[0][0]
    revisits = query(data, "select count(*) from captures where run_id=? and record_type='revisit' and status=304", run2)[0][0]
    assert revisits >= n_reports - 10
    # full responses only for pages whose bytes changed: the edited and spammed reports and the
    # neighbours whose 上一条/下一条 links were re-pointed around the deleted and unlisted ones
    assert query(data, "select count(*) from captures where run_id=? and status=200 and record_type='response' and url like '%/info/%'", run2)[0][0] <= 7

    events = json.loads(cli("changes", "--data-dir", str(data), "--run", str(run2), "--format", "json").stdout)
    by_kind: dict[str, set[str]] = {}
    for event in events:
        assert {"event", "url", "detected_at", "run_id", "capture_id"} <= set(event)
        assert event["detected_at"].endswith("Z")
        by_kind.setdefault(event["event"], set()).add(event["url"].replace(server.url.rstrip("/"), ""))
    assert edited in by_kind.get("changed", set())
    assert spammed in by_kind.get("spam_injected", set())
    assert deleted in by_kind.get("removed", set())
    assert unlisted in by_kind.get("unlisted", set())
    changed_only = by_kind.get("changed", set()) - {edited, spammed}
    assert not changed_only, f"phantom changes: {sorted(changed_only)[:5]}"
    assert query(data, "select count(*) from report_versions")[0][0] == n_reports + 2

    # third night, nothing changed: no events, no new versions, little written
    third = crawl(server, data)
    assert third.returncode == 0, third.stderr[-2000:]
    run3 = query(data, "select max(id) from crawl_runs")[0][0]
    assert query(data, "select event from events where run_id=?", run3) == []
    assert query(data, "select count(*) from report_versions")[0][0] == n_reports + 2
    (b1,), (b3,) = query(data, "select warc_bytes from crawl_runs where id in (1, ?) order by id", run3)
    assert b3 < b1 * 0.35

    # every revisit resolves, through its references, to an archived response
    records = warc_records(data)
    revisit_records = [r for r in records.values() if r["type"] == "revisit"]
    assert revisit_records
    for record in revisit_records:
        assert record["profile"] in REVISIT_PROFILES
        original = records[record["refers_to"]]
        assert original["type"] == "response"
        assert original["uri"] == record["refers_to_uri"] == record["uri"]
        assert original["payload_digest"] == record["payload_digest"]
    # and the request that got each revisit is archived beside it, naming it
    requests_for = Counter(r["concurrent_to"] for r in records.values() if r["type"] == "request")
    revisit_ids = [i for i, r in records.items() if r["type"] == "revisit"]
    assert all(requests_for[i] == 1 for i in revisit_ids)
    for path in (data / "warc").glob("*.warc.gz"):
        assert subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", str(path)]).returncode == 0
    assert cli("verify", "--data-dir", str(data)).returncode == 0


def test_second_run_is_refused_while_one_holds_the_lock(site, tmp_path):
    _, server = site
    data = tmp_path / "data"
    with CrawlLock(data):
        result = crawl(server, data)
    assert result.returncode == EXIT_LOCKED
    assert "another crawl" in result.stderr


#: One year's column (its listing pages, ~30 reports, their chains and attachments) keeps each
#: kill-and-rerun cycle to a few seconds; the kill points span the whole crawl of it.
KILL_COLUMN = 4519
KILL_AFTER_CAPTURES = (1, 2, 4, 6, 9, 12, 16, 20, 25, 30)


def wait_for_captures(data: Path, count: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    db = data / "gongkai.sqlite"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    if conn.execute("select count(*) from captures").fetchone()[0] >= count:
                        return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.02)


@pytest.mark.parametrize("kill_after", KILL_AFTER_CAPTURES)
def test_kill_minus_nine_then_rerun_completes_the_archive(replica_dir, tmp_path, kill_after):
    truth = read_truth(replica_dir)
    expected = {t["path"] for t in reports(truth) if t.get("column_id") == KILL_COLUMN}
    assert len(expected) >= 25
    data = tmp_path / "data"
    start = f"zfxxgk/{KILL_COLUMN}.htm"
    # a slow server keeps requests in flight, so the kill lands mid-fetch and mid-write
    with ReplicaServer(replica_dir, delay=0.01) as server:
        proc = subprocess.Popen(
            [*GONGKAI, "crawl", "--start-url", server.url + start, "--data-dir", str(data), *FAST],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for_captures(data, kill_after, proc)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        files = sorted((data / "warc").glob("*.warc.gz"))
        if kill_after % 2 and files:
            # the kill cannot be timed from outside to the instant of write(): cut the last
            # record in half, which is what a kill in the middle of writing it leaves
            last = files[-1]
            size = last.stat().st_size
            with open(last, "r+b") as fh:
                fh.truncate(max(size - 150, 1))
        server.delay = 0
        log_start = len(server.requests())
        result = subprocess.run(
            [*GONGKAI, "crawl", "--start-url", server.url + start, "--data-dir", str(data), *FAST],
            capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
        )
        refetched = [e.path for e in server.requests()[log_start:] if e.path.startswith("/info/")]
    assert result.returncode == 0, result.stderr[-2000:]
    rows = query(data, "select p.url, count(*) from report_versions v join pages p on p.id=v.page_id group by p.url")
    got = {url.split(":", 2)[2].split("/", 1)[1] for url, _ in rows}
    assert {"/" + p for p in got} == expected
    assert all(n == 1 for _, n in rows), "a report was stored twice"
    runs = query(data, "select status, resumes_run_id from crawl_runs order by id")
    assert runs[-1][0] == "finished"
    if len(runs) > 1:
        assert runs[0][0] == "crashed" and runs[-1][1] == 1
        # reports captured before the kill were read back from the WARC, not fetched again
        captured_before = {
            url.split("/", 3)[3]
            for (url,) in query(data, "select url from captures where run_id=1 and status=200 and url like '%/info/%'")
        }
        assert not captured_before & {p.lstrip("/") for p in refetched}
    for path in (data / "warc").glob("*.warc.gz"):
        check = check_file(path)
        assert check.whole and not check.problems, (path, check.problems)
    verify = cli("verify", "--data-dir", str(data))
    assert verify.returncode == 0, verify.stdout + verify.stderr
