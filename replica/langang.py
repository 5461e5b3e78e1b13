"""A third replica county, 澜岗县人民政府 (fictional), on a VSB portal of another province.

``build_site(out, variant="langang")`` renders the same seeded model as the other counties with
the choices a site profile (and ``gongkai discover``) has to absorb:

* the home page does not link the report hub: it links 政府信息公开, whose page links the hub
  (``/xxgk/nb/index.htm``) as 政府信息公开工作年度报告专栏;
* hub columns read ``2018年乡镇政府信息公开年报`` (the model's column names, reworded);
* a column lists under ``/xxgk/nb/<col>/index.htm`` with further pages ``index_1.htm``,
  ``index_2.htm``... numbered forwards; rows are ``div.lg-list div.news-item`` with the date
  first (``<em class="time">2019.03.01</em>``);
* the pager has no classes on its links and reads 首页 / 上一页 / 下一页 / 末页;
* articles use the other-county VSB template: a table of 发布机构 / 索引号 / 时间 / 作者 rows
  above the ``h1`` title (the full report title), then the tool row 【字体：大 中 小】【下载Word】
  【下载PDF】【打印】 (script links, page chrome); the body sits in ``div.lg-article`` rather than
  Renshou's ``div.article``; 上一条/下一条 print 没有了 at the ends of a column.

No spam is injected and the disallowed column is left out, as in ``replica.qingxi``.
"""

from __future__ import annotations

import posixpath
from datetime import timedelta
from html import escape

from replica.files import Page, last_modified
from replica.model import BUILT_LOCAL, PAGE_SIZE, Article, Column, Site
from replica.pages import attachment_page, chain_neighbours, html_page, render_blocks, report_title, unit_truth
from replica.texts import compose

SITE_NAME = "澜岗县人民政府"
OPEN_PATH = "/xxgk/index.htm"
HUB_PATH = "/xxgk/nb/index.htm"
HUB_NAME = "政府信息公开工作年度报告专栏"
LIST_DIR = "/xxgk/nb"
ROBOTS = "User-agent: *\nDisallow: /system/resource/\n"
INDEX_PREFIX = "000014349"


def column_label(column: Column) -> str:
    """The hub's name for a column: the model's name in this county's wording."""
    return column.name.replace("工作年度报告", "年报")


def listing_path(column: Column, page: int) -> str:
    """Page 1 is ``index.htm``; page n is ``index_{n-1}.htm`` (numbered forwards)."""
    name = "index.htm" if page == 1 else f"index_{page - 1}.htm"
    return f"{LIST_DIR}/{column.spec.id}/{name}"


def _doc(title: str, body: str, *, encoding: str = "utf-8") -> str:
    declared = "gbk" if encoding == "gb18030" else "utf-8"
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in
                  (("/index.htm", "网站首页"), (OPEN_PATH, "政府信息公开"), ("/hdjl/index.htm", "互动交流")))
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta charset="{declared}">\n<title>{escape(title)}</title>\n'
        '<link rel="stylesheet" href="/css/lg.css">\n</head>\n<body>\n'
        f'<div class="lg-top"><div class="lg-logo">{SITE_NAME}</div><ul class="lg-nav">{nav}</ul></div>\n'
        f'<div class="lg-body">{body}</div>\n'
        '<div class="lg-footer"><p>主办单位：澜岗县人民政府办公室　网站标识码：3399990001</p></div>\n'
        "</body>\n</html>\n"
    )


def render_langang(site: Site) -> list[Page]:
    modified = last_modified(BUILT_LOCAL)
    pages = [Page("/robots.txt", ROBOTS.encode(), "text/plain", False, modified,
                  {"path": "/robots.txt", "kind": "robots", "listed": False, "disallowed": False,
                   "encoding": "ascii"})]
    home_body = ('<div class="lg-block"><h3>今日澜岗</h3><ul><li><a href="/hdjl/index.htm">县长信箱</a></li></ul></div>'
                 f'<div class="lg-block"><h3>公开专区</h3><ul><li><a href="{OPEN_PATH[1:]}">政府信息公开</a></li>'
                 '<li><a href="hdjl/index.htm">依申请公开</a></li></ul></div>')
    home = html_page("/index.htm", _doc(SITE_NAME, home_body), {"kind": "home"})
    pages += [home, Page("/", home.body, home.content_type, home.http_charset, home.last_modified,
                         home.truth | {"path": "/"})]
    pages.append(html_page(OPEN_PATH, _doc(f"政府信息公开-{SITE_NAME}",
                           '<div class="lg-block"><h3>政府信息公开</h3><ul>'
                           '<li><a href="zn.htm">政府信息公开指南</a></li>'
                           f'<li><a href="nb/index.htm">{HUB_NAME}</a></li></ul></div>'), {"kind": "other"}))
    pages.append(html_page("/hdjl/index.htm", _doc(f"互动交流-{SITE_NAME}", "<p>县长信箱正在维护。</p>"),
                           {"kind": "other"}))
    pages.append(html_page("/xxgk/zn.htm", _doc(f"政府信息公开指南-{SITE_NAME}",
                           "<p>本指南说明政府信息公开的范围、方式和程序。</p>"), {"kind": "other"}))
    columns = [c for c in site.columns.values() if not c.spec.disallowed]
    hub_rows = "".join(
        f'<dd><a href="{posixpath.relpath(listing_path(c, 1), LIST_DIR)}">{escape(column_label(c))}</a></dd>'
        for c in columns)
    pages.append(html_page(HUB_PATH, _doc(f"{HUB_NAME}-{SITE_NAME}",
                           f'<div class="lg-block"><h3>{HUB_NAME}</h3><dl class="lg-cols">{hub_rows}</dl></div>'),
                           {"kind": "hub"}))
    for column in columns:
        pages += _listing_pages(site, column)
        for article, prev_id, next_id in chain_neighbours(site, column):
            pages.append(_article_page(site, column, article, prev_id, next_id))
            pages += [attachment_page(article, a) for a in article.attachments]
    return pages


def _pager(column: Column, number: int, total: int) -> str:
    here = posixpath.dirname(listing_path(column, number))

    def link(page: int, text: str) -> str:
        return f'<a href="{posixpath.relpath(listing_path(column, page), here)}">{text}</a>'

    parts = [link(1, "首页")]
    parts.append(link(number - 1, "上一页") if number > 1 else "<span>上一页</span>")
    parts.append(f'<span class="cur">{number}</span>')
    parts.append(link(number + 1, "下一页") if number < total else "<span>下一页</span>")
    parts.append(link(total, "末页"))
    parts.append(f"<span>共{total}页</span>")
    return f'<div class="lg-page">{"".join(parts)}</div>'


def _listing_pages(site: Site, column: Column) -> list[Page]:
    items = [site.articles[aid] for aid in column.chain if site.articles[aid].listed]
    total = max(1, -(-len(items) // PAGE_SIZE))
    pages = []
    for number in range(1, total + 1):
        chunk = items[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        here = posixpath.dirname(listing_path(column, number))
        rows = "".join(
            f'<div class="news-item"><em class="time">{a.published:%Y.%m.%d}</em>'
            f'<a class="tit" href="{posixpath.relpath(column.article_path(a.id), here)}">'
            f"{escape(report_title(a))}</a></div>"
            for a in chunk
        )
        label = column_label(column)
        body = (f'<div class="lg-crumb">当前位置：<a href="/index.htm">首页</a> &gt; '
                f'<a href="{posixpath.relpath(HUB_PATH, here)}">{HUB_NAME}</a> &gt; {escape(label)}</div>'
                f'<div class="lg-list"><h3>{escape(label)}</h3>{rows}</div>{_pager(column, number, total)}')
        newest = max((a.published for a in chunk), default=BUILT_LOCAL)
        pages.append(html_page(listing_path(column, number), _doc(f"{label}-{SITE_NAME}", body),
                               {"kind": "listing", "column_id": column.spec.id, "page": number, "pages": total},
                               modified=newest))
    return pages


def index_number(article: Article) -> str:
    """索引号 as this county prints it: a unit code, the year, a serial (from the article id)."""
    return f"{INDEX_PREFIX}/{article.published.year}-{article.id % 100000:05d}"


def _article_page(site: Site, column: Column, article: Article, prev_id: int | None,
                  next_id: int | None) -> Page:
    text = compose(article.unit, article.year, article.figures, article.options)
    path = column.article_path(article.id)
    rows = (("发布机构", text.issuer), ("索引号", index_number(article)),
            ("时间", f"{article.published:%Y-%m-%d %H:%M}"), ("作者", article.source))
    meta_table = "".join(f'<tr><th>{label}：</th><td>{escape(value)}</td></tr>' for label, value in rows)
    tools = ('<div class="lg-tools">【字体：<a href="javascript:setFont(18)">大</a> '
             '<a href="javascript:setFont(16)">中</a> <a href="javascript:setFont(14)">小</a>】'
             '【<a href="javascript:downWord()">下载Word</a>】【<a href="javascript:downPdf()">下载PDF</a>】'
             '【<a href="javascript:window.print()">打印</a>】</div>')
    chain = ""
    for label, other in (("上一条", prev_id), ("下一条", next_id)):
        target = (f'<a href="{other}.htm">{escape(report_title(site.articles[other]))}</a>' if other
                  else "没有了")
        chain += f"<li><span>{label}：</span>{target}</li>"
    attachments = "".join(f'<p>附件：<a href="{escape(a.path)}">{escape(a.name)}</a></p>'
                          for a in article.attachments)
    content = (
        f'<div class="lg-article"><form name="_newscontent_fromname">'
        f'<table class="lg-meta">{meta_table}</table>'
        f'<h1 class="lg-title">{escape(text.title)}</h1>{tools}'
        f'<div id="vsb_content_{article.content_id}"><div class="v_news_content">'
        f"{render_blocks(text.blocks)}</div></div>{attachments}"
        f'<ul class="lg-pn">{chain}</ul></form></div>'
    )
    html = _doc(f"{text.title}-{SITE_NAME}", content, encoding=article.encoding)
    neighbour = {key: posixpath.join(posixpath.dirname(path), f"{other}.htm") if other else None
                 for key, other in (("prev_path", prev_id), ("next_path", next_id))}
    truth = {
        "kind": "article", "listed": article.listed, "column_id": column.spec.id, "title": text.title,
        "visible_title": text.title, **unit_truth(article), "report_year": article.year,
        "published_date": f"{article.published:%Y-%m-%d}", "issuer": text.issuer,
        "index_no": index_number(article), "source": None,
        "period_start": text.period_start, "period_end": text.period_end,
        "attachments": [a.path for a in article.attachments], "spam": [], **neighbour,
    }
    return html_page(path, html, truth, encoding=article.encoding, http_charset=article.http_charset,
                     modified=article.published + timedelta(minutes=5))
