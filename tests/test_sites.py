"""Site profiles: every shipped profile loads, and a second county on the same CMS with other
template choices is crawled completely with nothing but its profile."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.profile import available_profiles, load_profile, profile_rows

GONGKAI = [sys.executable, "-m", "gongkai"]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


def test_every_shipped_profile_loads_under_its_file_name():
    paths = available_profiles()
    assert {p.stem for p in paths} >= {"renshou", "qingxi", "langang"}
    for path in paths:
        profile = load_profile(path.stem)
        assert profile.name == path.stem
        assert profile.selectors.listing_rows and profile.selectors.pager_links
        assert profile.politeness.concurrent_requests_per_domain >= 1


def test_profile_rows_list_each_site():
    rows = {row["name"]: row for row in profile_rows()}
    assert rows["renshou"]["hosts"] == "www.rs.gov.cn"
    assert rows["renshou"]["download_delay"] == 2.0
    assert rows["qingxi"]["hosts"] == "(from --start-url)"


def test_malformed_profile_is_a_row_not_a_crash(tmp_path):
    (tmp_path / "broken.toml").write_text("name = 'broken'\n[links]\n", encoding="utf-8")
    (rows,) = profile_rows(tmp_path)
    assert rows["name"] == "broken" and rows["title"].startswith("ERROR: site profile")


def _served(tmp_path_factory, variant: str):
    from replica.generate import build_site
    from replica.server import ReplicaServer

    out = tmp_path_factory.mktemp(variant)
    build_site(out, scale=1, variant=variant)
    with ReplicaServer(out) as server:
        yield out, server


@pytest.fixture(scope="module")
def qingxi_site(tmp_path_factory):
    yield from _served(tmp_path_factory, "qingxi")


@pytest.fixture(scope="module")
def langang_site(tmp_path_factory):
    yield from _served(tmp_path_factory, "langang")


def _crawl(site: str, url: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*GONGKAI, "crawl", "--site", site, "--start-url", url, "--data-dir", str(data_dir), *FAST],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


def _reports(data_dir: Path) -> set[str]:
    with sqlite3.connect(data_dir / "gongkai.sqlite") as db:
        urls = db.execute("select p.url from report_versions v join pages p on p.id = v.page_id").fetchall()
    return {urlsplit(u).path for (u,) in urls}


@pytest.mark.e2e
def test_second_county_is_crawled_with_only_its_profile(qingxi_site, tmp_path):
    out, server = qingxi_site
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = {t["path"] for t in truth if t["kind"] == "article"}
    chain_only = {t["path"] for t in truth if t["kind"] == "article" and not t["listed"]}
    assert chain_only and len(articles) == 150 + 71   # townships; departments, zone and county

    result = _crawl("qingxi", server.url, tmp_path / "qingxi")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _reports(tmp_path / "qingxi") == articles
    requested = {e.path for e in server.requests()}
    # dynamic column lists were followed page by page, query strings intact
    lists = {p for p in requested if "lm_list.jsp?" in p}
    expected_lists = {t["path"] for t in truth if t["kind"] == "listing"}
    assert lists == expected_lists
    assert not [p for p in requested if "dynclicks" in p]
    with sqlite3.connect(tmp_path / "qingxi" / "gongkai.sqlite") as db:
        titles = dict(db.execute("select p.url, v.title from report_versions v join pages p on p.id = v.page_id"))
    by_path = {urlsplit(u).path: title for u, title in titles.items()}
    wanted = {t["path"]: t["title"] for t in truth if t["kind"] == "article"}
    assert sum(by_path[p] == wanted[p] for p in wanted) >= 0.95 * len(wanted)


@pytest.mark.e2e
def test_the_renshou_profile_does_not_fit_the_second_county(qingxi_site, tmp_path):
    out, server = qingxi_site
    result = _crawl("renshou", server.url, tmp_path / "renshou")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _reports(tmp_path / "renshou") == set()


@pytest.mark.e2e
def test_third_county_is_crawled_from_its_home_page_with_only_its_profile(langang_site, tmp_path):
    """澜岗县: the hub is two links from the home page (政府信息公开 first), listings are
    index_N.htm numbered forwards, the pager reads 下一页, chains print 没有了 at their ends."""
    out, server = langang_site
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = {t["path"] for t in truth if t["kind"] == "article"}
    chain_only = {t["path"] for t in truth if t["kind"] == "article" and not t["listed"]}
    assert chain_only and len(articles) == 150 + 71   # townships; departments, zone and county

    result = _crawl("langang", server.url, tmp_path / "langang")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _reports(tmp_path / "langang") == articles
    requested = {e.path for e in server.requests()}
    assert {t["path"] for t in truth if t["kind"] == "listing"} <= requested
    assert not [p for p in requested if "javascript" in p or "dynclicks" in p]
