"""Researcher commands on a real archive: WARC records written by WarcWriter, rows by save_version.

search/show run on SQLite and PostgreSQL; CDXJ, WACZ, Datasette and pywb replay on the SQLite
archive. pywb runs from its own virtualenv (.venv-replay, made by `make setup`).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import socket
import subprocess
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import CrawlRun, ReportVersion
from gongkai.research import COMMANDS as RESEARCH_COMMANDS, datasette_metadata
from archive.sql.writes import VersionData, add_capture, get_or_create_page, save_version
from archive.warc import WarcWriter
from archive.warc.reader import read_record

ROOT = Path(__file__).resolve().parent.parent
T1 = datetime(2026, 11, 1, 8, 30, 5, tzinfo=UTC)
T2 = datetime(2026, 11, 8, 8, 30, 5, tzinfo=UTC)
FIXED_IDS = iter(f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>" for n in range(1, 10_000))

PAGES = [
    ("http://www.rs.gov.cn/info/1013/1001.htm", "gb18030", "向家镇", 2018,
     "向家镇2018年主动公开政府信息126条，收到政府信息公开申请3件。未发生行政复议。"),
    ("http://www.rs.gov.cn/info/1013/1002.htm", "utf-8", "文林街道", 2019,
     "文林街道2019年围绕乡村振兴公开信息88条，因政府信息公开被申请行政复议1件。"),
]
UPDATED = "向家镇2018年主动公开政府信息130条（更正），收到政府信息公开申请3件。"


def _html(title: str, body: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><div class='v_news_content'><p>{body}</p></div></body></html>")


def build_archive(data_dir: Path, db_url: str) -> dict:
    """Two report pages (one GB18030), the first captured twice with changed content."""
    writer = WarcWriter(data_dir / "warc", warcinfo={"software": "gongkai-test"}, clock=lambda: T1,
                        record_id=lambda: next(FIXED_IDS))
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    bodies = {}
    with sessions.begin() as session:
        session.add(CrawlRun(id=1, started_at=T1, software="test"))
        session.flush()
        captures = [(url, enc, town, year, text, T1) for url, enc, town, year, text in PAGES]
        captures.append((*PAGES[0][:4], UPDATED, T2))
        for url, encoding, township, year, text, when in captures:
            title = f"仁寿县{township}{year}年政府信息公开工作年度报告"
            body = _html(title, text).replace("utf-8", encoding).encode(encoding)
            headers = [("Content-Type", f"text/html; charset={encoding}"), ("Content-Length", str(len(body)))]
            response, request = writer.write_exchange(
                url=url, method="GET", request_headers=[("Host", "www.rs.gov.cn")], request_body=b"",
                protocol="HTTP/1.1", status=200, reason="OK", response_headers=headers, body=body,
                ip_address="127.0.0.1", fetched_at=when)
            page_id = get_or_create_page(session, url, "report", when)
            capture_id = add_capture(
                session, run_id=1, page_id=page_id, url=url, fetched_at=when, status=200,
                content_type=headers[0][1], content_length=len(body), record_type="response",
                warc_filename=response.filename, warc_offset=response.offset, warc_length=response.length,
                warc_record_id=response.record_id, request_record_id=request.record_id,
                payload_digest=response.payload_digest)
            fields = {"title": title, "unit": township, "township": township, "report_year": year,
                      "unit_kind": "subdistrict" if township.endswith("街道") else "township",
                      "published_date": date(year + 1, 1, 20), "source": "仁寿县人民政府",
                      "raw_text": text + "澳门赌场", "clean_text": text, "encoding": encoding}
            findings = [{"kind": "banner", "rule": "lexicon", "action": "removed", "text": "澳门赌场",
                         "replacement": None, "confidence": 0.99, "field": "body", "start": len(text),
                         "end": len(text) + 4, "signal": "lexicon"}]
            stats = [{"metric": "proactive.published", "value": 126.0, "unit": "条", "qualifier": None,
                      "section": "一", "template": "prose-2016"}]
            save_version(session, page_id=page_id, capture_id=capture_id, created_at=when, extractor_version="t",
                         data=VersionData(fields, findings, stats))
            bodies.setdefault(url, []).append((body, response))
    writer.close()
    engine.dispose()
    return bodies


def require(module: str):
    """An optional extra's module: skipped here, a failure in CI (where the extras are installed)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        from tests.conftest import service_missing

        service_missing(f"{module} (pip install -e '.[research,browse]')", exc)


def cli() -> click.Group:
    group = click.Group("gongkai")
    for command in RESEARCH_COMMANDS:
        group.add_command(command)
    return group


def run(data_dir: Path, db_url: str, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli(), [*args, "--data-dir", str(data_dir), "--db", db_url])
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def archive(tmp_path, db_url):
    return tmp_path, db_url, build_archive(tmp_path, db_url)


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("archive")
    url = f"sqlite:///{data_dir / 'gongkai.sqlite'}"
    return data_dir, url, build_archive(data_dir, url)


def test_search_formats_and_errors(archive):
    data_dir, db_url, _ = archive
    out = run(data_dir, db_url, "search", "行政复议", "--format", "json").output
    hits = json.loads(out)
    assert [h["url"] for h in hits] == [PAGES[1][0]]  # the first page's latest version has no 行政复议
    assert hits[0]["warc_record_id"].startswith("<urn:uuid:") and "行政复议" in hits[0]["snippet"]
    assert run(data_dir, db_url, "search", "公开", "--township", "向家镇", "--format", "csv").output.splitlines()[1].startswith(PAGES[0][0])
    table = run(data_dir, db_url, "search", '"乡村振兴" OR 更正', "--year", "2019").output
    assert PAGES[1][0] in table and PAGES[0][0] not in table and "\x1b[" not in table
    for bad in ('"open', "公开 AND", "(a"):
        result = run(data_dir, db_url, "search", bad, ok=False)
        assert result.exit_code == 1 and result.output.startswith("Error: bad query:")
        assert len(result.output.strip().splitlines()) == 1
    result = run(data_dir, db_url, "search", "x", "--from", "2018-02-30", ok=False)
    assert result.exit_code == 2
    hostile = run(data_dir, db_url, "search", "'; DROP TABLE report_versions; --", "--township", '" OR 1=1')
    assert "no matching reports" in hostile.output
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ReportVersion)) == 3
    engine.dispose()


def test_show_text_json_and_raw_round_trip(archive):
    data_dir, db_url, bodies = archive
    url = PAGES[0][0]
    text = run(data_dir, db_url, "show", url).output
    assert "（更正）" in text and "version 2 of 2" in text and "澳门赌场" in text and "proactive.published" in text
    view = json.loads(run(data_dir, db_url, "show", url, "--version", "1", "--format", "json").output)
    body, response = bodies[url][0]
    assert view["version"] == 1 and view["citation"]["warc_offset"] == response.offset
    assert view["citation"]["warc_record_id"] == response.record_id
    assert [v["version"] for v in view["versions"]] == [1, 2]
    raw = run(data_dir, db_url, "show", url, "--version", "1", "--raw").stdout_bytes
    stored = read_record(data_dir / "warc" / response.filename, response.offset)
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gb18030")
    assert payload == stored.payload == body
    missing = run(data_dir, db_url, "show", "http://nowhere.example/", ok=False)
    assert missing.exit_code == 1 and "no archived page" in missing.output


def test_cdxj_index_has_a_line_for_every_capture(sqlite_archive):
    require("cdxj_indexer")
    data_dir, db_url, bodies = sqlite_archive
    out = run(data_dir, db_url, "index").output
    assert out.startswith("indexed 1 WARC file(s), 3 line(s)")
    lines = [line for f in sorted((data_dir / "index").glob("*.cdxj")) for line in f.read_text().splitlines()]
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    for url, captures in bodies.items():
        for _, response in captures:
            assert any(e["url"] == url and int(e["offset"]) == response.offset and e["filename"] == response.filename
                       for e in entries)
    assert lines == sorted(lines)
    assert "0 line(s); 1 up to date" in run(data_dir, db_url, "index").output


def test_wacz_validates(sqlite_archive, tmp_path):
    require("wacz")
    data_dir, db_url, _ = sqlite_archive
    target = tmp_path / "archive.wacz"
    assert run(data_dir, db_url, "wacz", "--output", str(target)).output == f"wrote {target}\n"
    wacz_bin = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "wacz"
    if not wacz_bin.exists():
        wacz_bin = ROOT / ".venv" / "bin" / "wacz"
    result = subprocess.run([str(wacz_bin), "validate", "-f", str(target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "is valid" in result.stdout, result.stdout + result.stderr


def test_datasette_canned_queries_return_rows(sqlite_archive):
    datasette_app = require("datasette.app")
    data_dir, _, _ = sqlite_archive
    metadata = datasette_metadata("gongkai")
    ds = datasette_app.Datasette([str(data_dir / "gongkai.sqlite")], metadata=metadata)

    async def fetch(path):
        response = await ds.client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    async def main():
        per_year = await fetch("/gongkai/reports_per_township_year.json?_shape=array")
        per_unit = await fetch("/gongkai/reports_per_unit_year.json?_shape=array")
        infected = await fetch("/gongkai/infected_pages.json?_shape=array")
        stats = await fetch("/gongkai/statistics_over_years.json?_shape=array")
        found = await fetch("/gongkai/search_reports.json?_shape=array&q=" + urllib.request.quote("乡村振兴"))
        fts = await fetch("/gongkai/report_versions.json?_shape=array&_search=" + urllib.request.quote("乡村振兴"))
        return per_year, per_unit, infected, stats, found, fts

    per_year, per_unit, infected, stats, found, fts = asyncio.run(main())
    assert {(r["township"], r["report_year"], r["reports"]) for r in per_year} == {("向家镇", 2018, 1), ("文林街道", 2019, 1)}
    assert {(r["unit"], r["unit_kind"], r["report_year"], r["reports"]) for r in per_unit} == {
        ("向家镇", "township", 2018, 1), ("文林街道", "subdistrict", 2019, 1)}
    assert {r["url"] for r in infected} == {PAGES[0][0], PAGES[1][0]} and infected[0]["kinds"] == "banner"
    assert {(r["metric"], r["report_year"]) for r in stats} == {("proactive.published", 2018), ("proactive.published", 2019)}
    assert [r["url"] for r in found] == [PAGES[1][0]] and "[乡村振兴]" in found[0]["snippet"]
    assert [r["township"] for r in fts] == ["文林街道"]


def _get_when_listening(url: str, port: int, attempts: int = 200):
    """gevent logs "Starting" just before it binds: retry the connection until it accepts."""
    for _ in range(attempts):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except ConnectionRefusedError:
            time.sleep(0.05)
    return urllib.request.urlopen(url, timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pywb_bin():
    """pywb's virtualenv, made by `make setup` (requirements-replay.txt); the suite installs nothing."""
    bin_dir = ROOT / ".venv-replay" / "bin"
    if not (bin_dir / "wayback").exists():
        from tests.conftest import service_missing

        service_missing("the pywb replay environment (.venv-replay: run `make setup`)",
                        FileNotFoundError(bin_dir / "wayback"))
    return bin_dir


@pytest.mark.replay
def test_pywb_replays_the_archived_report(sqlite_archive, pywb_bin, tmp_path):
    data_dir, _, bodies = sqlite_archive
    env = {**os.environ, "PATH": f"{pywb_bin}:{os.environ.get('PATH', '')}"}
    env.pop("VIRTUAL_ENV", None)
    run(data_dir, f"sqlite:///{data_dir / 'gongkai.sqlite'}", "index")  # pywb reads gongkai's CDXJ
    (tmp_path / "config.yaml").write_text(
        f"collections:\n  reports:\n    archive_paths: {data_dir / 'warc'}/\n    index_paths: {data_dir / 'index'}/\n"
    )
    port = _free_port()
    server = subprocess.Popen([str(pywb_bin / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:  # the server's own "Starting" line, then connection retries
            if f"Starting Gevent Server on {port}" in line:
                break
        else:
            pytest.fail("wayback exited before listening")
        stamp = T1.strftime("%Y%m%d%H%M%S")
        for url in (PAGES[1][0], PAGES[0][0]):  # UTF-8 and GB18030 pages
            body, response = bodies[url][0]
            reply = _get_when_listening(f"http://127.0.0.1:{port}/reports/{stamp}id_/{url}", port)
            assert reply.status == 200
            replayed = reply.read()
            assert replayed == read_record(data_dir / "warc" / response.filename, response.offset).payload == body
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_browse_explains_what_it_needs(tmp_path):
    result = CliRunner().invoke(cli(), ["browse", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"])
    assert result.exit_code == 1 and "SQLite archive only" in result.output
    result = CliRunner().invoke(cli(), ["browse", "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no archive at" in result.output
