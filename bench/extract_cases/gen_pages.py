"""Seeded generator of labelled report pages in the layouts seen on VSB county sites.

``cases(n, seed)`` returns ``Case`` objects: the page HTML (as the cleaning step hands it over),
the URL, an optional column name, and the expected fields and statistics.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

import gen_tables
from gen_tables import applications_table, items_table, review_table

COUNTIES = ("仁寿县", "丹棱县", "眉山市东坡区", "洪雅县", "青神县")
TOWNS = ("向家镇", "文林街道", "龙马镇", "石咀乡", "松峰乡", "方家镇", "汪洋镇", "富加镇", "清水镇", "怀仁街道",
         "视高街道", "钟祥镇", "禾加镇", "满井镇", "珠嘉乡", "新店镇", "北斗镇", "宝飞镇", "曹家镇", "虞丞乡")
LAYOUTS = ("rs", "h1", "index", "old", "head", "article_title", "h2")
CN = "〇一二三四五六七八九"
FW = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Case:
    name: str
    html: str
    url: str
    column_name: str | None
    expected: dict
    statistics: dict[str, float] = field(default_factory=dict)


def cn_year(y: int) -> str:
    return "".join(CN[int(c)] for c in str(y))


def cn_small(n: int) -> str:
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


def government(town: str, county: str) -> str:
    if town.endswith("街道"):
        return f"{county}{town}办事处"
    return f"{county}{town}人民政府"


def date_text(rng: random.Random, when: datetime, style: str) -> tuple[str, bool]:
    """The visible date in one of the seen spellings, and whether it shows the time."""
    if style == "cn":
        return f"{when:%Y年%m月%d日}", False
    if style == "cn_numeral":
        return f"{cn_year(when.year)}年{cn_small(when.month)}月{cn_small(when.day)}日", False
    if style == "full_width":
        return f"{when:%Y年%m月%d日}".translate(FW), False
    if style == "spaced":
        return f"{when.year} 年 {when.month} 月 {when.day} 日", False
    if style == "iso_time":
        return f"{when:%Y-%m-%d %H:%M}", True
    if style == "slash_time":
        return f"{when.year}/{when.month}/{when.day} {when:%H:%M:%S}", True
    return f"{when:%Y-%m-%d}", False


def period_sentence(rng: random.Random, year: int) -> tuple[str, bool]:
    kinds = (
        f"所列数据统计期限从{year}年1月1日起至{year}年12月31日止",
        f"统计期限为{year}年1月1日起至12月31日止",
        f"统计数据时限为{year}年1月1日至{year}年12月31日",
        f"统计期限自{year}年1月1日起至12月31日止",
        f"所列数据的统计期限于{year}年1月1日起至12月31日止",
        f"本报告中所列数据的统计期限为{year} 年 1 月 1 日至 {year} 年 12 月 31 日",
        f"数据统计期限：{year}年1月1日—{year}年12月31日",
    )
    if rng.random() < 0.06:
        return f"所列数据统计期限为{year}1月1日起至{year}年12月31日止", True
    return rng.choice(kinds), False


def prose_paragraphs(rng: random.Random, year: int, town: str, truth: dict) -> list[str]:
    cats = {"plans": rng.randint(1, 60), "dynamics": rng.randint(1, 90), "public_opinion": rng.randint(0, 20),
            "policy": rng.randint(1, 30), "finance": rng.randint(0, 20), "other": rng.randint(0, 9)}
    website = sum(cats.values())
    offline = rng.randint(20, 600)
    total = website + offline
    responses, meetings, trainings = rng.randint(0, 30), rng.randint(1, 9), rng.randint(1, 8)
    trainees = rng.choice((30, 50, 80, 100, 120, 200))
    more = rng.random() < 0.7
    truth.update({"active_total": total, "active_website": website, "active_offline": offline,
                  "public_responses": responses, "meetings": meetings, "trainings": trainings,
                  "trainees": trainees})
    truth.update({f"active_{k}": v for k, v in cats.items()})
    we = rng.choice(("我镇", "我乡", "本单位", town))
    paras = [
        "一、工作概述",
        f"{year}年，{we}严格按照《条例》要求，围绕中心工作认真做好政府信息公开工作，以公开促落实、促规范。",
        "二、主动公开政府信息情况",
        f"{year}年，{we}主动公开信息{total}条，其中，通过县人民政府网站、省政府信息公开目录管理系统公开信息"
        f"{website}条，包括规划计划类{cats['plans']}条，乡镇动态概况信息{cats['dynamics']}条，社情民意{cats['public_opinion']}条，"
        f"政策宣传类信息{cats['policy']}条，财经类{cats['finance']}条，其他信息{cats['other']}条。通过逢场日宣传、"
        f"镇村干部微信群、村务公开栏等其他方式和途径公开信息{offline}条。",
        f"（二）回应解读情况。全年通过领导信箱回应群众事件数{responses}条，全部按时办结。",
    ]
    received = rng.choice((0, 0, 2, 3))
    if received:
        paras.append(f"（三）依申请公开情况。本年度共收到政府信息公开申请{received}件，均已按期答复。")
        truth["applications_new"] = received
    else:
        paras.append(f"（三）依申请公开政府信息情况。本年度{we}无依申请公开政府信息情况和不予公开政府信息情况。")
        truth["applications_new"] = 0
    paras.append(f"（四）行政复议、行政诉讼情况。本年度{we}没有因政府信息公开申请行政复议、提起行政诉讼情况发生。")
    truth.update({"review_total": 0, "litigation_total": 0})
    paras.append(f"（五）收费及减免情况。本年度{we}无政府信息依申请公开相关的收费及减免情况。")
    truth["applications_fees"] = 0
    paras.append(
        f"（六）会议和培训情况。召开政府信息公开工作会议和专题会议{meetings}次，举办各类培训班{trainings}次，"
        f"接受培训人数{trainees}{'余' if more else ''}人次。"
    )
    paras.append("（七）需要说明的其他事项。本年度无需要说明的其他事项。")
    return paras


def national_paragraphs(rng: random.Random, year: int, truth: dict, revised: bool) -> list[str]:
    website, offline = rng.randint(30, 400), rng.randint(0, 300)
    responses, meetings, trainings = rng.randint(0, 20), rng.randint(1, 6), rng.randint(1, 6)
    trainees = rng.choice((40, 60, 150))
    truth.update({"active_total": website + offline, "active_website": website, "active_offline": offline,
                  "public_responses": responses, "meetings": meetings, "trainings": trainings,
                  "trainees": trainees})
    return [
        "一、总体情况",
        f"{year}年，我镇主动公开政府信息{website + offline}条，其中在县政府网站发布{website}条，"
        f"通过公开栏等线下渠道公开{offline}条；回应群众关切{responses}条。",
        f"全年召开政务公开专题会议{meetings}次，举办培训班{trainings}次，培训人数{trainees}余人次。",
    ]


def body_html(rng: random.Random, year: int, town: str, county: str, issuer: str,
              title_in_body: bool, truth: dict) -> tuple[str, date, date, bool]:
    title = f"{county}{town}{year}年政府信息公开工作年度报告"
    period, repaired = period_sentence(rng, year)
    verb = rng.choice(("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制", "编制", "依据《条例》制定"))
    intro = (f"本报告由{issuer}{verb}。内容包括总体情况、主动公开政府信息情况等，{period}。"
             f"如有疑问请与{issuer}联系（联系电话：028-3{rng.randint(1000000, 9999999)}）。")
    parts = [f'<p style="text-align:center"><strong>{title}</strong></p>'] if title_in_body else []
    parts.append(f"<p>{intro}</p>")
    if year <= 2018:
        parts += [f"<p>{p}</p>" for p in prose_paragraphs(rng, year, town, truth)]
    else:
        revised = year >= 2021
        parts += [f"<p>{p}</p>" for p in national_paragraphs(rng, year, truth, revised)]
        parts.append("<p>二、主动公开政府信息情况</p>")
        parts.append(items_table(rng, revised, truth))
        parts.append("<p>三、收到和处理政府信息公开申请情况</p>")
        parts.append(applications_table(rng, revised, truth))
        parts.append("<p>四、政府信息公开行政复议、行政诉讼情况</p>")
        parts.append(review_table(rng, truth))
    parts.append("<p>五、存在的主要问题及改进情况</p><p>" + "信息公开的及时性、规范性还需进一步提高。" * 6 + "</p>")
    return "".join(parts), date(year, 1, 1), date(year, 12, 31), repaired


CHROME_MENU = "".join(f'<li><a href="../../{i}.htm">栏目{i}：政务公开专栏信息</a></li>' for i in range(60))
FOOTER = ('<div class="footer">主办单位:仁寿县人民政府办公室 &nbsp; 承办：县大数据中心 &nbsp; 网站标识码:5114210002 '
          '蜀ICP备08008128号 &nbsp; 联系电话：028-36216000</div>')


def make_case(rng: random.Random, index: int) -> Case:
    county, town = rng.choice(COUNTIES), rng.choice(TOWNS)
    year = rng.randint(2016, 2024)
    layout = LAYOUTS[index % len(LAYOUTS)]
    gov = government(town, county)
    published = datetime(year + 1, rng.randint(1, 3), rng.randint(1, 28), rng.randint(8, 18),
                         rng.randint(0, 59), rng.randint(0, 59))
    has_meta = rng.random() < 0.5
    source = rng.choice(("", "", town + ("人民政府" if not town.endswith("街道") else "办事处"), "县政务服务中心"))
    truth: dict[str, float] = {}
    gen_tables.WORD_STYLE[0] = rng.random() < 0.4
    colon = "：" if rng.random() < 0.8 else ":"
    title = f"{county}{town}{year}年政府信息公开工作年度报告"
    title_in_body = layout in ("rs", "index", "old") or rng.random() < 0.5
    body, start, end, repaired = body_html(rng, year, town, county, gov, title_in_body, truth)
    visible = town if layout in ("rs",) or (title_in_body and rng.random() < 0.5) else title
    style = {"rs": rng.choice(("cn", "cn", "spaced", "full_width", "cn_numeral")), "h1": "iso_time",
             "index": "iso", "old": "slash_time", "head": rng.choice(("cn_numeral", "cn")),
             "article_title": "iso", "h2": rng.choice(("full_width", "spaced"))}[layout]
    shown, timed = date_text(rng, published, style)
    if style == "cn" and rng.random() < 0.3:   # a date split over inline elements
        shown = f"<span>{published.year}</span>年<span>{published:%m}</span>月<span>{published:%d}</span>日"
    index_no = f"11511421MB{rng.randint(1000000, 9999999)}/{year + 1}-{rng.randint(10, 999):05d}"
    doc_no = rng.choice(("", f"{town[:2]}府发〔{year + 1}〕{rng.randint(1, 40)}号"))
    meta = ""
    if has_meta:
        meta = (f'<meta name="ArticleTitle" content="{escape(visible)}"><meta name="PubDate" '
                f'content="{published:%Y-%m-%d %H:%M}"><meta name="ContentSource" content="{escape(source)}">'
                f'<meta name="ColumnName" content="{year}年度乡镇政府信息公开年报"><meta name="SiteName" content="仁寿县人民政府">')
    nb = "&nbsp;" * 4
    if layout == "rs":
        head = (f'<table width="100%"><tr><td class="titlestyle148403" align="center">{escape(visible)}</td></tr>'
                f'<tr><td class="timestyle148403" align="center">{shown}{nb}来源{colon}{escape(source)}{nb}点击{colon}'
                f'<span id="dynclicks_wbnews_{index}_2"></span></td></tr></table>')
    elif layout == "h1":
        head = f'<h1>{escape(visible)}</h1><div class="info">发布时间{colon}{shown}{nb}来源{colon}{escape(source)}{nb}【字号：大 中 小】</div>'
    elif layout == "index":
        cells = (("索 引 号：", index_no), ("发布机构：", gov), ("文　　号：", doc_no), ("成文日期：", f"{published:%Y-%m-%d}"),
                 ("公开日期：", shown), ("公开方式：", "主动公开"))
        tds = "".join(f'<td class="lbl">{k}</td><td>{escape(v)}</td>' + ("</tr><tr>" if i % 2 else "")
                      for i, (k, v) in enumerate(cells))
        head = (f'<table class="index-block"><tr>{tds}</tr></table><h1>{escape(visible)}</h1>'
                f'<div class="info">公开日期 {shown}{nb}来源：{escape(source)}</div>')
    elif layout == "old":
        head = f'<p class="title">{escape(visible)}</p><div class="info">发布日期:{shown}&nbsp;&nbsp;信息来源：{escape(source)}</div>'
    elif layout == "head":
        head = (f'<div align="center"><span class="Head">{escape(visible)}</span></div>'
                f'<div class="info"><span>日期：{shown}</span>{nb}<span>信息来源：{escape(source)}</span></div>')
    elif layout == "article_title":
        head = (f'<div class="article_title">{escape(visible)}</div>'
                f'<div class="article_info">公开日期 {shown}{nb}来源：{escape(source)}{nb}浏览次数：</div>')
    else:
        head = f'<h2>{escape(visible)}</h2><div class="date">{shown}{nb}来源：{escape(source)}</div>'
    column = f"{year}年" if rng.random() < 0.3 else None
    html = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(visible)}-仁寿县人民政府</title>{meta}</head>'
        f'<body><div class="top">今天是{published.year + 1}年3月5日 星期二</div><ul class="menu">{CHROME_MENU}</ul>'
        f'<div class="article"><form name="_newscontent_fromname">{head}'
        f'<div id="vsb_content_{index % 7 + 2}"><div class="v_news_content">{body}</div></div>'
        f'<p>上一条：<a href="{9000 + index}.htm">{rng.choice(TOWNS)}</a></p>'
        f'<p>下一条：<a href="{9002 + index}.htm">{rng.choice(TOWNS)}</a></p>'
        '<a href="javascript:window.close()">【关闭】</a></form></div>' + FOOTER + "</body></html>"
    )
    shows_title_fully = visible == title
    meta_time = published.replace(second=0) if has_meta else None
    if timed:
        published_at = published if style == "slash_time" else published.replace(second=0)
    else:
        published_at = meta_time
    expected = {
        "title": title,
        "visible_title": visible,
        "township": town,
        "report_year": year,
        "published_date": published.date(),
        "published_at": published_at,
        "source": source or None,
        "issuer": gov,
        "index_no": index_no if layout == "index" else None,
        "doc_no": (doc_no or None) if layout == "index" else None,
        "period_start": start,
        "period_end": end,
        "period_repaired": repaired,
        "title_shown": shows_title_fully,
    }
    return Case(f"gen-{index:03d}-{layout}", html, f"http://www.rs.gov.cn/info/45{index % 90:02d}/{100000 + index}.htm",
                column, expected, truth)


def cases(n: int = 180, seed: int = 20240129) -> list[Case]:
    rng = random.Random(seed)
    return [make_case(rng, i) for i in range(n)]


if __name__ == "__main__":
    import sys

    for case in cases(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        print(case.name, len(case.html.encode()), case.expected)
