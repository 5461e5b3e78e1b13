"""Pages modelled on real report pages (layout facts in ``real_facts.md``; all text our own).

The generalisation set of ``bench/extract_eval.py``: the generator in ``gen_units.py`` was written
together with the extractor, these pages after reading real ones, to see how the rules carry over.
"""

from __future__ import annotations

from datetime import date, datetime

from gen_pages import Case

PROSE = ("<p>一、总体情况</p><p>{year}年，{we}认真落实《中华人民共和国政府信息公开条例》，围绕中心工作推进政务公开，"
         "全年主动公开政府信息{n}条。</p><p>二、主动公开政府信息情况</p><p>本年度未制发规章和行政规范性文件。</p>"
         "<p>三、收到和处理政府信息公开申请情况</p><p>本年度{we}未收到政府信息公开申请。</p>"
         "<p>四、存在的主要问题及改进情况</p><p>公开内容还不够丰富，下一步将加强培训，提高公开质量。</p>")


def _prose(year: int, we: str, n: int) -> str:
    return PROSE.format(year=year, we=we, n=n)


def _page(title_tag: str, inner: str, meta: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title_tag}</title>{meta}</head><body>'
            '<div class="header"><h1 class="logo">政府门户网站</h1><ul class="nav"><li>首页</li><li>政务公开</li>'
            f'<li>政务服务</li></ul></div>{inner}<div class="footer">主办单位：人民政府办公室 网站标识码 5100000001</div>'
            "</body></html>")


def _case(name, html, expected, column=None) -> Case:
    return Case(f"real-{name}", html, f"http://www.example.gov.cn/{name}.html", column, expected, {})


def cases() -> list[Case]:
    out = []
    # an index table of label and value cells under the title; 生成日期 with seconds; no period
    title = "西关街道2025年政府信息公开工作年度报告"
    table = ('<table class="xxgk"><tr><td>索引号</td><td>620799011/2026-00012</td><td>发文字号</td><td></td></tr>'
             '<tr><td>关键词</td><td></td><td>发布机构</td><td>西关办事处</td></tr>'
             '<tr><td>公开形式</td><td></td><td>责任部门</td><td></td></tr>'
             '<tr><td>生成日期</td><td>2026-01-21 09:12:40</td><td>是否有效</td><td></td></tr></table>')
    inner = (f'<div class="zw"><div class="zw-title">{title}</div>{table}'
             f'<div class="TRS_Editor">{_prose(2025, "我街道", 96)}</div></div>')
    out.append(_case("index-table-subdistrict", _page(f"{title}_区人民政府", inner), {
        "title": title, "visible_title": title, "unit": "西关街道", "unit_kind": "subdistrict", "township": "西关街道",
        "report_year": 2025, "published_date": date(2026, 1, 21), "published_at": datetime(2026, 1, 21, 9, 12, 40),
        "source": None, "issuer": "西关办事处", "index_no": "620799011/2026-00012", "doc_no": None,
        "period_start": None, "period_end": None}))
    # 本报告依据…编制 (no issuer named); 数据统计期限
    title = "秦汉路街道办事处2025年政府信息公开工作年度报告"
    body = ("<p>本报告依据《中华人民共和国政府信息公开条例》和年度报告格式要求编制，包括总体情况等六个部分。"
            "数据统计期限为2025年1月1日至2025年12月31日。</p>" + _prose(2025, "秦汉路街道", 41))
    inner = f'<div class="article"><h2>{title}</h2><p class="info">发布日期：2026-01-15</p><div class="content">{body}</div></div>'
    out.append(_case("zone-subdistrict", _page(title, inner), {
        "title": title, "visible_title": title, "unit": "秦汉路街道", "unit_kind": "subdistrict",
        "township": "秦汉路街道", "report_year": 2025, "published_date": date(2026, 1, 15), "published_at": None,
        "source": None, "issuer": None, "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}))
    # 依据…编制本报告; no period; a flattened table
    title = "东仓街道2025年政府信息公开工作年度报告"
    body = ("<p>依据《中华人民共和国政府信息公开条例》第五十条规定，编制本报告。</p>" + _prose(2025, "东仓街道", 12)
            + "<p>| 第二十条第（一）项 |</p><p>| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |</p>")
    inner = (f'<div class="detail"><h1 class="detail-title">{title}</h1><div class="detail-info">'
             f'来源：东仓街道办事处&nbsp;&nbsp;发布时间：2026-01-20</div><div id="zoom">{body}</div></div>')
    out.append(_case("flattened-tables", _page(f"{title}-区政府", inner), {
        "title": title, "visible_title": title, "unit": "东仓街道", "unit_kind": "subdistrict", "township": "东仓街道",
        "report_year": 2025, "published_date": date(2026, 1, 20), "source": "东仓街道办事处", "issuer": None,
        "period_start": None, "period_end": None}))
    # 现公布我局…; no period; meta tags
    title = "凌云区审计局2022年政府信息公开工作年度报告"
    meta = (f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2023-01-30 10:05">'
            '<meta name="ContentSource" content="凌云区审计局">')
    body = "<p>根据《中华人民共和国政府信息公开条例》规定，现公布我局2022年政府信息公开工作年度报告。</p>" + _prose(2022, "我局", 20)
    inner = f'<div class="main"><h3>{title}</h3><div class="TRS_Editor">{body}</div></div>'
    out.append(_case("audit-bureau-meta", _page(title, inner, meta), {
        "title": title, "visible_title": title, "unit": "凌云区审计局", "unit_kind": "department", "township": None,
        "report_year": 2022, "published_date": date(2023, 1, 30), "published_at": datetime(2023, 1, 30, 10, 5),
        "source": "凌云区审计局", "issuer": None, "period_start": None, "period_end": None}))
    # a city government; a lone 字号: tool line; end without year
    title = "2022年江城市政府信息公开工作年度报告"
    body = ("<p>本年度报告根据《中华人民共和国政府信息公开条例》的要求编制。本年度报告中所列数据统计期限为2022年1月1日至12月31日。"
            "本年度报告电子版可从江城市人民政府网站下载。</p>" + _prose(2022, "江城市", 5120))
    inner = (f'<div class="article"><div class="article-title"><h1>{title}</h1></div><div class="tools">字号：</div>'
             f'<div class="article-date">2023-03-31</div><div class="article-content">{body}</div></div>')
    out.append(_case("city-government", _page(f"{title}-江城市人民政府", inner), {
        "title": title, "visible_title": title, "report_year": 2022, "published_date": date(2023, 3, 31),
        "source": None, "issuer": None, "period_start": date(2022, 1, 1), "period_end": date(2022, 12, 31)}))
    # 除特别说明的外，所列数据统计时限为…; contact sentence
    title = "清远市统计局2022年政府信息公开工作年度报告"
    body = ("<p>根据《中华人民共和国政府信息公开条例》第五十条要求，现公布清远市统计局2022年政府信息公开工作年度报告。"
            "除特别说明的外，所列数据统计时限为2022年1月1日至2022年12月31日。公众如需进一步了解，请与市统计局办公室联系"
            "（电话：0763-1234567）。</p>" + _prose(2022, "我局", 300))
    inner = (f'<div class="con"><div class="con-title">{title}</div><div class="con-info">发布时间：2023-01-29 '
             f'【字体：大 中 小】【打印】【关闭】</div><div class="con-text">{body}</div></div>')
    out.append(_case("statistics-bureau", _page(title, inner), {
        "title": title, "visible_title": title, "unit": "清远市统计局", "unit_kind": "department", "township": None,
        "report_year": 2022, "published_date": date(2023, 1, 29), "source": None, "issuer": None,
        "period_start": date(2022, 1, 1), "period_end": date(2022, 12, 31)}))
    # the unit name as the page heading; the year only in the column
    body = "<p>根据《中华人民共和国政府信息公开条例》相关要求，现公布区政府国资局2022年政府信息公开工作年度报告。</p>" + _prose(
        2022, "区政府国资局", 4)
    inner = f'<div class="news"><h2>南湖区国资局</h2><div class="news-text">{body}</div></div>'
    out.append(_case("unit-heading", _page("南湖区国资局_南湖区人民政府", inner), {
        "title": "南湖区国资局", "visible_title": "南湖区国资局", "unit": "南湖区国资局", "unit_kind": "department",
        "township": None, "report_year": 2022, "period_start": None, "period_end": None}, column="2022年度部门年度报告"))
    # a unit line and a title line at the top of the text
    unit = "江城市人民政府合作交流办公室"
    body = (f"<p>{unit}</p><p>2022年政府信息公开工作年度报告</p><p>本年度报告根据《中华人民共和国政府信息公开条例》以及"
            f"有关要求，并结合{unit}政府信息公开情况编制而成。本年度报告中所列数据统计期限从2022年1月1日起至2022年12月31日止。"
            "</p>" + _prose(2022, "市合作交流办", 2017))
    inner = f'<div class="zwgk"><div class="zwgk-body">{body}</div></div>'
    out.append(_case("unit-line-title-line", _page("2022年政府信息公开工作年度报告", inner), {
        "title": "2022年政府信息公开工作年度报告", "unit": unit, "unit_kind": "department", "township": None,
        "report_year": 2022, "period_start": date(2022, 1, 1), "period_end": date(2022, 12, 31)}))
    # 归档时间 and a breadcrumb in the head; the title broken over two lines
    title = "北县住房和城乡建设局2022年政府信息公开工作年度报告"
    body = ("<p>北县住房和城乡建设局2022年政府信息</p><p>公开工作年度报告</p><p>根据《条例》要求编制本报告，统计期限为"
            "2022年1月1日至2022年12月31日。</p>" + _prose(2022, "我局", 88))
    inner = (f'<div class="box"><div class="crumb">当前位置: 首页 > 公开领域 > 城乡规划</div><div class="arc">'
             f'<div class="meta">归档时间:2023-06-15</div><div class="text">{body}</div></div></div>')
    out.append(_case("archived-split-title", _page(f"{title} - 北县政府", inner), {
        "title": title, "visible_title": None, "unit": "北县住房和城乡建设局", "unit_kind": "department",
        "township": None, "report_year": 2022, "published_date": None, "published_at": None,
        "period_start": date(2022, 1, 1), "period_end": date(2022, 12, 31)}))
    # a period whose dash became a digit: not read, raw kept
    title = "南坪镇2021年政府信息公开工作年度报告"
    body = "<p>本报告由南坪镇人民政府编制，统计期限为2021年1月1日12021年12月31日。</p>" + _prose(2021, "我镇", 60)
    inner = (f'<div class="art"><h1>{title}</h1><div class="art-info">时间:2022-01-10 16:55:02 乡镇动态 浏览次数:</div>'
             f'<div class="art-body">{body}</div></div>')
    out.append(_case("dash-became-digit", _page(title, inner), {
        "title": title, "visible_title": title, "unit": "南坪镇", "unit_kind": "township", "township": "南坪镇",
        "report_year": 2021, "published_date": date(2022, 1, 10), "published_at": datetime(2022, 1, 10, 16, 55, 2),
        "issuer": "南坪镇人民政府", "period_start": None, "period_end": None}))
    # a VSB county of another province: 发布机构 / 索引号 / 时间 / 作者 above the title
    title = "桃源县教育局2023年政府信息公开工作年度报告"
    rows = ('<table class="xxgk-info"><tr><td>发布机构：桃源县教育局</td><td>索引号：430725-07-2024-0003</td></tr>'
            '<tr><td>时间：2024-01-18 11:20</td><td>作者：办公室</td></tr></table>')
    body = ("<p>本报告由桃源县教育局依据《条例》编制，所列数据统计期限为2023年1月1日至2023年12月31日。</p>"
            + _prose(2023, "我局", 130))
    inner = (f'<form name="_newscontent_fromname">{rows}<div class="title">{title}</div>'
             f'<div class="tool">【字体：大 中 小】【下载Word】【下载PDF】</div><div id="vsb_content_2">'
             f'<div class="v_news_content">{body}</div></div><div>【打印本页】【关闭窗口】</div></form>')
    out.append(_case("vsb-other-province", _page(title, inner), {
        "title": title, "visible_title": title, "unit": "桃源县教育局", "unit_kind": "department", "township": None,
        "report_year": 2023, "published_date": date(2024, 1, 18), "published_at": datetime(2024, 1, 18, 11, 20),
        "source": None, "issuer": "桃源县教育局", "index_no": "430725-07-2024-0003",
        "period_start": date(2023, 1, 1), "period_end": date(2023, 12, 31)}))
    # a sports bureau (体育 everywhere); the period's 年 and 至 lost in the markup
    title = "乐水市体育局2021年政府信息公开工作年度报告"
    body = ("<p>本报告由乐水市体育局编制。本报告所列数据统计期限为<span>2021</span>1月1日<span>2021</span>年12月31日。</p>"
            + _prose(2021, "市体育局", 77) + "<p>全年公开全民健身、体育赛事、体育场馆开放等信息。</p>")
    inner = (f'<div class="main-content"><h1>{title}</h1><p class="date">发布日期：2022年1月25日 来源：乐水市体育局</p>'
             f'<div class="TRS_Editor">{body}</div></div>')
    out.append(_case("sports-bureau-damaged", _page(f"{title}_乐水市体育局", inner), {
        "title": title, "visible_title": title, "unit": "乐水市体育局", "unit_kind": "department", "township": None,
        "report_year": 2021, "published_date": date(2022, 1, 25), "source": "乐水市体育局", "issuer": "乐水市体育局",
        "period_start": date(2021, 1, 1), "period_end": date(2021, 12, 31), "period_repaired": True}))
    # a publication date broken over two head lines
    title = "高新区管委会2020年政府信息公开工作年度报告"
    body = "<p>本报告由高新区管委会编制，统计期限为2020年1月1日至2020年12月31日。</p>" + _prose(2020, "管委会", 35)
    inner = (f'<article><h1>{title}</h1><div class="pub">发布时间：2021 年 2 月<br>18 日</div>'
             f'<section class="body">{body}</section></article>')
    out.append(_case("zone-date-broken", _page(title, inner), {
        "title": title, "visible_title": title, "unit": "高新区管委会", "unit_kind": "zone", "township": None,
        "report_year": 2020, "published_date": date(2021, 2, 18), "issuer": "高新区管委会",
        "period_start": date(2020, 1, 1), "period_end": date(2020, 12, 31)}))
    return out
