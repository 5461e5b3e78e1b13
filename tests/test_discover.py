"""``gongkai discover``'s inference on saved pages of the three replica counties (renshou,
qingxi, langang: tests/fixtures/discover/, raw bytes as served, with the replica's truth about
each page in pages.json): the hub and its columns, listing rows and pager, article body and
上一条/下一条, URL patterns, and the written profile as ``crawl --site`` reads it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.discover.assemble import DiscoverError, Fetched, NoHub, Role, assemble
from crawler.discover.infer import UnitKind, article, column_kind, hub_candidates, hub_columns, listing
from crawler.discover.structure import parse, shapes_pattern, text_container, url_shape, words_pattern
from crawler.discover.toml import render_profile
from crawler.profile import load_profile
from pipelines.decode import html_text

FIXTURES = Path(__file__).parent / "fixtures" / "discover"
SITE = "http://county.test"
COUNTIES = ("renshou", "qingxi", "langang")


@cache
def index() -> dict:
    return json.loads((FIXTURES / "pages.json").read_text(encoding="utf-8"))


def page(county: str, role: str) -> tuple[str, str]:
    """(html, url) of a saved page, decoded as the crawl decodes it."""
    name = f"{county}-{role}.htm"
    entry = index()[name]
    _, html = html_text(entry["content_type"], (FIXTURES / name).read_bytes())
    return html, SITE + entry["path"]


def path_of(url: str | None) -> str | None:
    return url.removeprefix(SITE) if url else None


HUBS = {
    "renshou": ("/zfxxgk/ndbg.htm", 6, "ul.hub"),
    "qingxi": ("/zwgk/ndbg.htm", 5, "ul.qx-hub"),
    "langang": ("/xxgk/nb/index.htm", 5, "dl.lg-cols"),
}
ROWS = {
    "renshou": ('li[id^="line_u"]', "a[href]", "span.p_next.p_fun a", "下页"),
    "qingxi": ("table.list_tbl tr.list_item", "a[href]", "a.Next", "下页"),
    "langang": ("div.lg-list div.news-item", "a.tit", "div.lg-page a", "下一页"),
}
CHAIN = {"renshou": ("上一条", "下一条"), "qingxi": ("上一篇", "下一篇"), "langang": ("上一条", "下一条")}


def test_home_pages_lead_to_the_hub_directly_or_through_the_disclosure_section():
    renshou = hub_candidates(*page("renshou", "home"))
    assert (path_of(renshou[0].url), renshou[0].score) == ("/zfxxgk/ndbg.htm", 2)
    qingxi = hub_candidates(*page("qingxi", "home"))
    assert path_of(qingxi[0].url) == "/zwgk/ndbg.htm"
    # langang's home page names no report: the disclosure section comes first, then the hub
    langang = hub_candidates(*page("langang", "home"))
    assert [(path_of(c.url), c.score) for c in langang] == [("/xxgk/index.htm", 1)]
    onward = hub_candidates(*page("langang", "open"))
    assert (path_of(onward[0].url), onward[0].score) == ("/xxgk/nb/index.htm", 2)


@pytest.mark.parametrize("county", COUNTIES)
def test_hub_columns_are_the_repeated_group_of_report_links(county):
    path, count, group = HUBS[county]
    html, url = page(county, "hub")
    assert path_of(url) == path
    hub = hub_columns(html, url)
    assert hub is not None and hub.group == group and len(hub.columns) == count
    assert {c.kind for c in hub.columns} == {UnitKind.TOWNSHIP}
    assert all(re.search(r"20\d\d年", c.text) for c in hub.columns)
    # home pages and article pages are no hubs
    assert hub_columns(*page(county, "article")) is None
    if county != "renshou":  # Renshou's home page links one report hub, not columns
        assert hub_columns(*page(county, "home")) is None


def test_unit_kinds_from_column_names():
    assert column_kind("2018年乡镇政府信息公开工作年度报告") is UnitKind.TOWNSHIP
    assert column_kind("文林街道2020年报") is UnitKind.TOWNSHIP
    assert column_kind("2024年部门政府信息公开工作年度报告") is UnitKind.DEPARTMENT
    assert column_kind("仁寿县教育和体育局") is UnitKind.DEPARTMENT
    assert column_kind("县人民政府政府信息公开工作年度报告") is UnitKind.GOVERNMENT
    assert column_kind("年度报告") is UnitKind.OTHER


@pytest.mark.parametrize("county", COUNTIES)
def test_listing_rows_and_the_next_page_link(county):
    rows_selector, link_selector, pager_selector, next_text = ROWS[county]
    first = listing(*page(county, "listing"))
    assert first.rows is not None
    assert (first.rows.selector, first.rows.link_selector) == (rows_selector, link_selector)
    assert len(first.rows.article_urls) == first.rows.dated == 10
    assert all(re.fullmatch(r"/info/4519/\d+\.htm", path_of(u)) for u in first.rows.article_urls)
    assert all("2018年政府信息公开工作年度报告" in t or t.endswith(("镇", "乡", "街道")) for t in first.rows.titles)
    # the next link goes to the page the replica numbers 2, whatever its URL scheme
    assert path_of(first.next_url) == index()[f"{county}-listing2.htm"]["path"]
    assert (first.pager_selector, first.next_text) == (pager_selector, next_text)
    # the selector written to the profile finds the same rows
    assert len(parse(*page(county, "listing")).css(rows_selector)) >= 10
    second = listing(*page(county, "listing2"))
    assert not set(second.rows.article_urls) & set(first.rows.article_urls)
    last = listing(*page(county, "listing-last"))
    assert last.rows is not None and last.next_url is None


@pytest.mark.parametrize("county", COUNTIES)
def test_a_single_row_is_found_with_the_selector_other_pages_agree_on(county):
    html, url = page(county, "listing-last")
    rows_selector = ROWS[county][0]
    rows = parse(html, url).css(rows_selector)
    for extra in rows[1:]:  # keep the first row only
        html = html.replace(extra.get(), "", 1)
    assert len(parse(html, url).css(rows_selector)) == 1
    assert listing(html, url).rows is None  # one row is no repeated structure
    found = listing(html, url, rows_hint=rows_selector)
    assert found.rows is not None and found.rows.selector == rows_selector and len(found.rows.article_urls) == 1
    assert listing(*page(county, "hub"), rows_hint=rows_selector).rows is None


@pytest.mark.parametrize("county", COUNTIES)
@pytest.mark.parametrize("role", ["article", "article-gb", "article-end"])
def test_article_body_and_chain(county, role):
    entry = index()[f"{county}-{role}.htm"]
    found = article(*page(county, role))
    assert found.body is not None
    assert found.body.selector == 'div[id^="vsb_content"] .v_news_content'
    assert found.body.share > 0.75
    assert found.form == 'form[name="_newscontent_fromname"]'
    body_text = " ".join(found.body.element.css("::text").getall())
    assert "政府信息公开" in body_text and "下载Word" not in body_text and "发布机构" not in body_text
    prev_label, next_label = CHAIN[county]
    links = {c.label: path_of(c.url) for c in found.chain}
    assert links.get(next_label) == entry["next_path"]
    assert links.get(prev_label) == entry["prev_path"]
    if county == "langang" and entry["prev_path"] is None:
        assert prev_label in links  # printed with 没有了, no link


def test_text_container_ignores_menus_of_links():
    html = ("<html><body><ul class='menu'>" + "".join(f"<li><a href='/{i}'>栏目名称很长很长{i}</a></li>" for i in range(40))
            + "</ul><div class='zw'><p>第一段正文内容。</p><p>第二段正文内容，较长一些。</p></div></body></html>")
    found = text_container(parse(html, SITE + "/"))
    assert found is not None and found.selector == "div.zw" and found.share == 1.0


def test_url_shapes_generalise_numbers_and_keep_queries():
    assert url_shape(SITE + "/info/4519/112369.htm") == r"/info/\d+/\d+\.htm"
    assert url_shape(SITE + "/zwgk/lm_list.jsp?totalpage=3&PAGENUM=2&wbtreeid=5519") == (
        r"/zwgk/lm_list\.jsp\?totalpage=\d+&PAGENUM=\d+&wbtreeid=\d+")
    pattern = shapes_pattern([SITE + "/zfxxgk/4519.htm", SITE + "/zfxxgk/4519/2.htm", SITE + "/zfxxgk/4516.htm"])
    assert pattern == r"^(?:/zfxxgk/\d+/\d+\.htm|/zfxxgk/\d+\.htm)$"
    assert re.search(pattern, "/zfxxgk/5024/3.htm") and not re.search(pattern, "/info/5024/3.htm")
    assert words_pattern(["下一页", "下页", "下页"]) == "^(?:下页|下一页)$"


def fetched(county: str, roles) -> dict[str, Fetched]:
    out = {}
    for role, kind in roles:
        html, url = page(county, role)
        out[url] = Fetched(url, kind, html)
    return out


WALK = [("home", Role.HOME), ("hub", Role.CANDIDATE), ("listing", Role.LISTING), ("listing2", Role.LISTING),
        ("listing-last", Role.LISTING), ("article", Role.ARTICLE), ("article-gb", Role.ARTICLE)]


@pytest.mark.parametrize("county", COUNTIES)
def test_assembled_profile_loads_and_matches_the_county(county, tmp_path):
    roles = WALK + ([("open", Role.CANDIDATE)] if county == "langang" else [])
    pages = fetched(county, roles)
    found = assemble(SITE + "/", pages, {SITE + "/nbgl/4600.htm": "forbidden by robots.txt"})
    assert found.start_urls == (SITE + HUBS[county][0],) and found.allowed_hosts == ("county.test",)
    assert found.listing_rows == (ROWS[county][0],)
    assert found.article_url == r"^/info/\d+/\d+\.htm$"
    for item in ("hub", "listing_rows", "pager", "article_body", "prev_next", "article_url", "listing_url"):
        assert found.finding(item).confidence >= 0.9, found.finding(item)
    route = found.finding("hub").evidence
    assert ('"政府信息公开" -> "政府信息公开工作年度报告专栏"' in route) if county == "langang" else ("home ->" in route)
    text = render_profile(found, name=county + "-found", generated=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert "(confidence 0.95)" in text and "# Columns found on the hub:\n#   township   20" in text
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    profile = load_profile(tmp_path / "p.toml")
    assert profile.name == county + "-found" and profile.start_urls == found.start_urls
    assert profile.selectors.pager_links == found.pager_links
    for role in ("listing", "listing2", "listing-last"):
        listing_path = index()[f"{county}-{role}.htm"]["path"]
        assert profile.links.listing_url.search(listing_path), listing_path
        assert not profile.links.article_url.search(listing_path.split("?")[0])
    prev_label, next_label = CHAIN[county]
    assert profile.links.prev_text.search(f"x | {prev_label}：") and profile.links.next_text.search(next_label)
    assert all(profile.links.report_link_text.search(c.text) for c in found.hub.columns)


def test_pages_without_a_hub_raise_no_hub():
    pages = fetched("langang", [("home", Role.HOME), ("article", Role.CANDIDATE)])
    with pytest.raises(NoHub, match="no page within two links of the home page lists annual-report columns"):
        assemble(SITE + "/", pages)


def test_a_hub_whose_columns_show_no_rows_is_an_error():
    pages = fetched("qingxi", [("home", Role.HOME), ("hub", Role.CANDIDATE)])
    html, url = page("qingxi", "article")
    pages[SITE + "/column-without-rows.htm"] = Fetched(SITE + "/column-without-rows.htm", Role.LISTING, html)
    with pytest.raises(DiscoverError, match="rows of dated article links"):
        assemble(SITE + "/", pages)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="<>/ap lidvhref=\"'年度报告2019-01-02上一条.:", max_size=300))
def test_inference_never_crashes_on_arbitrary_markup(markup):
    html = f"<html><body>{markup}</body></html>"
    listing(html, SITE + "/l.htm")
    article(html, SITE + "/a.htm")
    hub_columns(html, SITE + "/h.htm")
    hub_candidates(html, SITE + "/")


def test_a_column_page_listing_further_columns_is_a_sub_hub(tmp_path):
    """部门年度报告 on the hub leads to a page of one column per year: its columns join the
    profile as department columns, and the page itself is no listing."""
    def ul(items):
        return "<html><body><ul class='cols'>" + "".join(
            f"<li><a href='{href}'>{text}</a></li>" for href, text in items) + "</ul></body></html>"

    home = "<html><head><title>某县人民政府</title></head><body><a href='/hub.htm'>政府信息公开年度报告</a></body></html>"
    pages = {SITE + "/": Fetched(SITE + "/", Role.HOME, home),
             SITE + "/hub.htm": Fetched(SITE + "/hub.htm", Role.CANDIDATE, ul(
                 [("/c/1/index.htm", "2018年乡镇年报"), ("/c/2/index.htm", "2019年乡镇年报"), ("/bm.htm", "部门年度报告")])),
             SITE + "/bm.htm": Fetched(SITE + "/bm.htm", Role.LISTING, ul(
                 [("/c/3/index.htm", "2019年部门年报"), ("/c/4/index.htm", "2020年部门年报")]))}
    html, _ = page("langang", "listing")
    for column in (1, 2, 3, 4):
        url = f"{SITE}/c/{column}/index.htm"
        pages[url] = Fetched(url, Role.LISTING, html)
    for role in ("article", "article-gb"):
        html, url = page("langang", role)
        pages[url] = Fetched(url, Role.ARTICLE, html)
    found = assemble(SITE + "/", pages)
    assert found.sub_hubs == (SITE + "/bm.htm",)
    assert [(path_of(c.url), c.kind) for c in found.columns] == [
        ("/c/1/index.htm", UnitKind.TOWNSHIP), ("/c/2/index.htm", UnitKind.TOWNSHIP),
        ("/c/3/index.htm", UnitKind.DEPARTMENT), ("/c/4/index.htm", UnitKind.DEPARTMENT)]
    assert re.search(found.listing_url, "/c/3/index.htm") and not re.search(found.listing_url, "/bm.htm")
    assert "1 page(s) the hub links" in found.finding("hub").evidence
    assert re.search(found.report_link_text, "部门年度报告") and found.site_title == "某县人民政府"
    text = render_profile(found, name="x", generated=datetime(2026, 1, 2, tzinfo=UTC))
    assert "# Pages of further columns the hub links" in text


def test_a_hub_that_lists_the_reports_itself_is_one_column():
    """Many portals put every report in one 年度报告 column: the page the home page links shows
    dated report rows, not columns. It becomes the profile's one column and its pager is walked."""
    home = "<html><body><a href='/xxgk/nb/4519/index.htm'>政府信息公开工作年度报告</a></body></html>"
    pages = {SITE + "/": Fetched(SITE + "/", Role.HOME, home)}
    for role, kind in (("listing", Role.CANDIDATE), ("listing2", Role.LISTING), ("article", Role.ARTICLE),
                       ("article-gb", Role.ARTICLE)):
        html, url = page("langang", role)
        pages[url] = Fetched(url, kind, html)
    found = assemble(SITE + "/", pages)
    ((column,),) = (found.columns,)
    assert column.url == SITE + "/xxgk/nb/4519/index.htm" and column.kind is UnitKind.TOWNSHIP
    assert found.start_urls == (column.url,) and found.listing_rows == ("div.lg-list div.news-item",)
    for path in ("/xxgk/nb/4519/index.htm", "/xxgk/nb/4519/index_1.htm"):
        assert re.search(found.listing_url, path)
    assert found.finding("pager").confidence == 0.95


def test_cli_refuses_bad_input_in_one_line_before_fetching(tmp_path):
    from click.testing import CliRunner

    from gongkai.cli import main
    from gongkai.discover import profile_name

    runner = CliRunner()
    existing = tmp_path / "there.toml"
    existing.write_text("kept", encoding="utf-8")
    result = runner.invoke(main, ["discover", "http://www.rs.gov.cn/", "-o", str(existing)])
    assert result.exit_code == 1 and result.output == f"Error: {existing} exists: pass --force to overwrite it or -o to write elsewhere\n"
    assert existing.read_text(encoding="utf-8") == "kept"
    result = runner.invoke(main, ["discover", "ftp://www.rs.gov.cn/", "-o", str(tmp_path / "x.toml")])
    assert result.exit_code == 1 and "not an http(s) URL: 'ftp://www.rs.gov.cn/'" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "x.toml").exists()
    result = runner.invoke(main, ["discover", "http://www.rs.gov.cn/", "--delay", "-1"])
    assert result.exit_code == 2 and "-1.0 is not in the range x>=0" in result.output
    assert profile_name("http://www.rs.gov.cn/") == "rs"
    assert profile_name("https://ms.gov.cn/index.htm") == "ms"
    assert profile_name("http://127.0.0.1:8000/") == "discovered"
