"""The NGO pages (diff, trends, dossier) of a real crawl, read back from headless Chromium.

The replica site is crawled twice (the 2019 report of 向家镇 edited and hacked in between), the
pages are written by the CLI, and Chromium's DOM is checked: Chinese labels, no program id in any
text a reader sees, every in-page link lands on an element, every citation resolves to its WARC
record in the archive, and every outside link is an archived page.

The Chromium tests need Debian's chromium, which `make setup` installs (the suite installs nothing):
without it they skip, and fail when CI=true (the fixture of tests/test_diff_browser.py).
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.diff.i18n import program_ids
from archive.diff.model import Comparison
from archive.metrics.catalogue import DERIVED, METRICS, SECTION_BY_ID, TEMPLATES
from archive.metrics.concordance import CONCORDANCE, Relation
from archive.warc.reader import read_record
from gongkai.compare import diff_command, trends_command
from gongkai.dossier import dossier_command
from replica.generate import build_site
from replica.mutate import edit_report, inject_spam, read_truth
from replica.server import ReplicaServer
from replica.spam import SpamKind
from tests.test_diff_browser import _run, chromium, dump_dom  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.e2e   # and the tests that use Chromium: browser

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
TOWNSHIP = "向家镇"
PROGRAM_IDS = (set(METRICS) | set(DERIVED) | {c.id for c in CONCORDANCE} | set(SECTION_BY_ID) | set(TEMPLATES)
               | program_ids() | {c.value for c in Comparison} | {r.value for r in Relation})
_NOT_PROSE = re.compile(r"https?://\S+|gongkai-[\w.-]+\.warc\.gz|<urn:uuid:[0-9a-f-]+>")


def crawl(url: str, data: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "gongkai", "crawl", "--start-url", url, "--data-dir", str(data),
                           *FAST], capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """A crawl of the replica, then a second one after 向家镇's 2019 report was edited and hacked."""
    root = tmp_path_factory.mktemp("ngo")
    replica, data = root / "replica", root / "data"
    build_site(replica, scale=1)
    path = next(t["path"] for t in read_truth(replica).values()
                if t["kind"] == "article" and t.get("township") == TOWNSHIP and t.get("report_year") == 2019)
    with ReplicaServer(replica) as server:
        crawl(server.url, data)
        edit_report(replica, path, metric="meetings", delta=2)
        inject_spam(replica, path, kind=SpamKind.WORD_SWAP)
        crawl(server.url, data)
    return data


@pytest.fixture(scope="module")
def pages(archive) -> dict[str, str]:
    out = archive / "pages"
    out.mkdir()
    db = ["--data-dir", str(archive)]
    runs = {
        "diff-2021-2024": (diff_command, ["--township", TOWNSHIP, "--from-year", "2021", "--to-year", "2024",
                                          "--format", "html"]),
        "diff-2018-2019": (diff_command, ["--township", TOWNSHIP, "--from-year", "2018", "--to-year", "2019",
                                          "--format", "html"]),
        "trends": (trends_command, ["--township", TOWNSHIP]),
        "dossier": (dossier_command, ["--township", TOWNSHIP]),
    }
    written = {}
    for name, (command, args) in runs.items():
        target = out / f"{name}.html"
        result = CliRunner().invoke(command, [*db, *args, "-o", str(target)])
        assert result.exit_code == 0, result.output
        written[name] = target.read_text(encoding="utf-8")
    return written


class Dom(HTMLParser):
    """Text a reader can see (body and title; not CSS), element ids, links and citations. Text the
    pages quote from the archive (report sentences, injected spam: ``td.quoted``) is kept apart:
    it is the evidence, not the program's words."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.quoted: list[str] = []
        self._in_quote = False
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.citations: list[dict[str, str]] = []
        self.point_links = 0
        self._skip = 0
        self._svg_a = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "td" and "quoted" in (attrs.get("class") or "").split():
            self._in_quote = True
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
            self._svg_a = True
        if tag == "circle" and self._svg_a:
            self.point_links += 1
        if "data-warc" in attrs:
            self.citations.append(attrs)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "a":
            self._svg_a = False
        if tag == "td":
            self._in_quote = False

    def handle_data(self, data):
        if not self._skip:
            (self.quoted if self._in_quote else self.text).append(data)


def read_dom(chromium, tmp_path, html: str) -> Dom:
    dom = Dom()
    dom.feed(dump_dom(chromium, tmp_path, html))
    return dom


def archived_urls(data: Path) -> set[str]:
    with sqlite3.connect(data / "gongkai.sqlite") as db:
        return {row[0] for row in db.execute("select url from pages")}


@pytest.mark.browser
@pytest.mark.parametrize("name, labels", [
    ("diff-2021-2024", ("向家镇 2021 → 2024 年度报告对比", "主动公开政府信息", "收到和处理政府信息公开申请情况", "可比")),
    ("diff-2018-2019", ("报告格式变化", "不再报告", "新增", "行政诉讼：总计（直接起诉与复议后起诉合计）")),
    ("trends", ("向家镇：历年统计数据", "主动公开政府信息（条）", "回应关切、会议和培训", "报告与引用")),
    ("dossier", ("向家镇：政府信息公开工作年度报告档案", "同一报告的改动（静默修改）", "词语被替换", "雷同比对")),
])
def test_page_reads_in_chinese_and_cites_the_archive(chromium, tmp_path, archive, pages, name, labels):
    dom = read_dom(chromium, tmp_path, pages[name])
    text = " ".join(dom.text)
    for words in labels:
        assert words in text, words
    prose = _NOT_PROSE.sub(" ", text)
    tokens = set(re.findall(r"[A-Za-z0-9_-]+", prose))
    assert not tokens & PROGRAM_IDS, sorted(tokens & PROGRAM_IDS)
    assert not [t for t in tokens if "_" in t]
    # every link stays in the page or points at an archived page
    inside = [h[1:] for h in dom.hrefs if h.startswith("#")]
    outside = [h for h in dom.hrefs if not h.startswith("#")]
    assert inside and set(inside) <= dom.ids
    assert set(outside) <= archived_urls(archive)
    # every citation is a real record of the archive's WARC files: its id and URL
    assert dom.citations
    for cite in dom.citations:
        record = read_record(archive / "warc" / cite["data-warc"], int(cite["data-offset"]))
        assert (record.record_id, record.target_uri, record.record_type) == (
            cite["data-record"], cite["data-url"], "response")


@pytest.mark.browser
def test_trend_points_are_labelled_and_linked(chromium, tmp_path, pages):
    dom = read_dom(chromium, tmp_path, pages["trends"])
    html = pages["trends"]
    points = html.count("<circle")
    assert points > 20 and dom.point_links == points          # every point is a link to its citation
    assert html.count('paint-order="stroke"') == points       # and carries its value
    assert "@media print" in html


@pytest.mark.browser
def test_pages_print(chromium, tmp_path, pages):
    """Printing keeps charts and table rows whole across pages; the PDF is written."""
    for name in ("trends", "dossier"):
        source, pdf = tmp_path / f"{name}.html", tmp_path / f"{name}.pdf"
        source.write_text(pages[name], encoding="utf-8")
        done = _run(chromium, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", source.as_uri())
        assert done.returncode == 0 and pdf.read_bytes().startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) >= 2


def test_year_diff_across_the_template_change_compares_what_both_state(archive):
    result = CliRunner().invoke(diff_command, ["--data-dir", str(archive), "--township", TOWNSHIP,
                                               "--from-year", "2018", "--to-year", "2019", "--format", "json"])
    rows = json.loads(result.output)["statistics"]
    both = [r for r in rows if r["from"] is not None and r["to"] is not None]
    assert len(both) >= 10
    assert all(r["comparison"] in ("comparable", "changed_definition") for r in both)
    assert {r["metric"] for r in both} >= {"active_total", "active_website", "public_responses", "meetings",
                                           "trainings", "trainees", "applications_new", "review_total",
                                           "litigation_all"}
    assert all(r["label_zh"] and r["label_en"] and r["section"] for r in rows)


@pytest.mark.browser
def test_dossier_shows_the_silent_edit_and_the_spam(chromium, tmp_path, pages):
    dom = read_dom(chromium, tmp_path, pages["dossier"])
    text = " ".join(dom.text)
    assert "2019年报告：第1版 → 第2版" in text and "召开政务公开工作会议" in text
    assert "已恢复原词" in text and "证据（原文上下文）" in text
    assert any("下一步" in q for q in dom.quoted)             # the replaced closing paragraph, quoted
