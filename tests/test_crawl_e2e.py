"""End to end: serve the replica on loopback, crawl it through the CLI in a subprocess, and check
the WARC files, the database, the export and the server's access log against the ground truth."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc.check import check_file
from archive.warc.reader import read_record
from tests.spam_kinds import OUTSIDE_BODY, finding_kind

pytestmark = pytest.mark.e2e

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
GONGKAI = [sys.executable, "-m", "gongkai"]
SCALAR_FIELDS = ("township", "report_year", "published_date", "source", "period_start", "period_end")


def run_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GONGKAI, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def load_truth(replica_dir: Path) -> list[dict]:
    with open(replica_dir / "truth.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def crawled(replica_server, replica_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("crawl")
    log_start = len(replica_server.requests())
    result = run_cli("crawl", "--start-url", replica_server.url, "--data-dir", str(data_dir), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    export = run_cli("export", "--data-dir", str(data_dir), "--format", "jsonl")
    assert export.returncode == 0, export.stderr
    records = [json.loads(line) for line in export.stdout.splitlines()]
    return {
        "data_dir": data_dir,
        "stdout": result.stdout,
        "records": {path_of(r["url"]): r for r in records},
        "requests": replica_server.requests()[log_start:],
        "truth": load_truth(replica_dir),
    }


def reports_in_truth(truth):
    return [t for t in truth if t["kind"] == "article" and not t.get("disallowed")]


def test_summary_is_printed(crawled):
    assert "gongkai crawl summary" in crawled["stdout"]
    assert "reports" in crawled["stdout"]


def test_every_report_is_archived_including_chain_only_ones(crawled):
    expected = {t["path"] for t in reports_in_truth(crawled["truth"])}
    unlisted = {t["path"] for t in reports_in_truth(crawled["truth"]) if not t.get("listed", True)}
    assert unlisted, "the replica must have reports reachable only through 上一条/下一条"
    assert expected - set(crawled["records"]) == set()
    assert set(crawled["records"]) - expected == set(), "non-report pages exported as reports"


def test_every_department_and_county_report_is_reached_through_its_columns(crawled):
    others = [t for t in reports_in_truth(crawled["truth"]) if t["unit_kind"] in ("department", "zone", "government")]
    assert len({t["unit"] for t in others}) >= 14 and any(not t["listed"] for t in others)
    assert {t["path"] for t in others} <= set(crawled["records"])
    fetched = {entry.path for entry in crawled["requests"]}
    assert {"/zfxxgk/bmndbg.htm", "/zfxxgk/4410.htm", "/zfxxgk/4930/1.htm"} <= fetched
    # chain-only ones too are filed under their column (the one of the page that linked them)
    assert all(crawled["records"][t["path"]]["column_id"] == str(t["column_id"]) for t in others)


def test_no_disallowed_or_counter_request_reached_the_server(crawled):
    paths = [entry.path for entry in crawled["requests"]]
    assert paths, "the access log is empty"
    assert not [p for p in paths if p.startswith("/nbgl/")]
    assert not [p for p in paths if "dynclicks" in p or p.startswith("/system/resource/")]
    assert "/robots.txt" in paths


def test_articles_fetched_once(crawled):
    counts = Counter(e.path for e in crawled["requests"] if e.path.startswith("/info/"))
    assert counts and max(counts.values()) == 1


def test_every_warc_file_passes_warcio_check_and_reads_whole(crawled):
    files = sorted((crawled["data_dir"] / "warc").glob("*.warc.gz"))
    assert files
    for path in files:
        result = subprocess.run(
            [str(Path(sys.executable).with_name("warcio")), "check", str(path)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(fh)
            types = [record.rec_type for record in iterator]
            assert fh.tell() == path.stat().st_size
        assert types[0] == "warcinfo"
        check = check_file(path)
        assert check.whole and not check.problems


def test_every_export_row_resolves_to_its_warc_record(crawled):
    warc_dir = crawled["data_dir"] / "warc"
    for record in crawled["records"].values():
        stored = read_record(warc_dir / record["warc_filename"], record["warc_offset"])
        assert stored.record_id == record["warc_record_id"]
        assert stored.payload_digest == record["payload_digest"]
        assert stored.target_uri == record["url"]


def test_gzip_responses_are_archived_as_received(crawled, replica_dir):
    warc_dir = crawled["data_dir"] / "warc"
    gzipped = 0
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                if (record.http_headers.get_header("Content-Encoding") or "").lower() != "gzip":
                    continue
                raw = record.raw_stream.read()
                assert raw[:2] == b"\x1f\x8b", "gzip body was decoded before archiving"
                url_path = path_of(record.rec_headers.get_header("WARC-Target-URI"))
                on_disk = replica_dir / "site" / url_path.lstrip("/")
                if on_disk.is_file():
                    assert gzip.decompress(raw) == on_disk.read_bytes()
                gzipped += 1
    assert gzipped > 0


def test_gb18030_pages_are_decoded(crawled):
    gb_pages = [t for t in reports_in_truth(crawled["truth"]) if t.get("encoding", "").lower() in ("gb18030", "gb2312", "gbk")]
    assert gb_pages
    for truth in gb_pages:
        record = crawled["records"][truth["path"]]
        assert record["title"] == truth["title"]
        assert record["township"] == truth["township"]
        if not truth.get("spam"):
            assert record["clean_text"] == truth["clean_text"]
    # a character outside GB2312 (GB18030 only) survives decoding somewhere
    beyond = [t for t in gb_pages if any(_outside_gb2312(ch) for ch in t["clean_text"])]
    assert beyond, "the replica must use a character outside GB2312 on a GB18030 page"
    for truth in beyond:
        odd = {ch for ch in truth["clean_text"] if _outside_gb2312(ch)}
        assert odd <= set(crawled["records"][truth["path"]]["raw_text"])


def _outside_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return False
    except UnicodeEncodeError:
        return ord(ch) > 0x2000


def test_extracted_fields_match_ground_truth(crawled):
    mismatches = []
    truths = reports_in_truth(crawled["truth"])
    for truth in truths:
        record = crawled["records"][truth["path"]]
        for name in SCALAR_FIELDS:
            if record[name] != truth[name]:
                mismatches.append((truth["path"], name, record[name], truth[name]))
    assert len(mismatches) <= len(truths) * len(SCALAR_FIELDS) * 0.01, mismatches[:20]


def test_prev_next_links_are_absolute(crawled):
    for record in crawled["records"].values():
        for key in ("prev_url", "next_url"):
            if record[key] is not None:
                assert record[key].startswith("http://")


def test_no_injected_spam_left_in_clean_text(crawled):
    for truth in reports_in_truth(crawled["truth"]):
        record = crawled["records"][truth["path"]]
        for spam in truth.get("spam", []):
            if spam.get("text") and finding_kind(spam["kind"]) not in OUTSIDE_BODY:
                assert spam["text"] not in record["clean_text"], (truth["path"], spam)


def test_verify_is_clean(crawled):
    result = run_cli("verify", "--data-dir", str(crawled["data_dir"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verify: OK" in result.stdout


def test_verify_notices_a_tampered_warc(crawled, tmp_path):
    import shutil

    data_dir = tmp_path / "copy"
    shutil.copytree(crawled["data_dir"], data_dir)
    target = sorted((data_dir / "warc").glob("*.warc.gz"))[0]
    blob = bytearray(target.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    target.write_bytes(bytes(blob))
    result = run_cli("verify", "--data-dir", str(data_dir))
    assert result.returncode != 0
    assert "problem" in result.stderr


@pytest.mark.postgres
def test_crawl_into_postgresql(replica_server, pg_url, tmp_path, crawled):
    result = run_cli(
        "crawl", "--start-url", replica_server.url, "--data-dir", str(tmp_path), "--db", pg_url, *FAST
    )
    assert result.returncode == 0, result.stderr[-3000:]
    export = run_cli("export", "--data-dir", str(tmp_path), "--db", pg_url, "--format", "jsonl")
    records = {path_of(json.loads(line)["url"]): json.loads(line) for line in export.stdout.splitlines()}
    assert set(records) == set(crawled["records"])
    for path, record in records.items():
        for name in SCALAR_FIELDS + ("clean_text",):
            assert record[name] == crawled["records"][path][name]
    verify = run_cli("verify", "--data-dir", str(tmp_path), "--db", pg_url)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def content_hashes(data_dir: Path) -> dict[str, str]:
    import sqlite3

    with sqlite3.connect(data_dir / "gongkai.sqlite") as db:
        return dict(db.execute(
            "SELECT p.url, v.content_hash FROM report_versions v JOIN pages p ON p.id = v.page_id"
        ).fetchall())


def test_worker_processes_and_batched_stores_change_no_result(replica_server, crawled, tmp_path):
    """The default crawl cleans in worker processes and stores in batches; cleaning in the
    crawl's own process and committing page by page must give the very same versions."""
    result = run_cli(
        "crawl", "--start-url", replica_server.url, "--data-dir", str(tmp_path), *FAST,
        "-s", "GONGKAI_PROCESS_WORKERS=0", "-s", "GONGKAI_STORE_BATCH=1",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    serial = content_hashes(tmp_path)
    assert len(serial) == len(crawled["records"])
    assert serial == content_hashes(crawled["data_dir"])


def test_reprocess_from_the_warc_repairs_a_damaged_field_and_nothing_else(crawled, tmp_path):
    import shutil
    import sqlite3

    data_dir = tmp_path / "copy"
    shutil.copytree(crawled["data_dir"], data_dir)
    db = sqlite3.connect(data_dir / "gongkai.sqlite")
    (version_id, url, township), = db.execute(
        "select v.id, p.url, v.township from report_versions v join pages p on p.id = v.page_id "
        "where v.township is not null order by v.id limit 1"
    ).fetchall()
    # as if an older extractor had missed the township
    db.execute("update report_versions set township = null, content_hash = ? where id = ?", ("older-extractor", version_id))
    db.commit()
    before = db.execute("select count(*) from report_versions").fetchone()[0]
    result = run_cli("reprocess", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert "reprocess run" in result.stdout
    assert db.execute(
        "select v.township from report_versions v join pages p on p.id = v.page_id where p.url = ? "
        "order by v.version_no desc limit 1", (url,)
    ).fetchone()[0] == township
    # the crawl and reprocess are one function of the archive: only the damaged field changes
    assert db.execute("select count(*) from report_versions").fetchone()[0] - before == 1
    events = json.loads(run_cli("changes", "--data-dir", str(data_dir), "--format", "json").stdout)
    assert any(e["event"] == "changed" and e["url"] == url and "township" in e["summary"] for e in events)
    assert run_cli("verify", "--data-dir", str(data_dir)).returncode == 0


def test_reprocess_of_an_unchanged_archive_changes_nothing(crawled, tmp_path):
    """Issue 14: what a crawl stores is what reprocess gives on the same archive, however the
    pages arrived (the crawl ran with a worker process and 8 concurrent requests)."""
    import shutil
    import sqlite3

    data_dir = tmp_path / "copy"
    shutil.copytree(crawled["data_dir"], data_dir)
    db = sqlite3.connect(data_dir / "gongkai.sqlite")
    before = db.execute("select count(*) from report_versions").fetchone()[0]
    result = run_cli("reprocess", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert db.execute("select count(*) from report_versions").fetchone()[0] == before, result.stdout
    assert f"{before} reports (unchanged {before})" in result.stdout


def test_export_filters(crawled):
    data_dir = str(crawled["data_dir"])
    township = next(r["township"] for r in crawled["records"].values() if r["township"])
    out = run_cli("export", "--data-dir", data_dir, "--format", "jsonl", "--township", township)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows and all(r["township"] == township for r in rows)
    assert len(rows) == sum(1 for r in crawled["records"].values() if r["township"] == township)
    out = run_cli("export", "--data-dir", data_dir, "--format", "jsonl", "--year", "2018", "--from", "2019-03-01")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert all(r["report_year"] == 2018 and r["published_date"] >= "2019-03-01" for r in rows)
    bad = run_cli("export", "--data-dir", data_dir, "--format", "csv", "--from", "yesterday")
    assert bad.returncode == 2 and "not a date" in bad.stderr
