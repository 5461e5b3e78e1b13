"""The spider's parsing, on saved replica pages (raw bytes in their original encoding)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.meta import META_CAPTURE, META_COLUMN, META_KIND, META_VIA
from crawler.spiders.reports import ReportsSpider
from pipelines.items import ReportPage

PAGES = Path(__file__).parent / "fixtures" / "pages"
SITE = "http://127.0.0.1:8000"


def response(name: str, path: str, *, content_type: str = "text/html; charset=utf-8", meta=None) -> HtmlResponse:
    """A response for a saved page as the server sent it (bytes and Content-Type)."""
    url = SITE + path
    return HtmlResponse(
        url=url,
        body=(PAGES / name).read_bytes(),
        headers={"Content-Type": content_type},
        request=Request(url, meta=dict(meta or {})),
    )


@pytest.fixture
def spider():
    crawler = get_crawler(ReportsSpider)
    return ReportsSpider.from_crawler(crawler, start_url=SITE + "/")


def requests_of(results):
    return [r for r in results if isinstance(r, Request)]


def test_first_listing_page_yields_every_row_and_the_rendered_next_page(spider):
    out = requests_of(spider.parse(response("listing-4519-first.htm", "/zfxxgk/4519.htm")))
    reports = [r for r in out if r.meta[META_KIND] == "report"]
    pages = [r for r in out if r.meta[META_KIND] == "listing"]
    assert len(reports) >= 8
    # first page links ../info/..., resolved against /zfxxgk/4519.htm
    assert all(r.url.startswith(SITE + "/info/4519/") for r in reports)
    assert all(r.meta[META_VIA] == "listing" for r in reports)
    assert [r.url for r in pages] == [SITE + "/zfxxgk/4519/2.htm"]  # reverse numbering: page 2 is 2.htm of 3
    assert not any("javascript" in r.url for r in out)


def test_deeper_listing_page_resolves_links_one_level_up(spider):
    out = requests_of(spider.parse(response("listing-4519-2.htm", "/zfxxgk/4519/2.htm")))
    reports = [r for r in out if r.meta[META_KIND] == "report"]
    assert reports and all(r.url.startswith(SITE + "/info/4519/") for r in reports)
    assert [r.url for r in out if r.meta[META_KIND] == "listing"] == [SITE + "/zfxxgk/4519/1.htm"]


def test_last_page_of_pager_variant_b_has_no_next(spider):
    out = requests_of(spider.parse(response("listing-4516-last.htm", "/zfxxgk/4516/1.htm")))
    assert [r for r in out if r.meta[META_KIND] == "report"]
    assert not [r for r in out if r.meta[META_KIND] == "listing"]


def test_hub_links_to_year_columns_only(spider):
    out = requests_of(spider.parse(response("hub.htm", "/zfxxgk/ndbg.htm")))
    assert out
    assert all(not r.url.startswith(SITE + "/info/") for r in out)
    assert any(r.url.endswith("/zfxxgk/4519.htm") for r in out)


def test_hub_reaches_the_county_column_and_the_departments_page(spider):
    out = requests_of(spider.parse(response("hub-with-departments.htm", "/zfxxgk/ndbg.htm")))
    kinds = {r.url.removeprefix(SITE): r.meta[META_KIND] for r in out}
    assert kinds["/zfxxgk/4410.htm"] == "listing"          # 县政府信息公开工作年度报告
    assert kinds["/zfxxgk/bmndbg.htm"] == "hub"            # 部门政府信息公开工作年度报告: a page of columns
    assert kinds["/zfxxgk/4519.htm"] == "listing"


def test_departments_page_links_every_department_year_column(spider):
    out = requests_of(spider.parse(response("hub-departments.htm", "/zfxxgk/bmndbg.htm")))
    listings = sorted(r.url.removeprefix(SITE) for r in out if r.meta[META_KIND] == "listing")
    assert listings == [f"/zfxxgk/{c}.htm" for c in (4702, 4781, 4856, 4930, 5031)]


def test_department_listing_yields_department_reports_and_its_next_page(spider):
    out = requests_of(spider.parse(response("listing-4930-first.htm", "/zfxxgk/4930.htm")))
    reports = [r for r in out if r.meta[META_KIND] == "report"]
    assert len(reports) == 10 and all(r.url.startswith(SITE + "/info/4930/") for r in reports)
    assert {r.meta[META_COLUMN] for r in reports} == {("4930", "2023年部门政府信息公开工作年度报告-仁寿县人民政府")}
    assert [r.url for r in out if r.meta[META_KIND] == "listing"] == [SITE + "/zfxxgk/4930/1.htm"]


def test_gb18030_article_without_http_charset(spider):
    capture = object()
    resp = response(
        "article-4516-104904-gb18030.htm", "/info/4516/104904.htm", content_type="text/html",
        meta={META_CAPTURE: capture, META_COLUMN: ("4516", "2019年"), META_VIA: "listing"},
    )
    out = list(spider.parse_report(resp))
    (page,) = [r for r in out if isinstance(r, ReportPage)]
    assert page.encoding.lower() in ("gb18030", "gbk", "gb2312")
    assert "政府信息公开工作年度报告" in page.html
    assert page.prev_url == SITE + "/info/4516/104906.htm"
    assert page.next_url == SITE + "/info/4516/104903.htm"
    chain = [r for r in out if isinstance(r, Request) and r.meta[META_KIND] == "report"]
    assert {r.url for r in chain} == {page.prev_url, page.next_url}
    assert all(r.meta[META_VIA] == "chain" for r in chain)


def test_links_the_crawl_must_not_follow(spider):
    resp = response("hub.htm", "/zfxxgk/ndbg.htm")
    refused = [
        "javascript:void(0)", "mailto:a@b.cn", "file:///etc/passwd",
        "http://127.0.0.1:9999/zfxxgk/4519.htm",  # same host, another port: another server
        "/system/resource/code/news/click/dynclicks.jsp?clickid=1",
    ]
    assert [spider._absolute(resp, href) for href in refused] == [None] * len(refused)
    assert spider._absolute(resp, "../info/4519/1.htm#top") == SITE + "/info/4519/1.htm"
    stats = spider.crawler.stats.get_stats()
    assert stats["gongkai/refused/other_port"] == 1
    assert stats["gongkai/refused/scheme/javascript"] == 1
