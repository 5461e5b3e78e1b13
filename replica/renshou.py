"""The default replica county: the Renshou portal (www.rs.gov.cn on the VSB CMS), page by page.

``render_site(site)`` turns the model into every served page: robots.txt, home, the report hub,
other columns, news, one listing column per year (reverse-numbered pages, pager variants A and
B), report articles (with the spam of their recipes injected) and attachments. Pure: the same
model gives the same bytes.
"""

from __future__ import annotations

import posixpath
from datetime import timedelta
from html import escape

from pipelines.text import body_text
from replica import templates as T
from replica.files import Page, last_modified
from replica.model import BUILT_LOCAL, DEPARTMENT_HUB, PAGE_SIZE, Article, Column, NewsItem, Site
from replica.pages import (
    attachment_page, chain_neighbours, html_page, render_blocks, report_title, unit_truth, visible_title,
)
from replica.spam import inject
from replica.texts import compose

HUB_PATH = "/zfxxgk/ndbg.htm"
HUB_NAME = "政府信息公开年度报告"
DEPARTMENT_HUB_NAME = "部门政府信息公开工作年度报告"
ROBOTS = "User-agent: *\nDisallow: /nbgl/\nDisallow: /system/resource/\n"
MENU = (
    (HUB_PATH, HUB_NAME),
    ("/zwgk.htm", "政府信息公开指南"),
    ("/zwgk.htm", "政府信息公开制度"),
    ("/zwfw.htm", "政务服务"),
)
OTHER_PAGES = {
    "/zjrs.htm": ("走进仁寿", ["仁寿县位于四川盆地西南部，隶属眉山市，是成都平原经济区重要组成部分。",
                             "全县辖16个镇、14个乡和街道，幅员面积2606平方公里。"]),
    "/zwgk.htm": ("政务公开", ["本栏目集中发布政府信息公开指南、公开制度和年度报告。",
                             "公民、法人和其他组织可以通过本网站依法申请获取政府信息。"]),
    "/zwfw.htm": ("政务服务", ["县政务服务中心提供企业开办、不动产登记、社保医保等事项的一站式办理服务。"]),
    "/hdjl.htm": ("互动交流", ["欢迎通过县长信箱、在线咨询和意见征集栏目提出意见建议。"]),
    "/ztzl.htm": ("专题专栏", ["乡村振兴、营商环境、安全生产等专题信息汇集于此。"]),
}


def _doc(title: str, body: str, *, encoding: str = "utf-8", style: int = 0, head: str = "", nav: str = "") -> str:
    declared = "gb2312" if encoding == "gb18030" else "utf-8"
    return T.document(title=title, charset=declared, body=body, head_extra=head, charset_style=style,
                      current_nav=nav)


def render_site(site: Site) -> list[Page]:
    pages = [
        Page("/robots.txt", ROBOTS.encode(), "text/plain", False, last_modified(BUILT_LOCAL),
             {"path": "/robots.txt", "kind": "robots", "listed": False, "disallowed": False, "encoding": "ascii"}),
    ]
    home = _home(site)
    pages += [home, Page("/", home.body, home.content_type, home.http_charset, home.last_modified,
                         home.truth | {"path": "/"})]
    pages += _hub(site)
    for path, (title, paragraphs) in OTHER_PAGES.items():
        links = [(HUB_PATH, HUB_NAME)] if path == "/zwgk.htm" else [("/index.htm", "返回首页")]
        html = _doc(f"{title}-{T.SITE_NAME}", T.column_body(title, paragraphs, links), nav=path)
        pages.append(html_page(path, html, {"kind": "other"}))
    pages += [_news_page(item) for item in site.news]
    for column in site.columns.values():
        pages += _listing_pages(site, column)
        for article, prev_id, next_id in chain_neighbours(site, column):
            pages.append(_article_page(site, column, article, prev_id, next_id))
            pages += [attachment_page(article, a) for a in article.attachments]
    return pages


def _home(site: Site) -> Page:
    columns = []
    for column_id, name in ((1001, "政务要闻"), (1002, "乡镇动态"), (1003, "通知公告")):
        items = [(f"/info/{n.column_id}/{n.id}.htm", n.title, f"{n.published:%m-%d}")
                 for n in site.news if n.column_id == column_id]
        columns.append((name, items))
    html = _doc(T.SITE_NAME, T.home_body(columns, "zfxxgk/ndbg.htm"), nav="/index.htm")
    return html_page("/index.htm", html, {"kind": "home"})


def _hub(site: Site) -> list[Page]:
    """The report hub (township year columns, the county government's column, the page of the
    departments' columns) and that departments' page."""
    def links(scope: str, here: str) -> list[tuple[str, str]]:
        return [(posixpath.relpath(c.first_page, posixpath.dirname(here)), c.name)
                for c in site.columns.values() if c.spec.scope == scope]

    def items(pairs) -> str:
        return "<ul class=\"hub\">" + "".join(
            f'<li><a href="{href}" target="_blank">{escape(name)}</a></li>' for href, name in pairs) + "</ul>"

    departments = links("department", DEPARTMENT_HUB)
    inner = items(links("township", HUB_PATH) + links("government", HUB_PATH)
                  + ([(posixpath.relpath(DEPARTMENT_HUB, "/zfxxgk"), DEPARTMENT_HUB_NAME)] if departments else []))
    crumbs = (("/index.htm", "首页"), ("/zwgk.htm", "政务公开"), (HUB_PATH, HUB_NAME))
    body = T.list_body(HUB_NAME, crumbs, inner, T.left_menu(HUB_NAME, MENU))
    pages = [html_page(HUB_PATH, _doc(f"{HUB_NAME}-{T.SITE_NAME}", body, nav="/zwgk.htm"), {"kind": "hub"})]
    if departments:
        body = T.list_body(DEPARTMENT_HUB_NAME, (*crumbs, (DEPARTMENT_HUB, DEPARTMENT_HUB_NAME)), items(departments),
                           T.left_menu(HUB_NAME, MENU))
        pages.append(html_page(DEPARTMENT_HUB, _doc(f"{DEPARTMENT_HUB_NAME}-{T.SITE_NAME}", body, nav="/zwgk.htm"),
                               {"kind": "hub"}))
    return pages


def _news_page(item: NewsItem) -> Page:
    body = (f"<p>{escape(item.title)}。</p><p>近日，相关部门按照县委、县政府统一部署，组织开展了专项工作，"
            "有关负责同志参加活动并提出具体要求。</p><p>会议强调，各单位要压实责任、细化措施，确保各项工作落地见效。</p>")
    view = T.ArticleView(layout="rs", title_tag=f"{item.title}-{T.SITE_NAME}", visible_title=item.title,
                         date_line=f"{item.published:%Y年%m月%d日}", source="县融媒体中心", body_html=body,
                         content_id=2, article_id=item.id, crumbs=(("/index.htm", "首页"),))
    html = _doc(view.title_tag, T.article_body(view, T.left_menu("", MENU)), encoding=item.encoding, style=1)
    return html_page(f"/info/{item.column_id}/{item.id}.htm", html, {"kind": "news"}, encoding=item.encoding,
                      modified=item.published)


def _listing_pages(site: Site, column: Column) -> list[Page]:
    spec = column.spec
    items = [site.articles[aid] for aid in column.chain if site.articles[aid].listed]
    chunks = [items[i:i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
    total = len(chunks)

    def path_of(page: int) -> str:
        return column.first_page if page == 1 else f"/{spec.folder}/{spec.id}/{total - page + 1}.htm"

    pages = []
    gb = spec.id == 4525
    for number, chunk in enumerate(chunks, start=1):
        here = posixpath.dirname(path_of(number))
        rows = [(posixpath.relpath(column.article_path(a.id), here),
                 a.unit.name if spec.id == 4519 else report_title(a), f"{a.published:%Y-%m-%d}") for a in chunk]
        if spec.id == 4519 and number == 1:
            rows.insert(3, ("javascript:void(0);", "该信息已转入政务公开专栏查看", rows[0][2]))

        def href(page: int, here: str = here) -> str:
            return posixpath.relpath(path_of(page), here)

        pager = (T.pager_a(number, total, href) if spec.pager == "a"
                 else T.pager_b(number, total, len(items), href))
        inner = T.listing_rows(rows, spec.date_tag) + pager
        body = T.list_body(column.name, _crumbs(column), inner, T.left_menu(HUB_NAME, MENU))
        html = _doc(f"{column.name}-{T.SITE_NAME}", body, encoding="gb18030" if gb else "utf-8", nav="/zwgk.htm")
        newest = max((a.published for a in chunk), default=BUILT_LOCAL)
        pages.append(html_page(path_of(number), html, {"kind": "listing", "column_id": spec.id,
                                                        "page": number, "pages": total},
                                encoding="gb18030" if gb else "utf-8", http_charset=False,
                                modified=newest + timedelta(hours=1)))
    return pages


def _crumbs(column: Column) -> tuple[tuple[str, str], ...]:
    via = ((DEPARTMENT_HUB, DEPARTMENT_HUB_NAME),) if column.spec.scope == "department" else ()
    return (("/index.htm", "首页"), (HUB_PATH, HUB_NAME), *via, (column.first_page, column.name))


def _date_line(article: Article) -> tuple[str, bool]:
    when = article.published
    if article.layout == "h1":
        return f"发布时间：{when:%Y-%m-%d %H:%M}", True
    if article.layout == "index":
        return f"公开日期 {when:%Y-%m-%d}", False
    if article.layout == "old":
        return f"发布日期:{when.year}/{when.month}/{when.day} {when:%H:%M:%S}", True
    return f"{when:%Y年%m月%d日}", False


def _article_page(site: Site, column: Column, article: Article, prev_id: int | None, next_id: int | None) -> Page:
    unit = article.unit
    text = compose(unit, article.year, article.figures, article.options)
    shown = visible_title(article)
    date_line, timed = _date_line(article)
    meta = {}
    if article.has_meta:
        meta = {"ArticleTitle": shown, "PubDate": f"{article.published:%Y-%m-%d %H:%M}",
                "ContentSource": article.source, "ColumnName": column.name, "SiteName": T.SITE_NAME,
                "SiteIDCode": T.SITE_ID, "keywords": f"仁寿县,{unit.name.removeprefix('仁寿县')},政府信息公开"}
    index_block: tuple[tuple[str, str], ...] = ()
    if article.layout == "index":
        index_block = (("索 引 号：", article.index_no or ""), ("发布机构：", text.issuer),
                       ("文　　号：", article.doc_no or ""), ("公开日期：", f"{article.published:%Y-%m-%d}"),
                       ("主题分类：", "政务公开"), ("公开方式：", "主动公开"))
    neighbour = {i: (f"{i}.htm", visible_title(site.articles[i])) for i in (prev_id, next_id) if i}
    view = T.ArticleView(
        layout=article.layout, title_tag=f"{shown}-{T.SITE_NAME}", visible_title=shown,
        date_line=date_line, source=article.source, body_html=render_blocks(text.blocks),
        content_id=article.content_id, article_id=article.id, meta=meta, index_block=index_block,
        prev=neighbour.get(prev_id), next=neighbour.get(next_id),
        attachments=tuple((a.path, f"附件：{a.name}") for a in article.attachments),
        column_name=column.name,
        crumbs=_crumbs(column),
    )
    menu = T.left_menu(HUB_NAME, MENU)

    def render(v: T.ArticleView) -> str:
        return _doc(v.title_tag, T.article_body(v, menu), encoding=article.encoding, style=article.charset_style,
                    head=T.meta_tags(v.meta), nav="/zwgk.htm")

    clean = render(view)
    html, records = inject(view, article.injections, render) if article.injections else (clean, [])
    path = column.article_path(article.id)
    truth = {
        "kind": "article", "listed": article.listed, "column_id": column.spec.id, "title": text.title,
        "visible_title": shown, **unit_truth(article), "report_year": article.year,
        "published_date": f"{article.published:%Y-%m-%d}",
        "published_at": article.published.isoformat() if timed or article.has_meta else None,
        "source": article.source or None, "issuer": text.issuer, "index_no": article.index_no,
        "doc_no": article.doc_no, "period_start": text.period_start, "period_end": text.period_end,
        "template": text.template,
        "statistics": [{"metric": s.metric, "value": s.value, "unit": s.unit, "qualifier": s.qualifier}
                       for s in text.statistics],
        "prev_path": posixpath.join(posixpath.dirname(path), f"{prev_id}.htm") if prev_id else None,
        "next_path": posixpath.join(posixpath.dirname(path), f"{next_id}.htm") if next_id else None,
        "attachments": [a.path for a in article.attachments],
        # the same string as body_text(clean): the body is the page's only v_news_content
        "clean_text": body_text(f'<div id="vsb_content_{view.content_id}"><div class="v_news_content">'
                                f"{view.body_html}</div></div>"),
        "spam": [{"kind": str(r.kind), "text": r.text, "original": r.original} for r in records],
    }
    return html_page(path, html, truth, encoding=article.encoding, http_charset=article.http_charset,
                      modified=article.published + timedelta(minutes=5))
