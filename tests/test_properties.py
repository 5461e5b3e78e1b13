"""Property tests for the page parsers: whatever a hacked or broken page holds, the parsers
return, cleaning is idempotent, findings rebuild the clean text, dates are real dates or None.

The strategies and checks here are also driven by ``bench/fuzz_parsers.py`` with a large example
budget; this module runs a small budget on every ``make test``.
"""

from __future__ import annotations

import gzip
import re
import zlib
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archive.runs.incremental import CaptureInfo
from crawler.meta import META_CAPTURE, META_KIND, META_VIA
from crawler.spiders.reports import BINARY_MAGIC, ReportsSpider
from pipelines.cleaning import apply_findings, clean_page
from pipelines.decode import BodyDecodeError, decode_body
from pipelines.extract import extract_report
from pipelines.items import ReportPage
from pipelines.text import body_text

BASE = "http://127.0.0.1:1/"
ARTICLE_URL = BASE + "info/4519/112369.htm"
LISTING_URL = BASE + "zfxxgk/4519.htm"
#: Fixed examples (derandomize): the suite is repeatable; bench/fuzz_parsers.py explores widely.
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FAKE_CAPTURE = CaptureInfo(
    capture_id=1, warc_filename="x.warc.gz", warc_offset=0, warc_record_id="<urn:uuid:0>",
    payload_digest=None, fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
)

# Fragments a VSB report page, a hacked copy of one, or a broken server produces.
FRAGMENTS = (
    '<form name="_newscontent_fromname">', "</form>", '<div id="vsb_content_2">',
    '<div class="v_news_content">', "</div>", "<p>", "</p>", "<br>", "<table>", "<tr>", "<td>",
    "</td>", "</tr>", "</table>", '<li id="line_u8_0">', "</li>", '<span class="p_next p_fun">',
    "</span>", '<a href="../info/4519/112368.htm">', '<a href="javascript:void(0)">',
    '<a href="//evil.example/x">', '<a href="http://2130706433/">', "</a>", "上一条：", "下一条：",
    "下页", "来源：", "发布时间：2021-01-08", "2019年02月28日&nbsp;&nbsp;", "公开日期 2024-01-29",
    "发布日期:2017/2/20 14:12:43", '<meta name="PubDate" content="2019-02-28 10:11">',
    '<meta name="ArticleTitle" content="仁寿县向家镇2018年政府信息公开工作年度报告">',
    '<meta name="keywords" content="必威体育平台">', "<title>", "</title>",
    "仁寿县向家镇2018年政府信息公开工作年度报告", "所列数据统计期限从2018年1月1日起至2018年12月31日止",
    "统计期限为2024年1月1日起至12月31日止", "20231月1日", "2019年13月45日", "0000年00月00日",
    "主动公开信息606条", "必威体育平台,必威体育app信息3条", "其他", "政(zheng)府(fu)",
    '<div style="display:none">', '<div style="position:absolute;left:-9999px">',
    "<script>document.write('<a href=http://bet.example>')</script>", "<iframe src=x>",
    "<!--", "-->", "<![CDATA[", "&nbsp;", "&#0;", "&#x110000;", "&amp", "\x00", "\u202e", "\u200f",
    "\ufeff", "\ud7ff", "<", ">", "'", '"', "\r\n", "\t", "　",
)

html_documents = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=60
).map("".join)
any_text = st.one_of(st.text(max_size=400), html_documents)
#: C0 controls lxml refuses to store (a known crash, pinned by an xfail test below).
XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Elements whose content is raw text: their cleaned serialisation is not stable (xfail below).
RAW_TEXT_ELEMENT = re.compile("(?i)<(iframe|xmp|noembed|noframes|plaintext|noscript|textarea|title|style|script)")
printable_text = any_text.map(lambda text: XML_INCOMPATIBLE.sub("", text))


def check_clean(html: str) -> None:
    """clean_page returns, its raw text is body_text(html), the findings rebuild the clean text,
    and (outside raw-text elements) cleaning the clean page again changes nothing."""
    result = clean_page(html, url=ARTICLE_URL)
    assert result.raw_text == body_text(html)
    body = [f for f in result.findings if f.field == "body"]
    assert apply_findings(result.raw_text, body) == result.clean_text
    for finding in body:
        assert 0 <= finding.start <= finding.end <= len(result.raw_text)
        assert 0.0 <= finding.confidence <= 1.0
    if not RAW_TEXT_ELEMENT.search(html):
        again = clean_page(result.clean_html, url=ARTICLE_URL)
        assert again.clean_text == result.clean_text


def check_idempotent(html: str) -> None:
    """Cleaning the cleaned page again changes nothing (any input: the fuzz run counts the
    raw-text-element cases this does not hold for)."""
    first = clean_page(html, url=ARTICLE_URL)
    assert clean_page(first.clean_html, url=ARTICLE_URL).clean_text == first.clean_text


def check_extract(html: str) -> None:
    """extract_report returns; every date is a real date (or None), years are plausible."""
    extraction = extract_report(html, url=ARTICLE_URL, column_name="2018年度报告")
    for name in ("published_date", "period_start", "period_end"):
        value = getattr(extraction, name)
        assert value is None or (type(value) is date and 1900 <= value.year <= 2200), (name, value)
    assert extraction.published_at is None or isinstance(extraction.published_at, datetime)
    assert extraction.report_year is None or 1900 <= extraction.report_year <= 2200
    for row in extraction.statistics:
        assert isinstance(row.value, (int, float))


def make_spider() -> ReportsSpider:
    crawler = get_crawler(ReportsSpider, {"GONGKAI_SITE": "renshou"})
    return ReportsSpider.from_crawler(crawler, start_url=BASE)


def check_spider(spider: ReportsSpider, body: bytes) -> None:
    """parse (hub/listing) and parse_report return requests and items that stay on fetchable
    URLs; a report page yields one ReportPage, unless its bytes are an image or a file (archived,
    not a report: ``gongkai/skipped/not_html``)."""
    listing = HtmlResponse(LISTING_URL, body=body, request=Request(LISTING_URL, meta={META_KIND: "listing"}))
    for out in spider.parse(listing):
        assert isinstance(out, Request) and out.url.startswith(("http://", "https://")), out
    meta = {META_KIND: "report", META_VIA: "listing", META_CAPTURE: FAKE_CAPTURE}
    article = HtmlResponse(ARTICLE_URL, body=body, request=Request(ARTICLE_URL, meta=meta))
    items = []
    for out in spider.parse_report(article):
        if isinstance(out, ReportPage):
            items.append(out)
        else:
            assert isinstance(out, Request) and out.url.startswith(("http://", "https://")), out
    assert len(items) == (0 if body[:8].startswith(BINARY_MAGIC) else 1)


CHARSETS = ("utf-8", "gb2312", "gbk", "gb18030", "big5", "latin-1", "utf-16", "x-unknown", "", "utf-8;;")
ENCODINGS = ("", "gzip", "deflate", "identity", "br", "gzip, gzip", "x-bogus")


@st.composite
def http_bodies(draw):
    """(headers, body): real pages in many charsets and codings, and plain garbage."""
    text = draw(any_text)
    charset = draw(st.sampled_from(CHARSETS))
    raw = text.encode(charset if charset in CHARSETS[:7] else "utf-8", "replace")
    raw = draw(st.one_of(st.just(raw), st.binary(max_size=300)))
    coding = draw(st.sampled_from(ENCODINGS))
    if coding.startswith("gzip") and draw(st.booleans()):
        raw = gzip.compress(raw)
    elif coding == "deflate" and draw(st.booleans()):
        raw = zlib.compress(raw)
    headers = [("Content-Type", f"text/html; charset={charset}" if charset else "text/html")]
    if coding:
        headers.append(("Content-Encoding", coding))
    return headers, raw


def check_decode(headers, body: bytes) -> None:
    try:
        encoding, text = decode_body(headers, body)
    except BodyDecodeError:
        return
    assert isinstance(encoding, str) and isinstance(text, str)


@PROPERTY_SETTINGS
@given(printable_text)
def test_clean_page_never_raises_and_findings_rebuild_clean_text(html):
    check_clean(html)


@PROPERTY_SETTINGS
@given(any_text.filter(lambda t: not RAW_TEXT_ELEMENT.search(t) or not XML_INCOMPATIBLE.search(t)))
def test_clean_page_survives_control_characters_outside_dropped_elements(html):
    clean_page(html, url=ARTICLE_URL)


def test_clean_page_survives_control_characters_next_to_a_dropped_script():
    clean_page("概述\x17<script>document.write('<a href=http://bet.example/>')</script>\x0b其余", url=ARTICLE_URL)


@pytest.mark.xfail(strict=True, reason="an unclosed raw-text element (<iframe>, <title>) is re-escaped in "
                   "clean_html; see docs/reliability.md")
@pytest.mark.parametrize("html", ["向必威<iframe><x"])
def test_cleaning_is_idempotent_on_degenerate_pages(html):
    check_idempotent(html)


@pytest.mark.parametrize("html", ["<TITLE>必威0", "<TITLE>必威，向家镇"])
def test_cleaning_a_bodyless_title_edits_it_once(html):
    # without a body container the <title> text is rendered as body text: it must be cleaned
    # once, as body, not a second time as title (which once left 镇 of 必威，向家镇)
    first = clean_page(html, url=ARTICLE_URL)
    assert [f.field for f in first.findings] == ["body"]
    check_idempotent(html)


def test_cleaning_is_idempotent_with_control_characters():
    # C0 controls are dropped before parsing (pipelines.text.XML_INCOMPATIBLE), so raw text,
    # clean HTML and clean text agree on them
    check_idempotent("A\x12必威体育平台,必威体育app信息3条")


@PROPERTY_SETTINGS
@given(any_text)
def test_extract_report_dates_are_valid_or_none(html):
    check_extract(html)


@PROPERTY_SETTINGS
@given(st.one_of(any_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=400)))
def test_spider_parses_any_listing_or_article(body):
    check_spider(make_spider(), body)


@PROPERTY_SETTINGS
@given(http_bodies())
def test_decode_body_returns_text_or_a_decode_error(pair):
    check_decode(*pair)


def test_cleaning_is_idempotent_on_a_hacked_report():
    html = (
        '<form name="_newscontent_fromname"><div id="vsb_content_2"><div class="v_news_content">'
        "<p>必威体育平台,必威体育app</p><p>仁寿县向家镇2018年政府信息公开工作年度报告</p>"
        "<p>主动公开必威体育平台,必威体育app信息3条。</p></div></div></form>"
    )
    check_clean(html)
    assert "必威" not in clean_page(html, url=ARTICLE_URL).clean_text
