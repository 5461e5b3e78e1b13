"""Properties of cleaning on arbitrary and HTML-like input: it never raises, its contract holds
(``clean_text`` is ``raw_text`` with the findings applied), ``render`` agrees with ``body_text``,
and a second cleaning changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.cleaning import Action, apply_findings, clean_page
from pipelines.text import body_text, find_body, parse_html, render
from tests.test_cleaning import URL, check_contract, page

FRAGMENTS = [
    "其他",
    "信息",
    "条，",
    "必威",
    "体育",
    "平台",
    "app",
    "官网",
    "下载",
    ",",
    "，",
    "皇冠",
    "村",
    "《",
    "》",
    "政(zheng)",
    "府(fu)",
    "開",
    "國",
    "星辉",
    "娱乐",
    "入口",
    "3",
    " ",
    "\n",
    "文化",
    "政务",
]
TAGS = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    '<span style="display:none">',
    "</span>",
    "<br>",
    "<td>",
    "</td>",
    "<tr>",
    '<a href="https://hg0088.vip/">',
    '<a href="/x.htm">',
    "</a>",
    "<script>",
    "</script>",
    '<iframe src="//casino88.xyz/">',
    "&nbsp;",
    "<table>",
    "</table>",
    "<title>",
    "</title>",
]
htmlish = st.lists(st.sampled_from(FRAGMENTS + TAGS) | st.text(max_size=5), max_size=40).map("".join)
body_page = st.lists(
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join), min_size=1, max_size=5
).map(lambda paras: page(paras))
PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(st.text(max_size=200))
def test_no_exception_on_arbitrary_text(text):
    result = clean_page(text, url="http://x/")
    assert result.clean_text == apply_findings(result.raw_text, result.findings)


@PROPS
@given(htmlish)
def test_no_exception_on_htmlish_and_contract_holds(html):
    result = clean_page(html, url=URL)
    check_contract(result, html)


@PROPS
@given(st.one_of(htmlish, body_page))
def test_render_matches_body_text(html):
    doc = parse_html(html)
    if doc is not None:
        assert render(find_body(doc)).text == body_text(html)


@PROPS
@given(st.one_of(body_page, htmlish))
def test_idempotent(html):
    result = clean_page(html, url=URL)
    check_contract(result, html)
    again = clean_page(result.clean_html, url=URL)
    # a second cleaning changes nothing; what it still only suspects, the first one reported too
    edits = [(f.kind, f.text) for f in again.findings if f.action is not Action.SUSPECTED]
    assert edits == []
    suspected = {f.text for f in result.findings if f.action is Action.SUSPECTED}
    assert {f.text for f in again.findings if f.action is Action.SUSPECTED} <= suspected
