"""Hostile input: values from pages and from users reach SQL only as bound parameters, file names
stay inside their folder, and the replica server serves nothing outside its site.

A crawl (SQLite and PostgreSQL) starts at a listing of reports whose titles, link texts and URL
query strings are injection strings (replica/faults.py ``hostile_plan``); then the
commands that take user input (``changes --run/--since``, ``export``, ``search``, ``show``) get the
same strings, and the tables are checked intact.

``search`` and ``show`` (gongkai/research.py) are driven here as click commands through
CliRunner, and through the library.
"""

from __future__ import annotations

import json
import shutil
import socket
import string
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st
from sqlalchemy import func, inspect, select

from archive.reports.cite import CiteError, Citation, raw_response, report_view
from archive.sql.engine import make_engine, make_sessionmaker
from archive.runs.lock import lock_path
from archive.sql.models import Capture, CrawlRun, Event, Page, ReportVersion
from gongkai.research import search_command, show_command
from archive.search import Query, QueryError, SearchFilters, parse_query
from archive.sql.search import search
from archive.warc.writer import WarcWriter, sanitize_name_part
from replica.faults import HOSTILE_COLUMN, HOSTILE_STRINGS, hostile_plan
from gongkai.cli import main
from replica.server import ReplicaServer
from tests.conftest import fresh_pg_database

GONGKAI = [sys.executable, "-m", "gongkai"]
#: Tests on the archive a hostile crawl made (the ``hostile_archive`` fixture runs the crawl).
crawled = pytest.mark.e2e
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
TABLES = (CrawlRun, Page, Capture, ReportVersion, Event)
#: Exit codes a user error may produce: 0 (nothing found), 1 (ClickException), 2 (usage error).
CLEAN_EXITS = (0, 1, 2)


def crawl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*GONGKAI, "crawl", *args], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile_archive(request, replica_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"hostile-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            db_url = f"sqlite:///{data_dir / 'gongkai.sqlite'}"
        else:
            db_url = stack.enter_context(fresh_pg_database())
        with ReplicaServer(replica_dir, faults=hostile_plan()) as server:
            start = f"{server.url}faults/{HOSTILE_COLUMN}.htm"
            result = crawl("--start-url", start, "--data-dir", str(data_dir), "--db", db_url, *FAST)
        assert result.returncode == 0, result.stderr[-3000:]
        engine = make_engine(db_url)
        yield {"data_dir": data_dir, "db_url": db_url, "sessions": make_sessionmaker(engine),
               "base": server.url.rstrip("/")}
        engine.dispose()


def common(archive) -> list[str]:
    return ["--db", archive["db_url"], "--data-dir", str(archive["data_dir"])]


def table_counts(archive) -> dict[str, int]:
    with archive["sessions"]() as session:
        names = set(inspect(session.get_bind()).get_table_names())
        assert {t.__tablename__ for t in TABLES} <= names, "a table is gone"
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def stored_texts(archive) -> list[str]:
    with archive["sessions"]() as session:
        return list(session.scalars(select(ReportVersion.raw_text)))


# values from pages
@crawled
def test_every_hostile_page_is_archived_with_its_text_intact(hostile_archive):
    counts = table_counts(hostile_archive)
    assert counts["report_versions"] == len(HOSTILE_STRINGS) + 1
    first_lines = {text.split("\n", 1)[0] for text in stored_texts(hostile_archive)}
    for value in HOSTILE_STRINGS:
        assert value.replace("\x00", "") in first_lines, value[:40]


@crawled
def test_hostile_query_string_url_is_stored_verbatim(hostile_archive):
    with hostile_archive["sessions"]() as session:
        urls = set(session.scalars(select(Page.url)))
    assert f"{hostile_archive['base']}/info/{HOSTILE_COLUMN}/99.htm?id=1%27%20OR%20%271%27=%271" in urls


# values from users
@crawled
@pytest.mark.parametrize("value", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
def test_changes_rejects_hostile_run_and_since(hostile_archive, value):
    before = table_counts(hostile_archive)
    for option in ("--run", "--since"):
        result = CliRunner().invoke(main, ["changes", *common(hostile_archive), option, value])
        assert result.exit_code == 2, (option, result.output[-500:])
        assert isinstance(result.exception, SystemExit)
    assert table_counts(hostile_archive) == before


@crawled
def test_export_writes_hostile_text_as_data(hostile_archive, tmp_path):
    before = table_counts(hostile_archive)
    out = tmp_path / "export.jsonl"
    result = CliRunner().invoke(main, ["export", *common(hostile_archive), "--format", "jsonl", "--output", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "'; DROP TABLE report_versions; --" in {r["raw_text"].split("\n", 1)[0] for r in records}
    assert table_counts(hostile_archive) == before


@crawled
@pytest.mark.parametrize("value", [v for v in HOSTILE_STRINGS if "\x00" not in v])
def test_search_library_binds_hostile_queries_and_filters(hostile_archive, value):
    before = table_counts(hostile_archive)
    with hostile_archive["sessions"]() as session:
        try:
            search(session, parse_query(value))
        except QueryError:
            pass   # a query the parser refuses is a user error, reported as one
        for name in ("township", "source"):
            query = Query(node=parse_query("年度报告").node, filters=SearchFilters(**{name: value}))
            hits = search(session, query)
            if value in ("%", "_"):   # LIKE wildcards match themselves only: no field holds them
                assert hits == []
    assert table_counts(hostile_archive) == before


@crawled
def test_search_library_refuses_nul_as_a_query_error(hostile_archive):
    with hostile_archive["sessions"]() as session:
        try:
            search(session, parse_query("a\x00b"))
        except QueryError:
            pass


@crawled
def test_search_finds_injection_text_as_plain_text(hostile_archive):
    with hostile_archive["sessions"]() as session:
        hits = search(session, parse_query('"DROP TABLE report_versions"'))
    assert [h.url.rsplit("/", 1)[1] for h in hits] == ["1.htm"]


@crawled
@pytest.mark.parametrize("value", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
def test_search_and_show_commands_take_hostile_arguments(hostile_archive, value):
    before = table_counts(hostile_archive)
    runner = CliRunner()
    arg = value.replace("\x00", "")   # argv cannot carry NUL
    paths = common(hostile_archive)
    for command, args in (
        (search_command, [arg, *paths]),
        (search_command, ["报告", "--source", arg, *paths]),
        (search_command, ["报告", "--township", arg, "--format", "json", *paths]),
        (show_command, [arg, *paths]),
        (show_command, [f"{hostile_archive['base']}/{arg}", "--format", "json", *paths]),
    ):
        result = runner.invoke(command, args)
        assert result.exit_code in CLEAN_EXITS, (command.name, args[:1], result.output[-500:])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    with hostile_archive["sessions"]() as session:
        with pytest.raises(CiteError):
            report_view(session, arg)
    assert table_counts(hostile_archive) == before


@crawled
def test_verify_is_clean_after_the_attacks(hostile_archive):
    result = CliRunner().invoke(main, ["verify", *common(hostile_archive)])
    assert result.exit_code == 0, result.output


# file names
SAFE_NAME = set(string.ascii_letters + string.digits + "_-")


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=80))
def test_warc_and_lock_name_parts_cannot_leave_their_folder(value):
    part = sanitize_name_part(value)
    assert part and set(part) <= SAFE_NAME
    assert lock_path(Path("/data"), value or None).parent == Path("/data")


@pytest.mark.parametrize("hostile", ["../../evil", "/etc/passwd", "..", "a/../../b", "\x00", "C:\\x"])
def test_warc_writer_keeps_files_in_its_directory(tmp_path, hostile):
    warc_dir = tmp_path / "warc"
    writer = WarcWriter(warc_dir, prefix=hostile, worker_id=hostile, warcinfo={"software": "test"})
    writer.write_metadata(url="http://127.0.0.1/x", refers_to="<urn:uuid:0>", payload=b"x", content_type="text/plain")
    writer.close()
    assert [p.parent for p in tmp_path.rglob("*") if p.is_file()] == [warc_dir]


@crawled
def test_citation_cannot_point_outside_the_warc_folder(hostile_archive, tmp_path):
    warc_dir = hostile_archive["data_dir"] / "warc"
    original = sorted(warc_dir.glob("*.warc.gz"))[0]
    outside = hostile_archive["data_dir"] / "outside.warc.gz"
    shutil.copy(original, outside)
    cite = Citation(url="http://x/", warc_filename="../outside.warc.gz", warc_offset=0, warc_length=None,
                    warc_record_id=None, payload_digest=None, captured_at=None)
    with pytest.raises(CiteError):
        raw_response(hostile_archive["data_dir"], cite)


# the replica server
TRAVERSALS = (
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
    "/site/../manifest.json", "/../manifest.json", "//etc/passwd", "/manifest.json", "/access.log",
    "/truth.jsonl", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd", "/info/4519/..%2f..%2f..%2fmanifest.json",
    "/\x00/etc/passwd", "http://127.0.0.1/../../etc/passwd",
)


@pytest.mark.parametrize("path", TRAVERSALS)
def test_replica_server_serves_nothing_outside_its_site(replica_server, path):
    host, port = replica_server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET " + path.encode("latin-1") + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    status = int(response.split(b" ", 2)[1])
    assert status in (400, 404), response[:200]
    assert b"root:" not in response and b'"content_type"' not in response and b'"path"' not in response
