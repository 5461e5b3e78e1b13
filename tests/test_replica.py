"""The replica site: generated structure, ground truth, HTTP server and mutations."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from replica import build_site
from replica.files import MANIFEST_FILE
from replica.model import Site, build_model
from replica.townships import Township
from replica.mutate import read_truth
from replica.server import ReplicaServer
from replica.spam import SpamKind
from pipelines.text import body_text

BASE = "http://replica.test/"
DISALLOWED = ("/nbgl/", "/system/resource/")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("replica")
    return out, build_site(out)


@pytest.fixture(scope="session")
def out_dir(built) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def truth(out_dir) -> dict[str, dict]:
    return read_truth(out_dir)


@pytest.fixture(scope="session")
def manifest(out_dir) -> dict[str, dict]:
    return json.loads((out_dir / MANIFEST_FILE).read_text())


@pytest.fixture(scope="session")
def server(out_dir):
    with ReplicaServer(out_dir) as running:
        yield running


def raw(out_dir: Path, manifest: dict, path: str) -> bytes:
    return (out_dir / "site" / manifest[path]["file"]).read_bytes()


def page_text(out_dir, manifest, truth, path) -> str:
    return raw(out_dir, manifest, path).decode(truth[path]["encoding"])


def reports(truth) -> list[dict]:
    return [row for row in truth.values() if row["kind"] == "article" and not row["disallowed"]]


def fetch(server: ReplicaServer, path: str, method: str = "GET", headers: dict | None = None):
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# ---------------------------------------------------------------- structure


def test_counts(built, truth, manifest):
    _, summary = built
    assert summary.reports == 150 + 65 + 6     # townships, departments and zone, county government
    assert summary.disallowed_reports == 6
    assert summary.pages == len(manifest) - 1          # "/" duplicates /index.htm
    assert summary.listings == Counter(r["kind"] for r in truth.values())["listing"] >= 16
    kinds = Counter(row["kind"] for row in truth.values())
    assert {"home", "hub", "listing", "article", "news", "attachment", "robots", "other"} <= set(kinds)
    assert set(truth) == set(manifest)


def test_robots_and_disallowed_column(out_dir, manifest, truth):
    robots = raw(out_dir, manifest, "/robots.txt").decode()
    assert "User-agent: *" in robots and "Disallow: /nbgl/" in robots
    hub = page_text(out_dir, manifest, truth, "/zfxxgk/ndbg.htm")
    assert 'href="../nbgl/4600.htm"' in hub and "内部审核" in hub
    assert all(row["disallowed"] for path, row in truth.items() if path.startswith("/nbgl/"))
    home = page_text(out_dir, manifest, truth, "/index.htm")
    assert 'href="zfxxgk/ndbg.htm"' in home and "http://www.gov.cn/" in home
    assert "网站标识码:5114210002" in home and "dynclicks" in raw(out_dir, manifest, "/info/4519/" + next(
        p.rsplit("/", 1)[1] for p in truth if p.startswith("/info/4519/"))).decode("utf-8", "replace")


def _links(doc) -> list[str]:
    out = []
    for tag, attr in (("a", "href"), ("iframe", "src"), ("script", "src"), ("img", "src"), ("link", "href")):
        out += [el.get(attr) for el in doc.iter(tag) if el.get(attr)]
    return out


def test_every_link_resolves(out_dir, manifest, truth):
    checked = 0
    for path, row in truth.items():
        if not manifest[path]["content_type"].startswith("text/html"):
            continue
        doc = lxml_html.document_fromstring(page_text(out_dir, manifest, truth, path))
        for href in _links(doc):
            if href.startswith(("javascript:", "#")):
                continue
            target = urlsplit(urljoin(BASE + path.lstrip("/"), href))
            if f"{target.scheme}://{target.netloc}/" != BASE:
                assert target.scheme in ("http", "https"), (path, href)
                continue
            local = target.path + (f"?{target.query}" if target.query else "")
            assert local in manifest or local.startswith(DISALLOWED), (path, href)
            checked += 1
    assert checked > 4000


def _listing_chain(out_dir, manifest, truth, first: str) -> list[tuple[str, int, str]]:
    """Follow 下页 from ``first``: (page path, number of items, first item href)."""
    pages, path, items = [], first, []
    while path:
        doc = lxml_html.document_fromstring(page_text(out_dir, manifest, truth, path))
        rows = doc.cssselect('li[id^="line_u"] a')
        items += [urljoin(BASE + path.lstrip("/"), a.get("href")) for a in rows
                  if not a.get("href").startswith("javascript:")]
        pages.append((path, rows[0].get("href")))
        nxt = doc.cssselect("span.p_next.p_fun a") + [a for a in doc.cssselect("a.Next") if a.text == "下页"]
        path = urlsplit(urljoin(BASE + path.lstrip("/"), nxt[0].get("href"))).path if nxt else None
    return pages, [urlsplit(u).path for u in items]


@pytest.mark.parametrize("column,variant", [(4519, "a"), (4516, "b"), (4525, "b"), (5024, "a")])
def test_listing_pagers(out_dir, manifest, truth, column, variant):
    pages, items = _listing_chain(out_dir, manifest, truth, f"/zfxxgk/{column}.htm")
    count = len(pages)
    assert count == 3
    assert [p for p, _ in pages] == [f"/zfxxgk/{column}.htm"] + [f"/zfxxgk/{column}/{n}.htm"
                                                                    for n in range(count - 1, 0, -1)]
    assert pages[0][1].startswith("../info/") and all(h.startswith("../../info/") for _, h in pages[1:])
    listed = {row["path"] for row in reports(truth) if row["column_id"] == column and row["listed"]}
    assert set(items) == listed and len(items) == len(listed)
    last = page_text(out_dir, manifest, truth, pages[-1][0])
    first = page_text(out_dir, manifest, truth, pages[0][0])
    if variant == "a":
        assert 'class="p_next_d' in last and "span class=\"p_pages\"" in first
    else:
        assert re.search(r'<td id="fanye148356"[^>]*>共%d条&nbsp;&nbsp;1/3&nbsp;</td>' % len(listed), first)
        assert 'class="PrevDisabled"' in first and 'class="NextDisabled"' in last


def test_javascript_item_and_date_tags(out_dir, manifest, truth):
    assert 'href="javascript:void(0);"' in page_text(out_dir, manifest, truth, "/zfxxgk/4519.htm")
    assert re.search(r"</a><i>\d{4}-\d\d-\d\d</i>", page_text(out_dir, manifest, truth, "/zfxxgk/4694.htm"))


def test_chain_only_articles(truth):
    rows = reports(truth)
    by_path = {row["path"]: row for row in rows}
    hidden = [row for row in rows if not row["listed"]]
    assert len(hidden) == 5 * 2 + 5 * 2 + 1    # two per township and department column, one of the county's
    linked = {row["prev_path"] for row in rows} | {row["next_path"] for row in rows}
    assert all(row["path"] in linked for row in hidden)
    for row in rows:
        if row["next_path"]:
            assert by_path[row["next_path"]]["prev_path"] == row["path"]
    ends = Counter((row["prev_path"] is None, row["next_path"] is None) for row in rows)
    assert ends[(True, False)] == ends[(False, True)] == 5 + 5 + 1


def test_article_page_shape(out_dir, manifest, truth):
    layouts = Counter()
    for row in reports(truth):
        text = page_text(out_dir, manifest, truth, row["path"])
        doc = lxml_html.document_fromstring(text)
        form = doc.cssselect('form[name="_newscontent_fromname"]')[0]
        assert form.cssselect('div[id^="vsb_content"] .v_news_content')
        if not row["spam"]:
            assert body_text(text).splitlines()[0] == row["title"] == row["clean_text"].splitlines()[0]
        assert f"本报告由{row['issuer']}根据" in row["clean_text"]
        for marker in ("来源：&nbsp;", "发布时间：", "公开日期 ", "发布日期:", "索 引 号", 'name="PubDate"',
                       "上一条：", "下一条：", "【关闭】"):
            layouts[marker] += marker in text
    assert all(layouts[m] >= 5 for m in layouts), layouts
    assert sum(row["source"] is None for row in reports(truth)) > 50
    texts = "\n".join(row["clean_text"] for row in reports(truth))
    assert "统计期限为2024年1月1日起至12月31日止" in texts or "统计期限为20241月1日起至12月31日止" in texts
    assert texts.count("20241月1日") == 1
    assert {row["template"] for row in reports(truth)} == {"prose-2016", "trial-2019", "revised-2021"}
    assert "本年新制作数量" in texts and "本年制发件数" in texts


def test_statistics_consistent(truth):
    for row in reports(truth):
        stats = {s["metric"]: s["value"] for s in row["statistics"]}
        assert stats["active_website"] + stats["active_offline"] == stats["active_total"]
        if row["template"] == "prose-2016":
            cats = ("plans", "dynamics", "public_opinion", "policy", "finance", "other")
            assert sum(stats[f"active_{c}"] for c in cats) == stats["active_website"]
            assert f"其他信息{stats['active_other']}条" in row["clean_text"]
        else:
            assert stats["applications_granted"] + stats["applications_partial"] + \
                stats["applications_unavailable"] == stats["applications_handled"]
        assert "主动公开" in row["clean_text"] and str(stats["active_total"]) in row["clean_text"]
        assert f"{stats['trainees']}余人次" in row["clean_text"]


def test_gb18030_pages(out_dir, manifest, truth):
    gb = [path for path, row in truth.items() if row["encoding"] == "gb18030"]
    assert len(gb) > 30
    rare = False
    for path in gb:
        data = raw(out_dir, manifest, path)
        text = data.decode("gb18030")
        assert re.search(r'charset="?gb2312', text)
        assert manifest[path]["content_type"] in ("text/html", "text/html; charset=gb2312")
        rare = rare or any(ch in text for ch in "堃䶮")
    assert rare
    with pytest.raises(UnicodeEncodeError):
        "堃".encode("gb2312")
    sent = Counter(manifest[path]["content_type"] for path in gb)
    assert sent["text/html"] > 5 and sent["text/html; charset=gb2312"] > 5


def test_page_sizes(out_dir, manifest):
    sizes = [len((out_dir / "site" / entry["file"]).read_bytes())
             for entry in manifest.values() if entry["content_type"].startswith("text/html")]
    assert min(sizes) >= 10_000 and max(sizes) <= 30_000


def test_attachments(out_dir, manifest, truth):
    attachments = [row for row in truth.values() if row["kind"] == "attachment"]
    assert attachments
    for row in attachments:
        assert row["path"].startswith("/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=")
        assert "filename*=UTF-8''" in manifest[row["path"]]["content_disposition"]
    kinds = Counter(manifest[row["path"]]["content_type"] for row in attachments)
    assert kinds["application/pdf"] and kinds["application/vnd.ms-excel"]
    pdf = next(r["path"] for r in attachments if manifest[r["path"]]["content_type"] == "application/pdf")
    assert raw(out_dir, manifest, pdf).startswith(b"%PDF-1.4") and raw(out_dir, manifest, pdf).endswith(b"%%EOF\n")


# ---------------------------------------------------------------- spam


def test_every_spam_kind_present(out_dir, manifest, truth):
    rows = reports(truth)
    spammed = [row for row in rows if row["spam"]]
    assert 0.25 < len(spammed) / len(rows) < 0.5
    per_kind = Counter(kind for row in spammed for kind in {s["kind"] for s in row["spam"]})
    assert set(per_kind) == {k.value for k in SpamKind}
    assert min(per_kind.values()) >= 3
    words = {s["original"] for row in spammed for s in row["spam"] if s["kind"] == SpamKind.WORD_SWAP}
    assert "其他" in words and len(words) >= 3
    for row in spammed:
        text = page_text(out_dir, manifest, truth, row["path"])
        for record in row["spam"]:
            for line in record["text"].splitlines():
                assert line in text, (row["path"], record)


def test_clean_text_has_no_injected_text(out_dir, manifest, truth):
    for row in reports(truth):
        for record in row["spam"]:
            for line in record["text"].splitlines():
                assert line not in row["clean_text"], (row["path"], record)
            if record["kind"] == SpamKind.WORD_SWAP:
                assert record["original"] in row["clean_text"]
        if not row["spam"]:
            assert body_text(page_text(out_dir, manifest, truth, row["path"])) == row["clean_text"]


def test_legitimate_lookalikes_on_clean_pages(truth):
    clean = "\n".join(row["clean_text"] for row in reports(truth) if not row["spam"])
    for needle in ("其他信息", "其他需要报告的事项", "文化体育", "政务平台", "《关于规范体育彩票", "皇冠村"):
        assert needle in clean, needle


def test_pinyin_example(truth):
    records = [s for row in reports(truth) for s in row["spam"] if s["kind"] == SpamKind.PINYIN_GLOSS]
    assert {"政(zheng)府(fu)", "信(xin)息(xi)"} <= {s["text"] for s in records}


def test_deterministic(truth):
    a: Site = build_model(seed=7)
    b: Site = build_model(seed=7)
    assert [(x.id, x.township.name, x.published) for x in a.articles.values()] == \
        [(x.id, x.township.name, x.published) for x in b.articles.values()]
    assert build_model(scale=2).articles.keys().__len__() == 306 + 71   # departments do not scale
    names = [t.name for t in {a.unit for a in build_model(scale=3).articles.values()} if isinstance(t, Township)]
    assert len(names) == len(set(names)) == 90


# ---------------------------------------------------------------- server


def test_server_get_and_validators(server, out_dir, manifest):
    body = raw(out_dir, manifest, "/index.htm")
    status, headers, data = fetch(server, "/")
    assert status == 200 and data == body
    assert headers["ETag"] == '"%s"' % hashlib.sha1(body).hexdigest()
    assert headers["Content-Length"] == str(len(body)) and "Transfer-Encoding" not in headers
    assert fetch(server, "/index.htm", headers={"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(server, "/index.htm", headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    old = "Sat, 01 Jan 2000 00:00:00 GMT"
    assert fetch(server, "/index.htm", headers={"If-Modified-Since": old})[0] == 200
    assert fetch(server, "/index.htm", headers={"If-None-Match": '"nope"'})[0] == 200


def test_server_404_head_gzip_and_query(server, out_dir, manifest, truth):
    status, headers, data = fetch(server, "/info/9999/1.htm")
    assert status == 404 and "404" in data.decode() and headers["Content-Type"].startswith("text/html")
    status, headers, data = fetch(server, "/zfxxgk/ndbg.htm", method="HEAD")
    assert status == 200 and data == b"" and int(headers["Content-Length"]) == len(
        raw(out_dir, manifest, "/zfxxgk/ndbg.htm"))
    path = next(p for p, row in truth.items() if row["kind"] == "article" and row["encoding"] == "gb18030")
    status, headers, data = fetch(server, path, headers={"Accept-Encoding": "gzip, deflate"})
    assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(data) == raw(out_dir, manifest, path)
    assert headers["Content-Type"] == manifest[path]["content_type"]
    attachment = next(p for p, row in truth.items() if row["kind"] == "attachment")
    status, headers, data = fetch(server, attachment, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "Content-Encoding" not in headers and data == raw(out_dir, manifest, attachment)
    assert headers["Content-Disposition"].startswith("attachment;")
    assert fetch(server, attachment.replace("wbfileid=", "wbfileid=9"))[0] == 404


def test_access_log(server, out_dir):
    fetch(server, "/robots.txt", headers={"User-Agent": "gongkai-test/1", "If-None-Match": '"x"'})
    entries = server.requests()
    last = entries[-1]
    assert (last.method, last.path, last.status, last.user_agent, last.if_none_match) == \
        ("GET", "/robots.txt", 200, "gongkai-test/1", '"x"')
    lines = (out_dir / "access.log").read_text().splitlines()
    assert len(lines) == len(entries) and json.loads(lines[-1])["path"] == "/robots.txt"


def test_cli_prints_url_and_serves(out_dir):
    proc = subprocess.Popen([sys.executable, "-m", "replica.server", str(out_dir), "--port", "0"],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
    try:
        line = proc.stdout.readline()
        assert line.startswith("REPLICA http://127.0.0.1:")
        url = urlsplit(line.split()[1])
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        conn.request("GET", "/robots.txt")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_static_page_ignores_query_string(server, out_dir, manifest):
    status, _, data = fetch(server, "/zfxxgk/ndbg.htm?from=menu")
    assert status == 200 and data == raw(out_dir, manifest, "/zfxxgk/ndbg.htm")


# ---------------------------------------------------------------- departments and the county government


def test_every_report_names_its_unit_and_kind(truth):
    rows = reports(truth)
    kinds = Counter(row["unit_kind"] for row in rows)
    assert set(kinds) == {"township", "subdistrict", "department", "zone", "government"}
    units = {row["unit"] for row in rows}
    assert {"向家镇", "文林街道", "仁寿县教育和体育局", "仁寿县人民政府", "仁寿经济开发区管理委员会"} <= units
    for row in rows:
        local = row["unit_kind"] in ("township", "subdistrict")
        assert row["township"] == (row["unit"] if local else None), row["path"]
        assert (row["unit_kind"] == "subdistrict") == row["unit"].endswith("街道")
        if not local:   # a department's report names it whole: in its title and its 本报告由 sentence
            assert row["title"] == f"{row['unit']}{row['report_year']}年政府信息公开工作年度报告"
            assert row["clean_text"].startswith(row["title"] + "\n")


def test_departments_and_the_county_government_report_every_year(truth):
    rows = reports(truth)
    departments = {row["unit"] for row in rows if row["unit_kind"] == "department"}
    assert len(departments) >= 12
    years = {row["report_year"] for row in rows if row["unit_kind"] == "department"}
    assert years == {2020, 2021, 2022, 2023, 2024}
    for unit in departments:
        assert sorted(r["report_year"] for r in rows if r["unit"] == unit) == sorted(years), unit
    county = [row for row in rows if row["unit_kind"] == "government"]
    assert sorted(r["report_year"] for r in county) == list(range(2019, 2025))
    assert {r["issuer"] for r in county} == {"仁寿县人民政府办公室"}   # compiled by the office, not the unit
    assert all(r["visible_title"] == r["title"] for r in county)
    assert {r["template"] for r in rows if r["township"] is None} == {"trial-2019", "revised-2021"}


def test_department_columns_are_reached_from_the_hub(out_dir, manifest, truth):
    hub = page_text(out_dir, manifest, truth, "/zfxxgk/ndbg.htm")
    assert 'href="bmndbg.htm"' in hub and 'href="4410.htm"' in hub and "县政府信息公开工作年度报告" in hub
    departments = page_text(out_dir, manifest, truth, "/zfxxgk/bmndbg.htm")
    columns = sorted({row["column_id"] for row in reports(truth) if row["unit_kind"] in ("department", "zone")})
    assert len(columns) == 5
    for column in columns:
        assert f'href="{column}.htm"' in departments
        pages, items = _listing_chain(out_dir, manifest, truth, f"/zfxxgk/{column}.htm")
        assert len(pages) == 2 and pages[1][0] == f"/zfxxgk/{column}/1.htm"
        rows = [row for row in reports(truth) if row["column_id"] == column]
        assert set(items) == {row["path"] for row in rows if row["listed"]}
        assert sum(not row["listed"] for row in rows) == 2


def test_sports_units_say_tiyu_legitimately(truth):
    sports = [row for row in reports(truth) if row["unit"] in ("仁寿县体育事业发展中心", "仁寿县教育和体育局")]
    assert len(sports) == 10
    for row in sports:
        for word in ("体育场馆", "体育赛事", "全民健身"):
            assert word in row["clean_text"], (row["path"], word)
    assert any("县教育和体育局" in row["clean_text"] for row in sports if "中心" in row["unit"])
    hacked = [row for row in sports if row["spam"]]
    brands = {s["text"] for row in hacked for s in row["spam"]}
    assert any("必威体育" in brand for brand in brands)


def test_a_hack_replaced_a_unit_name(out_dir, manifest, truth):
    swapped = [(row, s) for row in reports(truth) for s in row["spam"]
               if s["kind"] == SpamKind.WORD_SWAP and s["original"] in row["unit"] and row["township"] is None]
    assert {row["unit_kind"] for row, _ in swapped} >= {"department", "government"}
    for row, record in swapped:
        shown = body_text(page_text(out_dir, manifest, truth, row["path"]))   # meta values keep it
        assert row["unit"] not in shown and row["unit"].replace(record["original"], record["text"]) in shown
        assert row["title"].startswith(row["unit"]) and record["text"] not in row["clean_text"]


def test_second_county_renders_the_departments_too(tmp_path):
    build_site(tmp_path, variant="qingxi")
    rows = [row for row in read_truth(tmp_path).values() if row["kind"] == "article"]
    assert Counter(row["unit_kind"] for row in rows)["department"] == 60
    county = [row for row in rows if row["unit_kind"] == "government"]
    assert len(county) == 6 and all(row["township"] is None for row in county)
    hub = (tmp_path / "site" / "zwgk" / "ndbg.htm").read_text(encoding="utf-8")
    assert "2024年部门政府信息公开工作年度报告" in hub and "县政府信息公开工作年度报告" in hub
