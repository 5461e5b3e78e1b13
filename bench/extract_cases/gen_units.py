"""Seeded generator of labelled report pages of every kind of reporting unit, in the templates of
other counties and CMSs, with the period and date damage real pages show.

Units: county departments, the county government, subdistricts, townships of other counties,
development zones. Templates (``TEMPLATES``):

* ``vsb-rows``: a VSB form whose 发布机构 / 索引号 / 时间 / 作者 rows (a table) stand ABOVE the
  title, no 来源, and a 【字体：大 中 小】【下载Word】【下载PDF】【打印本页】【关闭窗口】 tool row;
* ``article-div``: ``div.article`` with an ``h1``, a 发布日期 / 来源 line with a tool row, the report
  in ``div.article-content``;
* ``zoom``: a label table (发布机构, 索引号, 发布日期) and a ``div.title``, the report in ``div#zoom``
  written as text between ``br``s, a tool row inside the container;
* ``trs``: ``div.content`` > ``div.TRS_Editor``, TRS meta tags, 时间 / 来源 in one span line;
* ``article-tag``: ``<article>`` with a ``<header>`` (``h2``, 时间 / 作者), [打印本页] [关闭窗口];
* ``layout-td``: an old table layout, the title in a centred ``strong`` cell, 发布时间 / 信息来源
  in a cell, the report in a plain ``td``.

Damage (``DAMAGE``): the period sentence with 年/月/日/至 lost, digit runs, spaces and line breaks
inside, Chinese numerals (〇 and ○), split over paragraphs, start and end swapped, no year, and
ambiguous runs (expected: no period); published dates as bare digit runs.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from html import escape

import gen_tables
from gen_pages import CHROME_MENU, FOOTER, Case, cn_small, cn_year, national_paragraphs, prose_paragraphs
from gen_tables import applications_table, items_table, review_table

COUNTY = ("仁寿县", "丹棱县", "洪雅县", "青神县", "夹江县")
DEPARTMENTS = ("教育和体育局", "财政局", "自然资源局", "卫生健康局", "民政局", "交通运输局", "市场监督管理局",
               "人力资源和社会保障局", "住房和城乡建设局", "乡村振兴局", "农业农村局", "人民政府办公室", "统计局",
               "司法局", "城市管理和综合执法局", "退役军人事务局", "医疗保障局", "水利局")
CITY_DEPARTMENTS = ("乐山市体育局", "眉山市生态环境局", "眉山市东坡区民政局", "乐山市市中区审计局")
SUBDISTRICTS = ("文林街道", "怀仁街道", "视高街道", "苏祠街道", "通惠街道")
TOWNS = ("向家镇", "龙马镇", "松峰乡", "汪洋镇", "富加镇", "齐乐镇", "柳江镇", "止戈镇")
ZONES = ("眉山天府新区", "仁寿经济开发区", "甘眉工业园区", "眉山高新技术产业园区")
KINDS = ("department", "department", "department", "government", "subdistrict", "township", "zone", "city")
TEMPLATES = ("vsb-rows", "article-div", "zoom", "trs", "article-tag", "layout-td")
TOOLS = "【字体：大 中 小】【下载Word】【下载PDF】【打印本页】【关闭窗口】"
DAMAGE = ("lost-nian-ri", "lost-all", "compact", "lines", "spaces-breaks", "numerals", "numerals-circle",
          "swapped", "no-year", "ambiguous", "split-spans", None, None, None)


def unit_of(rng: random.Random, kind: str) -> tuple[str, str, str, str | None]:
    """(unit as the report names it, its kind, the issuing body's full name, township or None)."""
    county = rng.choice(COUNTY)
    if kind == "department":
        name = county + rng.choice(DEPARTMENTS)
        return name, "department", name, None
    if kind == "city":
        name = rng.choice(CITY_DEPARTMENTS)
        return name, "department", name, None
    if kind == "government":
        name = county + "人民政府"
        return name, "government", name, None
    if kind == "subdistrict":
        name = rng.choice(SUBDISTRICTS)
        return name, "subdistrict", f"{county}{name}办事处", name
    if kind == "township":
        name = rng.choice(TOWNS)
        return name, "township", f"{county}{name}人民政府", name
    name = rng.choice(ZONES)
    return name, "zone", name + "管理委员会", None


def period_text(rng: random.Random, year: int, damage: str | None) -> tuple[str, date | None, date | None, bool]:
    """(period sentence HTML, expected start, end, whether a repair must be flagged)."""
    y, start, end = year, date(year, 1, 1), date(year, 12, 31)
    lead = rng.choice(("本报告中所列数据的统计期限为", "所列数据统计时限为", "统计期限自", "除特别说明外，所列数据统计期限为"))
    if damage == "lost-nian-ri":
        return f"{lead}{y}1月1日至{y}1231日。", start, end, True
    if damage == "lost-all":
        return f"{lead}{y}11{y} 1231。", start, end, True
    if damage == "compact":
        return f"{lead}{y}0101—{y}1231。", start, end, True
    if damage == "lines":
        return f"{lead}</p><p>{y}年1月1日</p><p>至{y}年12月31日。", start, end, False
    if damage == "spaces-breaks":
        return f"{lead}{y} 年<br>1 月 1 日至 {y} 年 12<br>月 31 日。", start, end, False
    if damage == "numerals":
        return f"{lead}{cn_year(y)}年一月一日至{cn_year(y)}年十二月三十一日。", start, end, False
    if damage == "numerals-circle":
        return f"{lead}{cn_year(y).replace('〇', '○')}年一月一日起至十二月{cn_small(31)}日止。", start, end, False
    if damage == "swapped":
        return f"{lead}{y}年12月31日至{y}年1月1日。", start, end, True
    if damage == "no-year":
        return f"{lead}1月1日至12月31日。", start, end, True
    if damage == "ambiguous":
        return f"{lead}{y}111至{y}1231。", None, None, False
    if damage == "split-spans":
        return (f"{lead}<span>{y}</span><span>1</span>月<span>1</span>日至<span>{y}</span>"
                f"<span>12</span>月<span>31</span>日。"), start, end, True
    return f"{lead}{y}年1月1日至{y}年12月31日。", start, end, False


def body_paragraphs(rng: random.Random, year: int, unit: str, issuer: str, damage: str | None,
                    truth: dict) -> tuple[list[str], date | None, date | None, bool, str | None]:
    """The report's paragraphs (HTML of each), the period truth, and the issuer the body names."""
    period, start, end, repaired = period_text(rng, year, damage)
    named = rng.random() < 0.6
    if named:
        intro = (f"本报告由{issuer}根据《中华人民共和国政府信息公开条例》要求编制，内容包括总体情况、主动公开政府信息"
                 f"情况等。{period}")
    else:
        intro = f"根据《中华人民共和国政府信息公开条例》规定，现公布{unit}{year}年政府信息公开工作年度报告。{period}"
    paras = [intro]
    we = "本单位"
    if year <= 2018:
        body = prose_paragraphs(rng, year, unit, truth)
    else:
        body = national_paragraphs(rng, year, truth, year >= 2021)
    paras += [p.replace("我镇", we).replace("我乡", we) for p in body]
    paras.append("政府信息公开工作仍存在信息更新不够及时等问题，下一步将加强培训，提升公开质量。")
    return paras, start, end, repaired, (issuer if named else None)


def tables(rng: random.Random, year: int, truth: dict) -> str:
    if year <= 2018:
        return ""
    revised = year >= 2021
    return ("<p>二、主动公开政府信息情况</p>" + items_table(rng, revised, truth)
            + "<p>三、收到和处理政府信息公开申请情况</p>" + applications_table(rng, revised, truth)
            + "<p>四、政府信息公开行政复议、行政诉讼情况</p>" + review_table(rng, truth))


def make_case(rng: random.Random, index: int) -> Case:
    kind = KINDS[index % len(KINDS)]
    template = TEMPLATES[index % len(TEMPLATES)]
    damage = DAMAGE[(index // 2) % len(DAMAGE)]
    unit, unit_kind, issuer, township = unit_of(rng, kind)
    year = rng.randint(2017, 2024)
    published = datetime(year + 1, rng.randint(1, 3), rng.randint(1, 28), rng.randint(8, 18), rng.randint(0, 59))
    title = rng.choice((f"{unit}{year}年政府信息公开工作年度报告", f"{unit}{year}年度政府信息公开工作年度报告"))
    truth: dict[str, float] = {}
    gen_tables.WORD_STYLE[0] = rng.random() < 0.3
    paras, start, end, repaired, body_issuer = body_paragraphs(rng, year, unit, issuer, damage, truth)
    table_html = tables(rng, year, truth)
    index_no = f"{rng.randint(10**7, 10**8 - 1)}/{year + 1}-{rng.randint(1, 999):05d}"
    source = rng.choice((issuer, unit, "县政务服务中心"))
    date_shown, published_truth = _published(rng, published, damage)
    expected = {"title": title, "unit": unit, "unit_kind": unit_kind, "township": township, "report_year": year,
                "period_start": start, "period_end": end, "period_repaired": repaired,
                "published_date": published_truth, "published_at": None, "index_no": None, "doc_no": None}
    html_body = "".join(f"<p>{p}</p>" for p in paras) + table_html
    page = _render(rng, template, index, title, unit, issuer, source, date_shown, index_no, html_body, paras,
                   table_html, expected, body_issuer, published)
    column = rng.choice((None, f"{year}年度部门政府信息公开年报", f"{year}年"))
    return Case(f"unit-{index:03d}-{template}-{kind}-{damage or 'clean'}", page,
                f"http://www.example-county.gov.cn/art/{year + 1}/{index}.html", column, expected, truth)


def _published(rng: random.Random, when: datetime, damage: str | None) -> tuple[str, date | None]:
    """The visible publication date (sometimes a bare digit run) and its truth."""
    if damage in ("lost-all", "compact"):
        return f"{when:%Y%m%d}", when.date()
    if damage == "ambiguous" and when.month == 1 and when.day in (11, 12, 21, 22):
        return f"{when.year}{when.month}{when.day}", None      # 2021111: 1月11日 or 11月1日
    return rng.choice((f"{when:%Y-%m-%d}", f"{when:%Y年%m月%d日}", f"{when.year} 年 {when.month} 月 {when.day} 日")), \
        when.date()


def _render(rng, template, index, title, unit, issuer, source, shown, index_no, html_body, paras, table_html,
            expected, body_issuer, published) -> str:
    e = escape
    tools = TOOLS if rng.random() < 0.8 else "[打印本页] [关闭窗口]"
    head_meta = ""
    if template == "vsb-rows":
        author = rng.choice(("办公室", "综合股", "党政办"))
        rows = (f'<table class="xxgk"><tr><td>发布机构：</td><td>{e(issuer)}</td><td>索引号：</td><td>{index_no}</td></tr>'
                f"<tr><td>时间：</td><td>{shown}</td><td>作者：</td><td>{author}</td></tr></table>")
        head = f'{rows}<h1 class="arti_title">{e(title)}</h1><div class="tools">{tools}</div>'
        main = f'<div id="vsb_content_3"><div class="v_news_content">{html_body}</div></div>'
        inner = f'<form name="_newscontent_fromname">{head}{main}</form>'
        expected.update(visible_title=title, source=None, issuer=issuer, index_no=index_no)
    elif template == "article-div":
        head = (f"<h1>{e(title)}</h1><div class=\"info\">发布日期：{shown}&nbsp;&nbsp;来源：{e(source)}"
                f"&nbsp;&nbsp;{tools}</div>")
        inner = f'<div class="article">{head}<div class="article-content">{html_body}</div></div>'
        expected.update(visible_title=title, source=source, issuer=body_issuer)
    elif template == "zoom":
        rows = (f'<table class="info"><tr><td>发布机构：{e(issuer)}</td><td>索引号：{index_no}</td></tr>'
                f"<tr><td>发布日期：{shown}</td><td>主题分类：政务公开</td></tr></table>")
        text = "<br>".join(paras)
        inner = (f'<div class="main">{rows}<div class="title">{e(title)}</div><div id="zoom">'
                 f'<div class="tool">{tools}</div>{text}{table_html}</div></div>')
        expected.update(visible_title=title, source=None, issuer=issuer, index_no=index_no)
    elif template == "trs":
        head_meta = (f'<meta name="ArticleTitle" content="{e(title)}"><meta name="PubDate" '
                     f'content="{published:%Y-%m-%d %H:%M}"><meta name="ContentSource" content="{e(source)}">')
        inner = (f'<div class="content"><h2 class="tit">{e(title)}</h2><div class="property"><span>时间：{shown}'
                 f"</span><span>来源：{e(source)}</span></div>"
                 f'<div class="TRS_Editor">{tools}{html_body}</div></div>')
        expected.update(visible_title=title, source=source, issuer=body_issuer, published_date=published.date(),
                        published_at=published)
    elif template == "article-tag":
        inner = (f'<article><header><h2>{e(title)}</h2><p class="meta">时间：{shown}&nbsp;&nbsp;作者：办公室</p>'
                 f'</header>{html_body}<footer>[打印本页] [关闭窗口]</footer></article>')
        expected.update(visible_title=title, source=None, issuer=body_issuer)
    else:
        inner = (f'<table width="960" class="main"><tr><td align="center" height="40"><strong>{e(title)}</strong></td></tr>'
                 f'<tr><td align="center">发布时间：{shown}&nbsp;&nbsp;信息来源：{e(source)}</td></tr>'
                 f'<tr><td class="nr">{html_body}</td></tr><tr><td align="right">【打印本页】【关闭窗口】</td></tr></table>')
        expected.update(visible_title=None, source=source, issuer=body_issuer)
    site = rng.choice(("仁寿县人民政府", "丹棱县人民政府网", "乐山市体育局"))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{e(title)}_{site}</title>{head_meta}</head>'
            f'<body><div class="top"><h1 class="logo">{site}</h1>今天是{published.year}年3月5日</div>'
            f'<ul class="menu">{CHROME_MENU}</ul>{inner}{FOOTER}</body></html>')


def cases(n: int = 120, seed: int = 20261206) -> list[Case]:
    rng = random.Random(seed)
    return [make_case(rng, i) for i in range(n)]


if __name__ == "__main__":
    import sys

    for case in cases(int(sys.argv[1]) if len(sys.argv) > 1 else 6):
        print(case.name, len(case.html.encode()), {k: v for k, v in case.expected.items() if k != "statistics"})
