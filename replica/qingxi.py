"""A second replica county on the same CMS, with other template choices.

``build_site(out, variant="qingxi")`` (``replica.generate``) renders the same seeded model (townships, reports, figures,
prev/next chains, reports reachable only through them, attachments) as 青溪县人民政府, a fictional
county whose portal made different choices than rs.gov.cn:

* year columns are dynamic lists, ``/zwgk/lm_list.jsp?totalpage=M&PAGENUM=n&wbtreeid=COL``
  (query strings, numbered forwards), with pager variant B only (``a.Next`` 下页);
* listing rows are table rows ``table.list_tbl tr.list_item`` (title cell, bracketed date cell),
  not ``li[id^="line_u"]``: the Renshou profile finds no rows here;
* the article shows the full report title as ``h2.article_title`` and a
  ``发布时间：YYYY-MM-DD HH:MM  信息来源：...`` line; prev/next read 上一篇/下一篇;
* its own page chrome (no Renshou header, menus or footer).

The report texts are the Renshou replica's (they name 仁寿县 townships, departments and the county
government, whose year columns and county column are listed on the hub itself): only the templates
differ, which is what a site profile has to absorb. No spam is injected and the disallowed
column is left out. A variant site is built whole; ``mutate``/``rebuild`` handle the default
county only.
"""

from __future__ import annotations

import posixpath
from datetime import timedelta
from html import escape

from replica import templates as T
from replica.files import Page, last_modified
from replica.model import BUILT_LOCAL, PAGE_SIZE, Article, Column, Site
from replica.pages import attachment_page, chain_neighbours, html_page, render_blocks, report_title, unit_truth
from replica.texts import compose

SITE_NAME = "青溪县人民政府"
HUB_PATH = "/zwgk/ndbg.htm"
HUB_NAME = "政府信息公开年度报告"
LIST_DIR = "/zwgk"
ROBOTS = "User-agent: *\nDisallow: /system/resource/\n"
TREE_OFFSET = 1000  # wbtreeid = column id + offset: the dynamic list's own numbering


def list_url(column_id: int, page: int, total: int) -> str:
    return f"{LIST_DIR}/lm_list.jsp?totalpage={total}&PAGENUM={page}&wbtreeid={column_id + TREE_OFFSET}"


def _doc(title: str, body: str, *, encoding: str = "utf-8") -> str:
    declared = "gb2312" if encoding == "gb18030" else "utf-8"
    nav = "".join(f'<a href="{href}">{text}</a>' for href, text in
                  (("/index.htm", "首页"), ("/zwgk/index.htm", "政务公开"), (HUB_PATH, HUB_NAME)))
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={declared}" />\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="/style/qx.css" />\n'
        "</head>\n<body>\n"
        f'<div class="qx-head"><span class="qx-logo">{SITE_NAME}</span></div>\n'
        f'<div class="qx-nav">{nav}</div>\n{body}\n'
        '<div class="qx-foot">主办：青溪县人民政府办公室　网站标识码：5199990001</div>\n'
        "</body>\n</html>\n"
    )


def render_qingxi(site: Site) -> list[Page]:
    modified = last_modified(BUILT_LOCAL)
    pages = [Page("/robots.txt", ROBOTS.encode(), "text/plain", False, modified,
                    {"path": "/robots.txt", "kind": "robots", "listed": False, "disallowed": False,
                     "encoding": "ascii"})]
    home_body = (f'<div class="qx-main"><ul class="qx-links"><li><a href="{HUB_PATH[1:]}">{HUB_NAME}</a></li>'
                 '<li><a href="zwgk/index.htm">政务公开</a></li></ul></div>')
    home = html_page("/index.htm", _doc(SITE_NAME, home_body), {"kind": "home"})
    pages += [home, Page("/", home.body, home.content_type, home.http_charset, home.last_modified,
                           home.truth | {"path": "/"})]
    pages.append(html_page("/zwgk/index.htm", _doc(f"政务公开-{SITE_NAME}",
                              f'<div class="qx-main"><a href="ndbg.htm">{HUB_NAME}</a></div>'), {"kind": "other"}))
    columns = [c for c in site.columns.values() if not c.spec.disallowed]
    hub_links = []
    for column in columns:
        listed = [aid for aid in column.chain if site.articles[aid].listed]
        total = max(1, -(-len(listed) // PAGE_SIZE))
        hub_links.append((list_url(column.spec.id, 1, total).rsplit("/", 1)[1], column.name))
        pages += _listing_pages(site, column, total)
        for article, prev_id, next_id in chain_neighbours(site, column):
            pages.append(_article_page(site, column, article, prev_id, next_id))
            pages += [attachment_page(article, a) for a in article.attachments]
    rows = "".join(f'<li><a href="{escape(href)}">{escape(name)}</a></li>' for href, name in hub_links)
    pages.append(html_page(HUB_PATH, _doc(f"{HUB_NAME}-{SITE_NAME}",
                              f'<div class="qx-main"><h3>{HUB_NAME}</h3><ul class="qx-hub">{rows}</ul></div>'),
                              {"kind": "hub"}))
    return pages


def _listing_pages(site: Site, column: Column, total: int) -> list[Page]:
    items = [site.articles[aid] for aid in column.chain if site.articles[aid].listed]
    pages = []
    for number in range(1, total + 1):
        chunk = items[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        rows = "".join(
            f'<tr class="list_item"><td class="list_title"><a href="{posixpath.relpath(column.article_path(a.id), LIST_DIR)}"'
            f' title="{escape(report_title(a))}" target="_blank">{escape(report_title(a))}</a></td>'
            f'<td class="list_date">[{a.published:%Y-%m-%d}]</td></tr>'
            for a in chunk
        )

        def href(page: int) -> str:
            return list_url(column.spec.id, page, total).rsplit("/", 1)[1]

        inner = (f'<table class="list_tbl" width="100%">{rows}</table>'
                 + T.pager_b(number, total, len(items), href))
        body = f'<div class="qx-main"><h3>{escape(column.name)}</h3>{inner}</div>'
        newest = max((a.published for a in chunk), default=BUILT_LOCAL)
        pages.append(html_page(list_url(column.spec.id, number, total), _doc(f"{column.name}-{SITE_NAME}", body),
                                  {"kind": "listing", "column_id": column.spec.id, "page": number, "pages": total},
                                  modified=newest))
    return pages


def _article_page(site: Site, column: Column, article: Article, prev_id: int | None,
                  next_id: int | None) -> Page:
    text = compose(article.unit, article.year, article.figures, article.options)
    body_html = render_blocks(text.blocks)
    path = column.article_path(article.id)
    attachments = "".join(f'<li><a href="{escape(a.path)}">附件：{escape(a.name)}</a></li>'
                          for a in article.attachments)
    chain = ""
    for label, other in (("上一篇", prev_id), ("下一篇", next_id)):
        if other:
            chain += f'<li>{label}：<a href="{other}.htm">{escape(report_title(site.articles[other]))}</a></li>'
    source = escape(article.source)
    content = (
        f'<div class="qx-main article_box"><form name="_newscontent_fromname">'
        f'<h2 class="article_title">{escape(text.title)}</h2>'
        f'<div class="article_info">发布时间：{article.published:%Y-%m-%d %H:%M}&nbsp;&nbsp;信息来源：{source}'
        f'&nbsp;&nbsp;浏览次数：<script src="/system/resource/code/news/click/dynclicks.jsp?clickid={article.id}'
        f'&owner={T.OWNER}&clicktype=wbnews"></script></div>'
        f'<div id="vsb_content_{article.content_id}"><div class="v_news_content">{body_html}</div></div>'
        f'{f"<ul class=attach>{attachments}</ul>" if attachments else ""}'
        f'<ul class="article_pn">{chain}</ul></form></div>'
    )
    html = _doc(f"{text.title}-{SITE_NAME}", content, encoding=article.encoding)
    truth = {
        "kind": "article", "listed": article.listed, "column_id": column.spec.id, "title": text.title,
        **unit_truth(article), "report_year": article.year,
        "published_date": f"{article.published:%Y-%m-%d}", "source": article.source or None,
        "prev_path": posixpath.join(posixpath.dirname(path), f"{prev_id}.htm") if prev_id else None,
        "next_path": posixpath.join(posixpath.dirname(path), f"{next_id}.htm") if next_id else None,
        "attachments": [a.path for a in article.attachments],
        "spam": [],
    }
    return html_page(path, html, truth, encoding=article.encoding, http_charset=article.http_charset,
                        modified=article.published + timedelta(minutes=5))
