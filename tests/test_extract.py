"""Tests for pipelines.extract: dates, periods, fields, conflicts, tables of both templates, prose."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extract import METRICS, Extraction, extract_report
from pipelines.extract.dates import cn_number, find_dates, first_date, parse_meta_datetime
from pipelines.extract.fields import labelled_values, township_in
from pipelines.extract.period import find_period

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
URL = "http://www.rs.gov.cn/info/4519/112369.htm"


def page(head: str, body: str, *, meta: str = "", title: str = "向家镇-仁寿县人民政府") -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{meta}</head><body>"
        f"<form name='_newscontent_fromname'>{head}<div id='vsb_content_2'><div class='v_news_content'>{body}"
        "</div></div><p>上一条：<a href='112368.htm'>石咀乡</a></p></form>"
        "<div>主办单位:仁寿县人民政府办公室 网站标识码:5114210002</div></body></html>"
    )


def rs_head(date_line: str, source: str = "", title: str = "向家镇") -> str:
    return (
        f"<table><tr><td class='titlestyle148403'>{title}</td></tr><tr><td class='timestyle148403'>"
        f"{date_line}&nbsp;&nbsp;&nbsp;&nbsp;来源：{source}&nbsp;&nbsp;&nbsp;&nbsp;点击：<span></span></td></tr></table>"
    )


REPORT_TITLE = "<p>仁寿县向家镇2018年政府信息公开工作年度报告</p>"


# ---- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, want, when",
    [
        ("2019年02月28日", date(2019, 2, 28), None),
        ("发布时间：2021-01-08", date(2021, 1, 8), None),
        ("发布时间：2021-01-08 09:30", date(2021, 1, 8), datetime(2021, 1, 8, 9, 30)),
        ("公开日期 2024-01-29", date(2024, 1, 29), None),
        ("发布日期:2017/2/20 14:12:43", date(2017, 2, 20), datetime(2017, 2, 20, 14, 12, 43)),
        ("成文日期：2020.03.01", date(2020, 3, 1), None),
        ("二〇一九年二月二十八日", date(2019, 2, 28), None),
        ("二〇二〇年十月十日", date(2020, 10, 10), None),
        ("二〇二一年十二月三十一日", date(2021, 12, 31), None),
        ("２０２１年０１月０８日", date(2021, 1, 8), None),
        ("２０２１－０１－０８", date(2021, 1, 8), None),
        ("2019 年 10 月 30 日", date(2019, 10, 30), None),
        ("2019年2月30日", None, None),
        ("电话：028-37010111", None, None),
        ("1850年1月1日", None, None),
    ],
)
def test_date_formats(text, want, when):
    found = first_date(text)
    assert (found.value if found else None) == want
    if want:
        assert found.time == when


def test_chinese_numbers():
    assert [cn_number(x) for x in ("十", "十一", "二十", "二十八", "三十一", "二〇一九", "２８")] == [
        10, 11, 20, 28, 31, 2019, 28]
    assert cn_number("十十") is None


def test_meta_pubdate():
    assert parse_meta_datetime("2019-02-28 10:05") == (date(2019, 2, 28), datetime(2019, 2, 28, 10, 5))
    assert parse_meta_datetime("2019-02-28 10:05:09")[1] == datetime(2019, 2, 28, 10, 5, 9)
    assert parse_meta_datetime("2019-02-28") == (date(2019, 2, 28), None)
    assert parse_meta_datetime("not a date") is None


def test_no_date_from_partial_period_end():
    # dateparser.search_dates turns 起至12月31日 into a date; the strict patterns never do
    assert [f.value for f in find_dates("统计期限为2024年1月1日起至12月31日止")] == [date(2024, 1, 1)]


# ---- period --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, start, end, repaired",
    [
        ("所列数据统计期限从2018年1月1日起至2018年12月31日止。", date(2018, 1, 1), date(2018, 12, 31), False),
        ("统计期限为2024年1月1日起至12月31日止", date(2024, 1, 1), date(2024, 12, 31), False),
        ("统计数据时限为2021年1月1日至2021年12月31日", date(2021, 1, 1), date(2021, 12, 31), False),
        ("统计期限自2016年1月1日起至12月31日止", date(2016, 1, 1), date(2016, 12, 31), False),
        ("所列数据的统计期限于2018年1月1日起至12月31日止", date(2018, 1, 1), date(2018, 12, 31), False),
        ("所列数据统计期限为20231月1日起至12月31日止", date(2023, 1, 1), date(2023, 12, 31), True),
        ("统计期限为2019 年 1 月 1 日至 2019 年 12 月 31 日", date(2019, 1, 1), date(2019, 12, 31), False),
        ("统计期限为二〇一九年一月一日至二〇一九年十二月三十一日", date(2019, 1, 1), date(2019, 12, 31), False),
    ],
)
def test_period_variants(sentence, start, end, repaired):
    period = find_period("本报告" + sentence)
    assert (period.start, period.end, period.repaired) == (start, end, repaired)


def test_period_absent_or_invalid():
    assert find_period("2018年1月1日起至12月31日止，全镇发生变化") is None   # no 统计期限 key
    swapped = find_period("统计期限为2018年12月31日起至1月1日止")        # end before start: swapped
    assert (swapped.start, swapped.end, swapped.repairs) == (date(2018, 1, 1), date(2018, 12, 31),
                                                              ("start-end-swapped",))


def test_repaired_period_is_flagged_in_provenance():
    html = page(rs_head("2024年01月29日"), REPORT_TITLE + "<p>所列数据统计期限为20231月1日起至12月31日止。</p>")
    result = extract_report(html, url=URL)
    assert result.period_start == date(2023, 1, 1)
    assert "repaired" in result.provenance["period_start"].rule
    assert result.provenance["period_start"].confidence < 0.9


# ---- source, issuer, index block -----------------------------------------------------------

def test_empty_source_never_takes_the_next_line():
    html = page(rs_head("2019年02月28日"), REPORT_TITLE + "<p>本报告由仁寿县向家镇人民政府根据《条例》制定。</p>")
    result = extract_report(html, url=URL)
    assert result.source is None
    assert result.provenance["source"].rule == "label:来源-empty"
    assert result.published_date == date(2019, 2, 28)
    assert result.published_at is None


def test_empty_source_in_a_text_only_line():
    html = page("<div>向家镇</div><div>2019年02月28日&nbsp;&nbsp;&nbsp;&nbsp;来源:</div>", REPORT_TITLE)
    assert extract_report(html, url=URL).source is None


@pytest.mark.parametrize(
    "line, want",
    [
        ("发布时间：2021-01-08&nbsp;&nbsp;来源：向家镇人民政府&nbsp;&nbsp;【字号：大 中 小】", "向家镇人民政府"),
        ("日期：2021-01-08 信息来源：县政务服务中心 浏览次数：", "县政务服务中心"),
        ("<span>日期：2021-01-08</span><span>来源：</span><span>点击数：3</span>", None),
        ("2021年01月08日 来源：— 点击：", None),
    ],
)
def test_source_formats(line, want):
    result = extract_report(page(f"<h1>向家镇</h1><div>{line}</div>", REPORT_TITLE), url=URL)
    assert result.source == want
    assert result.published_date == date(2021, 1, 8)


def test_meta_content_source_and_footer_is_never_source_or_issuer():
    html = page(rs_head("2019年02月28日"), REPORT_TITLE, meta="<meta name='ContentSource' content='向家镇党政办'>")
    result = extract_report(html, url=URL)
    assert result.source == "向家镇党政办"
    assert result.issuer is None
    assert "主办单位" not in (result.source or "")


def test_index_block_spaced_labels_and_empty_doc_no():
    head = (
        "<table><tr><td>索 引 号：</td><td>115114/2019-00012</td><td>发布机构：</td><td>仁寿县龙马镇人民政府</td></tr>"
        "<tr><td>文　　号：</td><td></td><td>成文日期：</td><td>2019-01-30</td></tr></table><h1>龙马镇</h1>"
    )
    result = extract_report(page(head, "<p>龙马镇2018年政府信息公开工作年度报告</p>"), url=URL)
    assert result.index_no == "115114/2019-00012"
    assert result.issuer == "仁寿县龙马镇人民政府"
    assert result.doc_no is None
    assert result.published_date == date(2019, 1, 30)
    assert result.provenance["published_date"].rule == "label:成文日期"


def test_labelled_values_keep_to_their_line():
    pairs = labelled_values([("2019年02月28日 来源：",), ("仁寿县向家镇2018年政府信息公开工作年度报告",)])
    assert [(p.label, p.value) for p in pairs] == [("source", "")]


def test_doc_no_inline():
    head = "<h1>向家镇</h1><div>发布时间：2019-02-28 文号：仁府办函〔2018〕81号 来源：向家镇</div>"
    result = extract_report(page(head, REPORT_TITLE), url=URL)
    assert result.doc_no == "仁府办函〔2018〕81号"
    assert result.source == "向家镇"


# ---- title, township, year, conflicts ------------------------------------------------------

@pytest.mark.parametrize(
    "text, want",
    [
        ("向家镇", "向家镇"),
        ("仁寿县向家镇2018年政府信息公开工作年度报告", "向家镇"),
        ("仁寿县文林街道办事处", "文林街道"),
        ("眉山市东坡区石咀乡人民政府", "石咀乡"),
        ("2018年龙马镇政府信息公开年度报告", "龙马镇"),
        ("仁寿县乡镇政府信息公开年报", None),
        ("仁寿县人民政府", None),
    ],
)
def test_township_in(text, want):
    assert township_in(text) == want


def test_title_from_body_and_township_from_visible_title():
    result = extract_report(page(rs_head("2019年02月28日"), REPORT_TITLE), url=URL)
    assert result.title == "仁寿县向家镇2018年政府信息公开工作年度报告"
    assert result.visible_title == "向家镇"
    assert result.township == "向家镇"
    assert result.report_year == 2018
    assert result.provenance["title"].rule == "body-first-line"


def test_title_falls_back_to_title_tag_without_site_suffix():
    html = page("<div>2019-02-28</div>", "<p>正文</p>", title="石咀乡政府信息公开工作年度报告 - 仁寿县人民政府")
    assert extract_report(html, url=URL).title == "石咀乡政府信息公开工作年度报告"


def load_fixture(name: str) -> tuple[Extraction, dict]:
    spec = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    return extract_report(html, url=spec["url"], column_name=spec.get("column_name")), spec


def test_conflicts_are_recorded_not_hidden():
    result, spec = load_fixture("conflict-meta-vs-visible")
    assert result.published_date == date(2020, 3, 2)           # meta wins, the disagreement is kept
    assert result.report_year == 2019                         # title wins over the period
    fields = sorted({c.split(":")[0] for c in result.conflicts})
    assert fields == spec["conflicts"]
    assert any("title 2019 vs period 2018" in c for c in result.conflicts)


def test_column_name_year_conflict():
    html = page(rs_head("2019年02月28日"), REPORT_TITLE)
    result = extract_report(html, url=URL, column_name="2019年乡镇年报")
    assert result.report_year == 2018
    assert "report_year: title 2018 vs column 2019" in result.conflicts


def _iso(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.html")))
def test_fixture_pages(name):
    result, spec = load_fixture(name)
    for field, want in spec["expected"].items():
        if field == "period_repaired":
            assert ("repaired" in result.provenance["period_start"].rule) == want
            continue
        assert _iso(getattr(result, field)) == want, field
    if "statistics" in spec:
        got = {s.metric: s.value for s in result.statistics}
        assert got == spec["statistics"]


# ---- statistics ----------------------------------------------------------------------------

def test_prose_statistics_of_the_seed_report():
    result, _ = load_fixture("rs-prose-2018")
    rows = {s.metric: s for s in result.statistics}
    assert rows["active_total"].value == 606 and rows["active_total"].unit == "条"
    assert rows["active_other"].value == 3
    assert rows["trainees"].value == 100 and rows["trainees"].qualifier == "more_than"
    assert rows["review_total"].value == 0 and rows["litigation_total"].value == 0
    assert {s.template for s in result.statistics} == {"prose-2016"}
    assert {s.section for s in result.statistics} == {"prose"}


def test_prose_none_only_when_the_sentence_says_none():
    body = REPORT_TITLE + "<p>本年度收到行政复议申请2件，无行政诉讼。</p><p>需要说明的其他事项：无。</p>"
    rows = {s.metric: s.value for s in extract_report(page(rs_head("2019年02月28日"), body), url=URL).statistics}
    assert "review_total" not in rows            # a count is stated in words we do not read: no guess
    assert "applications_new" not in rows


def test_trial_template_tables():
    result, spec = load_fixture("trial-2019-odd-tables")
    rows = {s.metric: s for s in result.statistics}
    assert rows["docs_public_total"].value == 15                   # full-width digits
    assert rows["licences_items_change"].value == -1
    assert "rules_issued" not in rows                              # "/" is no number
    assert "other_services" not in rows                            # blank cells
    assert rows["applications_new_legal"].value == 1
    assert rows["litigation_pending"].value == 1
    assert rows["applications_new"].template == "trial-2019"
    assert rows["applications_new"].section == "applications"


REVISED_TABLES = """
<table><tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>行政规范性文件</td><td>3</td><td>1</td><td>9</td></tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="3">41</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>
<tr><td>行政事业性收费</td><td colspan="3">12.50</td></tr></table>
<table>
<tr><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>2</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>
<tr><td rowspan="4">三、本年度办理结果</td><td colspan="2">（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
<tr><td rowspan="3">（六）其他处理</td><td>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
<tr><td>2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>3.其他</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td><td>2</td></tr>
</table>
"""


def test_revised_template_tables_and_cross_template_ids():
    body = "<p>仁寿县向家镇2021年政府信息公开工作年度报告</p>" + REVISED_TABLES
    result = extract_report(page(rs_head("2022年01月20日"), body), url=URL)
    rows = {s.metric: s for s in result.statistics}
    assert rows["docs_issued"].value == 3           # same id as the trial template's 本年新制作数量
    assert rows["docs_repealed"].value == 1 and rows["docs_in_force"].value == 9
    assert rows["licences"].value == 41
    assert rows["fees"].value == 12.5 and rows["fees"].unit == "万元"
    assert rows["applications_new_commercial"].value == 1 and rows["applications_new"].value == 3
    assert rows["applications_partial"].value == 1
    assert rows["applications_other_no_correction"].value == 1
    assert rows["applications_other_misc_other_org"].value == 2
    assert {s.template for s in result.statistics} == {"revised-2021"}


def test_every_emitted_metric_is_in_the_one_table():
    names = sorted(p.stem for p in FIXTURES.glob("*.html"))
    emitted = {s.metric for name in names for s in load_fixture(name)[0].statistics}
    body = "<p>仁寿县向家镇2021年政府信息公开工作年度报告</p>" + REVISED_TABLES
    emitted |= {s.metric for s in extract_report(page(rs_head("2022年01月20日"), body), url=URL).statistics}
    assert emitted <= set(METRICS)
    doc = (Path(__file__).parent.parent / "docs" / "extraction.md").read_text(encoding="utf-8")
    missing = [m for m in METRICS if f"`{m}`" not in doc]
    assert not missing, missing


# ---- robustness ----------------------------------------------------------------------------

def _check_dates(result: Extraction) -> None:
    for value in (result.published_date, result.period_start, result.period_end):
        assert value is None or (isinstance(value, date) and 1990 <= value.year <= 2100)
    if result.period_start and result.period_end:
        assert result.period_start <= result.period_end


def test_xml_declaration_does_not_empty_the_page():
    html = '<?xml version="1.0" encoding="utf-8"?>' + page(rs_head("2019年02月28日"), REPORT_TITLE)
    result = extract_report(html, url=URL)
    assert (result.township, result.published_date) == ("向家镇", date(2019, 2, 28))


@pytest.mark.parametrize("html", ["", "   ", "<", "<html></html>", "\x00", "<table><tr><td rowspan='999999'>1"])
def test_degenerate_input(html):
    result = extract_report(html, url=URL)
    assert result.statistics == () or isinstance(result.statistics, tuple)
    _check_dates(result)


_ALPHABET = st.sampled_from(list("0123456789年月日至起止来源：:统计期限为从自于-/ 〇一二十三<>/tdpr\"=的镇乡街道报告余条件"))
_PIECES = st.sampled_from([
    "<p>", "</p>", "<td rowspan='3'>", "<td colspan='2'>", "</td>", "<tr>", "<table>", "</table>", "来源：",
    "统计期限为", "2019年1月1日", "起至12月31日止", "20231月1日", "二〇一九年二月三十日", "发布时间：2021-13-45 25:61",
    "<meta name='PubDate' content='2019-02-30 10:00'>", "<div id='vsb_content_1'><div class='v_news_content'>",
    "<form name='_newscontent_fromname'>", "主动公开信息", "条", "余人次", "行政复议", "结果维持", "总计", "自然人",
])


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=200) | st.lists(_PIECES | st.text(max_size=5), max_size=40).map("".join))
def test_property_no_exception_and_valid_dates(text):
    result = extract_report(text, url=URL)
    _check_dates(result)
    for row in result.statistics:
        assert row.metric in METRICS
        assert isinstance(row.value, (int, float))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_property_arbitrary_unicode(text):
    _check_dates(extract_report(text, url=URL))
    _check_dates(extract_report(page(f"<div>{text}</div>", f"<p>{text}</p>"), url=URL))
