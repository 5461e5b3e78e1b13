"""The reporting unit (issue 15): names and kinds of townships, subdistricts, departments, zones and
governments, read end to end by ``extract_report`` from pages of each kind's own template."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extract import extract_report
from pipelines.extract.unit import Candidate, find_unit, is_spam, name_in_title, normalise, unit_kind

URL = "http://www.rs.gov.cn/info/5101/120001.htm"
STATUTE = "根据《中华人民共和国政府信息公开条例》"


def vsb_page(visible: str, body: str, *, source: str = "", meta: str = "", title_tag: str = "仁寿县人民政府") -> str:
    """A VSB article page: visible title cell, date/source line, body."""
    return (
        f"<html><head><meta charset='utf-8'><title>{title_tag}</title>{meta}</head><body>"
        "<form name='_newscontent_fromname'><table><tr>"
        f"<td class='titlestyle1'>{visible}</td></tr><tr><td class='timestyle1'>2022年03月01日&nbsp;&nbsp;"
        f"来源：{source}</td></tr></table><div id='vsb_content_2'><div class='v_news_content'>{body}"
        "</div></div></form><div>主办单位:仁寿县人民政府办公室</div></body></html>"
    )


def index_page(title: str, issuer: str, body: str) -> str:
    """Another county's template: an index block (发布机构) above an h1 title, no visible short name."""
    return (
        "<html><head><meta charset='utf-8'><title>详细信息</title></head><body><div class='xxgk'>"
        f"<table><tr><td>索 引 号：</td><td>11511421/2022-00031</td><td>发布机构：</td><td>{issuer}</td></tr>"
        "<tr><td>发布日期：</td><td>2022-03-15</td></tr></table>"
        f"<h1>{title}</h1><div class='v_news_content'>{body}</div></div></body></html>"
    )


def report_body(title: str, author: str, year: int = 2021) -> str:
    return (f"<p>{title}</p><p>本报告由{author}{STATUTE}编制。所列数据统计期限从{year}年1月1日起至{year}年12月31日止。</p>"
            "<p>一、总体情况</p><p>本年度主动公开信息58条。</p>")


@pytest.mark.parametrize(
    "visible, title, author, unit, kind",
    [
        ("向家镇", "仁寿县向家镇2021年政府信息公开工作年度报告", "仁寿县向家镇人民政府", "向家镇", "township"),
        ("文林街道", "仁寿县文林街道办事处2021年政府信息公开工作年度报告", "仁寿县文林街道办事处", "文林街道", "subdistrict"),
        ("仁寿县教育和体育局", "仁寿县教育和体育局2021年政府信息公开工作年度报告", "仁寿县教育和体育局",
         "仁寿县教育和体育局", "department"),
        ("乐山市体育局2021年政府信息公开工作年度报告", "乐山市体育局2021年政府信息公开工作年度报告", "乐山市体育局",
         "乐山市体育局", "department"),
        ("眉山天府新区", "眉山天府新区2021年政府信息公开工作年度报告", "眉山天府新区党工委管委会办公室",
         "眉山天府新区", "zone"),
        ("仁寿县人民政府", "仁寿县人民政府2021年政府信息公开工作年度报告", "仁寿县人民政府办公室",
         "仁寿县人民政府", "government"),
        ("仁寿县人民政府办公室", "仁寿县人民政府办公室2021年政府信息公开工作年度报告", "仁寿县人民政府办公室",
         "仁寿县人民政府办公室", "department"),
        ("关于2021年度政府信息公开工作的报告", "2021年度仁寿县农业农村局政府信息公开工作年度报告", "仁寿县农业农村局",
         "仁寿县农业农村局", "department"),
    ],
)
def test_unit_of_each_kind(visible, title, author, unit, kind):
    result = extract_report(vsb_page(visible, report_body(title, author)), url=URL)
    assert (result.unit, result.unit_kind) == (unit, kind)
    assert result.township == (unit if kind in ("township", "subdistrict") else None)
    assert "title" in result.provenance["unit"].rule.split("+")
    assert not [c for c in result.conflicts if c.startswith("unit")]


def test_township_and_unit_agree_in_provenance():
    result = extract_report(vsb_page("向家镇", report_body("仁寿县向家镇2018年政府信息公开工作年度报告", "仁寿县向家镇人民政府", 2018)),
                            url=URL)
    assert result.provenance["township"] == result.provenance["unit"]
    assert result.provenance["unit"].rule == "title+visible-title+body:本报告由"


def test_department_from_another_template_with_an_index_block():
    body = report_body("关于2021年政府信息公开工作年度报告", "仁寿县交通运输局")
    result = extract_report(index_page("关于2021年政府信息公开工作年度报告", "仁寿县交通运输局", body), url=URL)
    assert (result.unit, result.unit_kind, result.township) == ("仁寿县交通运输局", "department", None)
    assert set(result.provenance["unit"].rule.split("+")) == {"body:本报告由", "label:发布机构"}


def test_county_government_named_by_a_bare_place():
    result = extract_report(vsb_page("仁寿县2021年政府信息公开工作年度报告", "<p>一、总体情况</p>"), url=URL)
    assert (result.unit, result.unit_kind) == ("仁寿县人民政府", "government")


def test_sports_bureau_text_full_of_sport_is_a_unit_not_spam():
    body = report_body("乐山市体育局2021年政府信息公开工作年度报告", "乐山市体育局") + "<p>全民健身和竞技体育信息公开12条。</p>"
    result = extract_report(vsb_page("乐山市体育局", body, source="乐山市体育局"), url=URL)
    assert result.unit == "乐山市体育局" and not result.conflicts


def test_spam_in_place_of_the_name_is_recovered_from_the_other_places():
    # the hack replaced the visible title with a brand phrase that cleaning left in place
    body = report_body("仁寿县教育和体育局2021年政府信息公开工作年度报告", "仁寿县教育和体育局")
    result = extract_report(vsb_page("必威体育平台", body), url=URL)
    assert result.unit == "仁寿县教育和体育局"
    assert "unit: visible-title '必威体育平台' carries spam vocabulary, not used" in result.conflicts


def test_spam_everywhere_leaves_the_unit_null_with_a_conflict():
    body = "<p>必威体育app2021年政府信息公开工作年度报告</p><p>一、总体情况</p>"
    result = extract_report(vsb_page("必威体育平台", body), url=URL)
    assert result.unit is None and result.unit_kind is None and result.township is None
    assert "unit: no clean candidate left" in result.conflicts


def test_titles_that_disagree_are_a_conflict():
    body = report_body("仁寿县向家镇2021年政府信息公开工作年度报告", "仁寿县向家镇人民政府")
    result = extract_report(vsb_page("龙马镇", body), url=URL)
    assert result.unit == "向家镇"
    assert "unit: title+body:本报告由 向家镇 vs visible-title 龙马镇" in result.conflicts


def test_the_portal_as_source_does_not_outvote_the_title():
    body = report_body("仁寿县向家镇2021年政府信息公开工作年度报告", "仁寿县向家镇人民政府")
    result = extract_report(vsb_page("向家镇", body, source="仁寿县人民政府",
                                     meta="<meta name='ContentSource' content='仁寿县人民政府'>"), url=URL)
    assert result.unit == "向家镇"


def test_the_column_names_the_unit_when_nothing_else_does():
    html = vsb_page("2021年政府信息公开工作年度报告", "<p>一、总体情况</p>")
    assert extract_report(html, url=URL, column_name="仁寿县审计局").unit == "仁寿县审计局"
    assert extract_report(html, url=URL, column_name="2021年部门年报").unit is None


@pytest.mark.parametrize(
    "title, want",
    [
        ("仁寿县人民政府政府信息公开工作年度报告", "仁寿县人民政府"),
        ("向家镇政府信息公开工作年度报告", "向家镇"),
        ("2020年度仁寿县农业农村局政府信息公开工作年度报告", "仁寿县农业农村局"),
        ("关于仁寿县民政局2019年度政府信息公开工作报告", "仁寿县民政局"),
        ("仁寿县经济和信息化局2019年政府信息公开年报", "仁寿县经济和信息化局"),
        ("2019年政府信息公开工作年度报告", None),
    ],
)
def test_name_in_title(title, want):
    name = name_in_title(title)
    assert (normalise(name) if name else None) == want


@pytest.mark.parametrize(
    "name, kind",
    [
        ("向家镇", "township"), ("石咀乡", "township"), ("文林街道办事处", "subdistrict"),
        ("仁寿县人民政府", "government"), ("眉山市人民政府", "government"), ("仁寿县人民政府办公室", "department"),
        ("仁寿县教育和体育局", "department"), ("仁寿县发展和改革委员会", "department"), ("仁寿县融媒体中心", "department"),
        ("眉山天府新区", "zone"), ("仁寿经济开发区管委会", "zone"), ("仁寿县乡镇", "other"), ("必威体育平台", "other"),
    ],
)
def test_unit_kind(name, kind):
    assert unit_kind(name) == kind


def test_find_unit_votes_by_weight_and_names_every_place():
    unit, conflicts = find_unit([
        Candidate("label:来源", "仁寿县人民政府"), Candidate("label:发布机构", "仁寿县人民政府"),
        Candidate("body:本报告由", "仁寿县向家镇人民政府"), Candidate("visible-title", "向家镇"),
    ])
    assert unit is not None and (unit.name, unit.kind, unit.rule) == ("向家镇", "township", "body:本报告由+visible-title")
    assert conflicts == []
    assert find_unit([Candidate("title", None), Candidate("column", "乡镇年报")]) == (None, [])


def test_the_county_governments_own_report_compiled_by_its_office():
    title = "仁寿县人民政府2021年政府信息公开工作年度报告"
    html = index_page(title, "仁寿县人民政府办公室", report_body(title, "仁寿县人民政府办公室"))
    result = extract_report(html, url=URL)
    assert (result.unit, result.unit_kind) == ("仁寿县人民政府", "government")
    assert result.issuer == "仁寿县人民政府办公室"


BRANDS = ("必威体育平台", "必威体育app", "沙巴体育", "星空体育官网入口", "江南体育app下载")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(BRANDS), st.sampled_from(("", "仁寿县", "向家镇", "仁寿县教育和体育局")),
       st.sampled_from(("", "2021年政府信息公开工作年度报告")), st.booleans())
def test_property_the_unit_is_never_spam(brand, name, tail, brand_first):
    title = brand + name + tail if brand_first else name + brand + tail
    result = extract_report(vsb_page(title, f"<p>{title}</p><p>一、总体情况</p>", source=brand), url=URL)
    assert result.unit is None or not is_spam(result.unit)
    assert result.township is None or result.township == result.unit


def test_a_name_that_lost_its_place_votes_for_the_whole_name():
    # the hack replaced 仁寿 in the titles and cleaning removed the brand; the meta title kept it
    body = report_body("县自然资源局2024年政府信息公开工作年度报告", "县自然资源局", 2024)
    html = vsb_page("县自然资源局2024年政府信息公开工作年度报告", body,
                    meta="<meta name='ArticleTitle' content='仁寿县自然资源局2024年政府信息公开工作年度报告'>")
    result = extract_report(html, url=URL)
    assert result.unit == "仁寿县自然资源局"
    assert result.provenance["unit"].rule == "meta:ArticleTitle+title+body:本报告由"
    assert not [c for c in result.conflicts if c.startswith("unit")]


def test_the_body_names_the_unit_when_the_title_does_not():
    """A bare ``2022年…年度报告`` title: the unit comes from the line above it that is only a
    unit's name, and from the opening sentence's 结合<unit>政府信息公开情况."""
    from pipelines.extract.unit import names_in_body

    unit = "江城市人民政府合作交流办公室"
    lines = [unit, "2022年政府信息公开工作年度报告",
             f"本年度报告根据《中华人民共和国政府信息公开条例》要求，结合{unit}2022年政府信息公开工作情况编制。"]
    assert names_in_body(lines) == (unit, unit)
    # a line of prose or a heading that is no unit's name is not taken
    assert names_in_body(["一、总体情况", "2022年，我局认真贯彻落实条例。"]) == (None, None)
