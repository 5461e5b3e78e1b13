"""``gongkai discover`` end to end: on each replica county's home page alone it writes a profile,
and a crawl with nothing but that profile finds every report, those reachable only through
上一条/下一条 included (compared with the replica's ground truth). Also its politeness and its
one-line errors."""

from __future__ import annotations

import json
import sqlite3
import threading
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.profile import load_profile

GONGKAI = [sys.executable, "-m", "gongkai"]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
COUNTIES = ("renshou", "qingxi", "langang")

pytestmark = pytest.mark.e2e


def run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*GONGKAI, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module", params=COUNTIES)
def county(request, tmp_path_factory):
    from replica.generate import build_site
    from replica.server import ReplicaServer

    out = tmp_path_factory.mktemp(request.param)
    build_site(out, scale=1, variant=request.param)
    with ReplicaServer(out) as server:
        yield request.param, out, server


def truth(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


def test_discover_then_crawl_finds_every_report(county, tmp_path):
    name, out, server = county
    profile_path = tmp_path / f"{name}.toml"
    found = run("discover", server.url, "-o", str(profile_path), "--name", f"{name}-found", "--delay", "0")
    assert found.returncode == 0, found.stderr[-3000:]
    lines = found.stdout.splitlines()
    assert lines[0].endswith("pages fetched") and lines[-1].startswith(f"profile written to {profile_path}")
    for item in ("hub", "listing_rows", "pager", "article_body", "prev_next", "article_url", "listing_url"):
        (line,) = [x for x in lines if x.strip().startswith(item + " ")]
        assert float(line.split()[1]) >= 0.9, line
    assert sum(" column  township " in x for x in lines) >= 5

    discovery_requests = server.requests()
    paths = [e.path for e in discovery_requests]
    assert paths[0] == "/robots.txt"          # asked before any page
    assert len(paths) <= 41 and not [p for p in paths if p.startswith("/nbgl/") or "dynclicks" in p]
    assert {e.user_agent for e in discovery_requests} == {next(iter({e.user_agent for e in discovery_requests}))}

    profile = load_profile(profile_path)
    assert profile.name == f"{name}-found" and profile.hosts() == ("127.0.0.1",)
    assert profile.start_urls[0].startswith(server.url.rstrip("/"))

    data = tmp_path / "data"
    crawl = run("crawl", "--site", str(profile_path), "--data-dir", str(data), *FAST)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    with sqlite3.connect(data / "gongkai.sqlite") as db:
        urls = db.execute("select p.url from report_versions v join pages p on p.id = v.page_id").fetchall()
    reports = {urlsplit(u).path for (u,) in urls}
    pages = truth(out)
    wanted = {t["path"] for t in pages if t["kind"] == "article" and not t["disallowed"]}
    chain_only = {t["path"] for t in pages if t["kind"] == "article" and not t["listed"] and not t["disallowed"]}
    assert chain_only and len(wanted) >= 150
    assert reports == wanted


def test_discover_from_a_column_page_crawls_that_column(tmp_path):
    """Given one column's page instead of the home page (a portal whose 年度报告 column lists the
    reports itself looks like this), discover makes it the one column; the crawl finds its
    reports, chain-only ones included."""
    from replica.generate import build_site
    from replica.server import ReplicaServer

    build_site(tmp_path / "site", scale=1, variant="langang")
    pages = truth(tmp_path / "site")
    wanted = {t["path"] for t in pages if t["kind"] == "article" and t["column_id"] == 4519}
    with ReplicaServer(tmp_path / "site") as server:
        start = server.url.rstrip("/") + "/xxgk/nb/4519/index.htm"
        found = run("discover", start, "-o", str(tmp_path / "p.toml"), "--delay", "0")
        assert found.returncode == 0, found.stderr[-3000:]
        assert f"column  township   2018年乡镇政府信息公开年报-澜岗县人民政府  {start}" in found.stdout
        crawl = run("crawl", "--site", str(tmp_path / "p.toml"), "--data-dir", str(tmp_path / "data"), *FAST)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    with sqlite3.connect(tmp_path / "data" / "gongkai.sqlite") as db:
        urls = db.execute("select p.url from report_versions v join pages p on p.id = v.page_id").fetchall()
    assert {urlsplit(u).path for (u,) in urls} == wanted and len(wanted) == 30


def test_discover_waits_between_requests(tmp_path):
    from replica.generate import build_site
    from replica.server import ReplicaServer

    build_site(tmp_path / "site", scale=1, variant="langang")
    with ReplicaServer(tmp_path / "site") as server:
        result = run("discover", server.url, "-o", str(tmp_path / "p.toml"), "--delay", "0.3", "--max-pages", "8")
        assert result.returncode == 0, result.stderr[-3000:]
        times = [datetime.fromisoformat(e.time) for e in server.requests() if e.path != "/robots.txt"]
    assert 5 <= len(times) <= 8
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.25, gaps


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@contextmanager
def plain_site(root: Path):
    """A loopback site that is no county portal: a home page and one article, no report hub."""
    root.mkdir()
    (root / "index.html").write_text(
        "<html><head><title>A blog</title></head><body><ul><li><a href='post.html'>关于我们</a></li>"
        "<li><a href='post.html'>政府信息公开</a></li></ul></body></html>", encoding="utf-8")
    (root / "post.html").write_text("<html><body><p>没有年度报告的页面。</p></body></html>", encoding="utf-8")
    handler = partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_errors_are_one_line(tmp_path):
    from replica.generate import build_site
    from replica.server import ReplicaServer

    build_site(tmp_path / "site", scale=1, variant="qingxi")
    with ReplicaServer(tmp_path / "site") as server:
        base = server.url.rstrip("/")
        cases = {
            "non-HTML": (f"{base}/robots.txt", "is not an HTML page (text/plain)"),
            "missing page": (f"{base}/no-such-page.htm", "cannot fetch"),
        }
        for what, (url, message) in cases.items():
            result = run("discover", url, "-o", str(tmp_path / f"{what}.toml"), "--delay", "0")
            assert result.returncode == 1, (what, result.stdout, result.stderr)
            assert result.stderr.startswith("Error: ") and message in result.stderr, (what, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert not (tmp_path / f"{what}.toml").exists()
        port = urlsplit(server.url).port
    unreachable = run("discover", f"http://127.0.0.1:{port}/", "-o", str(tmp_path / "u.toml"), "--delay", "0")
    assert unreachable.returncode == 1 and unreachable.stderr.startswith(f"Error: cannot fetch http://127.0.0.1:{port}/")
    assert len(unreachable.stderr.strip().splitlines()) == 1
    with plain_site(tmp_path / "blog") as url:
        result = run("discover", url, "-o", str(tmp_path / "blog.toml"), "--delay", "0")
    assert result.returncode == 1 and result.stderr.startswith(f"Error: {url}: no page within two links")
    assert "not a county portal" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    bad = run("discover", "ftp://example.test/", "-o", str(tmp_path / "f.toml"))
    assert bad.returncode == 1 and "not an http(s) URL" in bad.stderr
    (tmp_path / "there.toml").write_text("x", encoding="utf-8")
    exists = run("discover", "http://127.0.0.1:9/", "-o", str(tmp_path / "there.toml"))
    assert exists.returncode == 1 and "pass --force" in exists.stderr
