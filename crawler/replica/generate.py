"""Build the replica site: a seeded model of columns and articles, rendered to files.

``build_site(out_dir)`` writes ``out_dir/site/`` (document root), ``out_dir/manifest.json``
(per served path: file, content type, whether the HTTP charset is sent, Last-Modified, status,
sha1), ``out_dir/truth.jsonl`` (one object per served page) and ``out_dir/model.pickle`` (the
model, which :mod:`crawler.replica.mutate` edits and re-renders through :func:`rebuild`).
All randomness is drawn while building the model; rendering is a pure function of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import pickle
import random
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from urllib.parse import quote
from pathlib import Path
from collections.abc import Callable

from crawler.replica import templates as T
from crawler.replica.spam import Injection, inject, plan
from crawler.replica.texts import Options, Table, compose
from pipelines.text import body_text
from crawler.replica.townships import Figures, Township, make_figures, make_townships

MODEL_FILE = "model.pickle"
MANIFEST_FILE = "manifest.json"
TRUTH_FILE = "truth.jsonl"
SITE_DIR = "site"
SHANGHAI = timedelta(hours=8)
BUILT_AT = datetime(2025, 4, 1, 2, 0, tzinfo=UTC)
BUILT_LOCAL = BUILT_AT.replace(tzinfo=None) + SHANGHAI


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    id: int
    year: int
    pager: str            # "a" | "b"
    date_tag: str         # "span" | "i"
    layouts: tuple[str, ...]
    first_id: int
    folder: str = "zfxxgk"
    disallowed: bool = False


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(4525, 2016, "b", "span", ("old", "rs"), 98013),
    ColumnSpec(4519, 2018, "a", "span", ("rs", "rs", "h1"), 112301),
    ColumnSpec(4516, 2019, "b", "i", ("rs", "h1"), 104870),
    ColumnSpec(4694, 2021, "a", "i", ("h1", "index"), 131544),
    ColumnSpec(5024, 2024, "a", "span", ("index", "rs", "h1"), 160218),
    ColumnSpec(4600, 2017, "a", "span", ("rs",), 108402, folder="nbgl", disallowed=True),
)
DISALLOWED_REPORTS = 6
UNLISTED_PER_COLUMN = 2
PAGE_SIZE = 10


@dataclass(slots=True)
class Attachment:
    owner: int
    fileid: int
    name: str
    kind: str             # "pdf" | "xls"

    @property
    def path(self) -> str:
        return (f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl"
                f"&owner={self.owner}&wbfileid={self.fileid}")


@dataclass(slots=True)
class Article:
    id: int
    column_id: int
    township: Township
    year: int
    figures: Figures
    options: Options
    published: datetime   # site-local naive time
    layout: str
    content_id: int
    source: str
    encoding: str         # "utf-8" | "gb18030" (declared gb2312)
    http_charset: bool
    charset_style: int
    has_meta: bool
    listed: bool = True
    chained: bool = True  # linked from its neighbours' 上一条/下一条
    injections: list[Injection] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    index_no: str | None = None
    doc_no: str | None = None


@dataclass(slots=True)
class Column:
    spec: ColumnSpec
    chain: list[int]      # article ids, newest first (the 上一条/下一条 order)

    @property
    def name(self) -> str:
        if self.spec.disallowed:
            return f"{self.spec.year}年乡镇政府信息公开年报（内部审核）"
        return f"{self.spec.year}年乡镇政府信息公开工作年度报告"

    @property
    def first_page(self) -> str:
        return f"/{self.spec.folder}/{self.spec.id}.htm"

    def article_path(self, article_id: int) -> str:
        prefix = "/nbgl" if self.spec.disallowed else ""
        return f"{prefix}/info/{self.spec.id}/{article_id}.htm"


@dataclass(slots=True)
class NewsItem:
    column_id: int
    id: int
    title: str
    published: datetime
    encoding: str


@dataclass(slots=True)
class Site:
    seed: int
    scale: int
    columns: dict[int, Column]
    articles: dict[int, Article]
    news: list[NewsItem]


@dataclass(frozen=True, slots=True)
class BuildSummary:
    pages: int
    reports: int
    disallowed_reports: int
    listings: int
    news: int
    attachments: int
    spammed: int
    bytes: int


def build_model(*, scale: int = 1, seed: int = 2019) -> Site:
    rng = random.Random(seed)
    towns = make_townships(scale, rng)
    columns: dict[int, Column] = {}
    articles: dict[int, Article] = {}
    used_ids: set[int] = set()
    spam_turn = 0
    fileid = 5600
    typo_done = False
    for spec in COLUMNS:
        members = towns[:DISALLOWED_REPORTS] if spec.disallowed else towns
        next_id = spec.first_id
        dated = []
        for town in members:
            day = rng.randint(4, 88) if rng.random() < 0.9 else rng.randint(90, 170)
            when = datetime(spec.year + 1, 1, 1, rng.randint(8, 17), rng.randint(0, 59)) + timedelta(days=day)
            dated.append((when, town))
        dated.sort(key=lambda pair: pair[0])
        ids = []
        for when, town in dated:   # ids grow with publication inside a column
            next_id += rng.randint(1, 4)
            while next_id in used_ids:
                next_id += 1
            used_ids.add(next_id)
            layout = rng.choice(spec.layouts)
            if layout != "old":
                when = when.replace(second=0)
            else:
                when = when.replace(second=rng.randint(0, 59))
            gb = spec.id == 4525 or rng.random() < 0.2
            variant = rng.randrange(4)
            typo = False
            if spec.year == 2024 and not typo_done and not spec.disallowed:
                variant, typo, typo_done = 1, True, True
            article = Article(
                id=next_id,
                column_id=spec.id,
                township=town,
                year=spec.year,
                figures=make_figures(rng, spec.year),
                options=Options(
                    period_variant=variant,
                    period_typo=typo,
                    sports=rng.random() < 0.15,
                    quoted_doc=rng.random() < 0.1,
                    pool_offset=rng.randrange(8),
                ),
                published=when,
                layout=layout,
                content_id=rng.choice((2, 100, 1031)),
                source=_source(rng, town),
                encoding="gb18030" if gb else "utf-8",
                http_charset=gb and rng.random() < 0.5 or not gb,
                charset_style=rng.randrange(2),
                has_meta=rng.random() < 0.5,
            )
            if layout == "index":
                article.index_no = f"11511421MB1D{rng.randint(10000, 99999)}/{spec.year + 1}-{rng.randint(1, 300):05d}"
                stem = town.name[:-2] if town.name.endswith("街道") else town.name[:-1]
                article.doc_no = f"{stem}府发〔{spec.year + 1}〕{rng.randint(1, 40)}号" if rng.random() < 0.6 else None
            if not spec.disallowed and rng.random() < 0.38:
                article.injections = plan(spam_turn, rng.randrange)
                spam_turn += 1
            if not spec.disallowed and rng.random() < 0.15:
                fileid += rng.randint(1, 9)
                kind = rng.choice(("pdf", "xls"))
                name = (f"{town.name}{spec.year}年政府信息公开工作年度报告.pdf" if kind == "pdf"
                        else f"{town.name}{spec.year}年政府信息公开情况统计表.xls")
                article.attachments.append(Attachment(T.OWNER, fileid, name, kind))
            articles[article.id] = article
            ids.append(article.id)
        chain = ids[::-1]
        if not spec.disallowed:
            for index in rng.sample(range(1, len(chain) - 1), UNLISTED_PER_COLUMN):
                articles[chain[index]].listed = False
        columns[spec.id] = Column(spec, chain)
    return Site(seed, scale, columns, articles, _news(rng))


def _source(rng: random.Random, town: Township) -> str:
    roll = rng.random()
    if roll < 0.6:
        return ""
    if roll < 0.8:
        return town.government.removeprefix("仁寿县")
    return rng.choice(("党政办", f"{town.name}党政办"))


_NEWS_TITLES = (
    "县委常委会召开会议研究部署春季农业生产工作", "我县开展安全生产大检查行动", "仁寿县举行重点项目集中开工仪式",
    "县政府召开第十五次常务会议", "全县森林防灭火工作会议召开", "我县启动城乡居民医保集中参保缴费",
    "县领导调研黑龙滩水库水环境保护工作", "仁寿县2024年秋季征兵工作圆满完成", "我县举办返乡创业就业招聘会",
    "县人大常委会开展民生实事项目视察", "关于做好冬春季疫病防控的通知", "仁寿枇杷节开幕 果农喜迎丰收",
    "全县农村人居环境整治现场推进会召开", "我县获评省级全民健身示范县", "关于开展人口抽样调查的公告",
    "县政务服务中心推出“一窗通办”", "仁寿县防汛抗旱指挥部发布汛期提示", "城区道路改造工程进展顺利",
)


def _news(rng: random.Random) -> list[NewsItem]:
    items = []
    for index, title in enumerate(_NEWS_TITLES):
        column = 1001 + index % 3
        when = datetime(2024, 12, 28, 9) - timedelta(days=index * 3 + rng.randint(0, 2))
        items.append(NewsItem(column, 20001 + index * 7, title, when, "gb18030" if index % 5 == 0 else "utf-8"))
    return items


def last_modified(local: datetime) -> str:
    return format_datetime((local - SHANGHAI).replace(tzinfo=UTC), usegmt=True)


def _file_for(path: str) -> str:
    if "?" in path:
        return "_q/" + hashlib.sha1(path.encode()).hexdigest()[:20]
    if path == "/":
        return "index.htm"
    return path.lstrip("/")


def write_site(out_dir: Path, site: Site, *, clock: Callable[[], datetime] | None = None,
               render: Callable[[Site], list[Page]] | None = None) -> BuildSummary:
    """Render ``site`` into ``out_dir``; unchanged files keep their bytes and Last-Modified.

    With an existing manifest (a rebuild), pages whose bytes changed get Last-Modified from
    ``clock`` (at least one second after their previous value); removed pages are deleted.
    ``render`` is the county's page renderer (default: the Renshou portal, ``render_site``).
    """
    out_dir = Path(out_dir)
    root = out_dir / SITE_DIR
    old = _read_manifest(out_dir)
    pages = (render or render_site)(site)
    manifest: dict[str, dict] = {}
    total = 0
    for page in pages:
        body = page.body
        digest = hashlib.sha1(body).hexdigest()
        file = _file_for(page.path)
        previous = old.get(page.path)
        modified = page.last_modified
        if previous is not None:
            if previous["sha1"] == digest:
                modified = previous["last_modified"]
            else:
                modified = _after(previous["last_modified"], clock)
        target = root / file
        if previous is None or previous["sha1"] != digest or not target.exists():
            _atomic_write(target, body)
        manifest[page.path] = {
            "file": file,
            "content_type": page.content_type,
            "charset": page.http_charset,
            "last_modified": modified,
            "status": 200,
            "sha1": digest,
            **({"content_disposition": page.disposition} if page.disposition else {}),
        }
        if page.path != "/":
            total += len(body)
    kept = {entry["file"] for entry in manifest.values()}
    for entry in old.values():
        if entry["file"] not in kept:
            (root / entry["file"]).unlink(missing_ok=True)
    truth = "".join(json.dumps(page.truth, ensure_ascii=False, sort_keys=True) + "\n"
                    for page in sorted(pages, key=lambda p: p.path))
    _atomic_write(out_dir / TRUTH_FILE, truth.encode("utf-8"))
    _atomic_write(out_dir / MODEL_FILE, pickle.dumps(site))
    # the manifest last: a running server switches to the new site when it changes
    _atomic_write(out_dir / MANIFEST_FILE,
                  json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    kinds = [p.truth["kind"] for p in pages if p.path != "/"]
    reports = [p.truth for p in pages if p.truth["kind"] == "article"]
    return BuildSummary(
        pages=len(kinds),
        reports=sum(not t["disallowed"] for t in reports),
        disallowed_reports=sum(t["disallowed"] for t in reports),
        listings=kinds.count("listing"),
        news=kinds.count("news"),
        attachments=kinds.count("attachment"),
        spammed=sum(bool(t["spam"]) for t in reports),
        bytes=total,
    )


def _atomic_write(target: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a concurrent reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _after(previous: str, clock: Callable[[], datetime] | None) -> str:
    now = (clock or (lambda: datetime.now(UTC)))()
    floor = parsedate_to_datetime(previous) + timedelta(seconds=1)
    return format_datetime(max(now, floor).astimezone(UTC), usegmt=True)


def _read_manifest(out_dir: Path) -> dict[str, dict]:
    path = out_dir / MANIFEST_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def load_model(out_dir: Path) -> Site:
    with (Path(out_dir) / MODEL_FILE).open("rb") as fh:
        return pickle.load(fh)


def build_site(out_dir: Path, *, scale: int = 1, seed: int = 2019, variant: str = "renshou") -> BuildSummary:
    """Generate the replica into ``out_dir`` (created if missing; an older build is replaced).

    ``variant`` picks the county's templates (:mod:`crawler.replica.variant`); the model (townships,
    reports, chains) is the same for every variant of one seed and scale.
    """
    from crawler.replica.variant import renderer

    render = renderer(variant)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (MANIFEST_FILE, TRUTH_FILE, MODEL_FILE):
        (out_dir / name).unlink(missing_ok=True)
    if (out_dir / SITE_DIR).exists():
        shutil.rmtree(out_dir / SITE_DIR)
    return write_site(out_dir, build_model(scale=scale, seed=seed), render=render)


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    body: bytes
    content_type: str
    http_charset: bool
    last_modified: str
    truth: dict
    disposition: str | None = None


HUB_PATH = "/zfxxgk/ndbg.htm"
HUB_NAME = "政府信息公开年度报告"
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


def _html_page(path: str, html: str, truth: dict, *, encoding: str = "utf-8", http_charset: bool = True,
               modified: datetime | None = None) -> Page:
    if encoding == "utf-8":
        ctype = "text/html; charset=utf-8"
    else:
        ctype = "text/html; charset=gb2312" if http_charset else "text/html"
    base = {"path": path, "listed": True, "disallowed": path.startswith("/nbgl/"), "encoding": encoding}
    return Page(path, html.encode(encoding), ctype, encoding == "utf-8" or http_charset,
                last_modified(modified or BUILT_LOCAL), base | truth)


def chain_neighbours(site: Site, column: Column):
    """Each article of ``column`` with the ids its 上一条/下一条 links point at (None at the ends;
    an article taken out of the chain links nowhere and is skipped by its neighbours)."""
    linked = [aid for aid in column.chain if site.articles[aid].chained]
    for aid in column.chain:
        position = linked.index(aid) if aid in linked else None
        prev_id = linked[position - 1] if position else None
        next_id = linked[position + 1] if position is not None and position + 1 < len(linked) else None
        yield site.articles[aid], prev_id, next_id


def render_site(site: Site) -> list[Page]:
    pages = [
        Page("/robots.txt", ROBOTS.encode(), "text/plain", False, last_modified(BUILT_LOCAL),
             {"path": "/robots.txt", "kind": "robots", "listed": False, "disallowed": False, "encoding": "ascii"}),
    ]
    home = _home(site)
    pages += [home, Page("/", home.body, home.content_type, home.http_charset, home.last_modified,
                         home.truth | {"path": "/"})]
    pages.append(_hub(site))
    for path, (title, paragraphs) in OTHER_PAGES.items():
        links = [(HUB_PATH, HUB_NAME)] if path == "/zwgk.htm" else [("/index.htm", "返回首页")]
        html = _doc(f"{title}-{T.SITE_NAME}", T.column_body(title, paragraphs, links), nav=path)
        pages.append(_html_page(path, html, {"kind": "other"}))
    pages += [_news_page(item) for item in site.news]
    for column in site.columns.values():
        pages += _listing_pages(site, column)
        for article, prev_id, next_id in chain_neighbours(site, column):
            pages.append(_article_page(site, column, article, prev_id, next_id))
            pages += [_attachment_page(article, a) for a in article.attachments]
    return pages


def _home(site: Site) -> Page:
    columns = []
    for column_id, name in ((1001, "政务要闻"), (1002, "乡镇动态"), (1003, "通知公告")):
        items = [(f"/info/{n.column_id}/{n.id}.htm", n.title, f"{n.published:%m-%d}")
                 for n in site.news if n.column_id == column_id]
        columns.append((name, items))
    html = _doc(T.SITE_NAME, T.home_body(columns, "zfxxgk/ndbg.htm"), nav="/index.htm")
    return _html_page("/index.htm", html, {"kind": "home"})


def _hub(site: Site) -> Page:
    links = []
    for column in site.columns.values():
        href = posixpath.relpath(column.first_page, "/zfxxgk")
        links.append((href, column.name))
    inner = "<ul class=\"hub\">" + "".join(
        f'<li><a href="{href}" target="_blank">{escape(name)}</a></li>' for href, name in links) + "</ul>"
    body = T.list_body(HUB_NAME, (("/index.htm", "首页"), ("/zwgk.htm", "政务公开"), (HUB_PATH, HUB_NAME)),
                       inner, T.left_menu(HUB_NAME, MENU))
    return _html_page(HUB_PATH, _doc(f"{HUB_NAME}-{T.SITE_NAME}", body, nav="/zwgk.htm"), {"kind": "hub"})


def _news_page(item: NewsItem) -> Page:
    body = (f"<p>{escape(item.title)}。</p><p>近日，相关部门按照县委、县政府统一部署，组织开展了专项工作，"
            "有关负责同志参加活动并提出具体要求。</p><p>会议强调，各单位要压实责任、细化措施，确保各项工作落地见效。</p>")
    view = T.ArticleView(layout="rs", title_tag=f"{item.title}-{T.SITE_NAME}", visible_title=item.title,
                         date_line=f"{item.published:%Y年%m月%d日}", source="县融媒体中心", body_html=body,
                         content_id=2, article_id=item.id, crumbs=(("/index.htm", "首页"),))
    html = _doc(view.title_tag, T.article_body(view, T.left_menu("", MENU)), encoding=item.encoding, style=1)
    return _html_page(f"/info/{item.column_id}/{item.id}.htm", html, {"kind": "news"}, encoding=item.encoding,
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
                 a.township.name if spec.id == 4519 else _title(a), f"{a.published:%Y-%m-%d}") for a in chunk]
        if spec.id == 4519 and number == 1:
            rows.insert(3, ("javascript:void(0);", "该信息已转入政务公开专栏查看", rows[0][2]))

        def href(page: int, here: str = here) -> str:
            return posixpath.relpath(path_of(page), here)

        pager = (T.pager_a(number, total, href) if spec.pager == "a"
                 else T.pager_b(number, total, len(items), href))
        inner = T.listing_rows(rows, spec.date_tag) + pager
        crumbs = (("/index.htm", "首页"), (HUB_PATH, HUB_NAME), (column.first_page, column.name))
        body = T.list_body(column.name, crumbs, inner, T.left_menu(HUB_NAME, MENU))
        html = _doc(f"{column.name}-{T.SITE_NAME}", body, encoding="gb18030" if gb else "utf-8", nav="/zwgk.htm")
        newest = max((a.published for a in chunk), default=BUILT_LOCAL)
        pages.append(_html_page(path_of(number), html, {"kind": "listing", "column_id": spec.id,
                                                        "page": number, "pages": total},
                                encoding="gb18030" if gb else "utf-8", http_charset=False,
                                modified=newest + timedelta(hours=1)))
    return pages


def _title(article: Article) -> str:
    return f"仁寿县{article.township.name}{article.year}年政府信息公开工作年度报告"


def render_blocks(blocks) -> str:
    out = []
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            out.append(_table(block))
        elif index == 0:
            out.append(f'<p style="text-align:center"><strong>{escape(block.text)}</strong></p><p>&nbsp;</p>')
        elif block.heading:
            out.append(f"<p><strong>{escape(block.text)}</strong></p>")
        else:
            out.append(f"<p>{escape(block.text)}</p>")
    return "".join(out)


def _table(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells: list[list] = []
        for cell in row:
            if cell == "" and cells:
                cells[-1][1] += 1
            else:
                cells.append([cell, 1])
        tds = "".join(
            f'<td colspan="{span}" valign="center">{escape(text)}</td>'
            if span > 1 else f'<td valign="center">{escape(text)}</td>'
            for text, span in cells
        )
        rows.append(f"<tr>{tds}</tr>")
    return f'<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>{"".join(rows)}</tbody></table>'


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
    town = article.township
    text = compose(town, article.year, article.figures, article.options)
    date_line, timed = _date_line(article)
    meta = {}
    if article.has_meta:
        meta = {"ArticleTitle": town.name, "PubDate": f"{article.published:%Y-%m-%d %H:%M}",
                "ContentSource": article.source, "ColumnName": column.name, "SiteName": T.SITE_NAME,
                "SiteIDCode": T.SITE_ID, "keywords": f"仁寿县,{town.name},政府信息公开"}
    index_block: tuple[tuple[str, str], ...] = ()
    if article.layout == "index":
        index_block = (("索 引 号：", article.index_no or ""), ("发布机构：", town.government),
                       ("文　　号：", article.doc_no or ""), ("公开日期：", f"{article.published:%Y-%m-%d}"),
                       ("主题分类：", "政务公开"), ("公开方式：", "主动公开"))
    neighbour = {i: (f"{i}.htm", site.articles[i].township.name) for i in (prev_id, next_id) if i}
    view = T.ArticleView(
        layout=article.layout, title_tag=f"{town.name}-{T.SITE_NAME}", visible_title=town.name,
        date_line=date_line, source=article.source, body_html=render_blocks(text.blocks),
        content_id=article.content_id, article_id=article.id, meta=meta, index_block=index_block,
        prev=neighbour.get(prev_id), next=neighbour.get(next_id),
        attachments=tuple((a.path, f"附件：{a.name}") for a in article.attachments),
        column_name=column.name,
        crumbs=(("/index.htm", "首页"), (HUB_PATH, HUB_NAME), (column.first_page, column.name)),
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
        "visible_title": town.name, "township": town.name, "report_year": article.year,
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
    return _html_page(path, html, truth, encoding=article.encoding, http_charset=article.http_charset,
                      modified=article.published + timedelta(minutes=5))


def _attachment_page(article: Article, attachment: Attachment) -> Page:
    if attachment.kind == "pdf":
        body, ctype = tiny_pdf(f"{article.township.name} {article.year} report"), "application/pdf"
    else:
        body, ctype = tiny_xls(article), "application/vnd.ms-excel"
    disposition = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    truth = {"path": attachment.path, "kind": "attachment", "listed": article.listed, "disallowed": False,
             "encoding": None, "article_id": article.id}
    return Page(attachment.path, body, ctype, False, last_modified(article.published), truth, disposition)


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_xls(article: Article) -> bytes:
    """An Excel 2003 XML workbook (opens in Excel and WPS as .xls) with the headline figures."""
    f = article.figures
    rows = (("指标", "数量"), ("主动公开信息", f.active_total), ("网站公开", f.website_total),
            ("回应群众事件", f.responses))
    cells = "".join(
        "<Row>" + "".join(f'<Cell><Data ss:Type="{"Number" if isinstance(v, int) else "String"}">{v}</Data></Cell>'
                          for v in row) + "</Row>"
        for row in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="{article.year}"><Table>{cells}</Table></Worksheet></Workbook>\n'
    ).encode("utf-8")


def mislabel_gb_charsets(out_dir: Path) -> int:
    """Make the built replica's server say ``charset=utf-8`` for every GB18030 page (a common
    misconfiguration of county servers); returns how many paths changed. The bytes stay GB18030
    and still declare gb2312 in their meta tag."""
    path = Path(out_dir) / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    for entry in manifest.values():
        ctype = entry.get("content_type", "")
        if ctype.startswith("text/html") and ctype != "text/html; charset=utf-8":
            entry["content_type"] = "text/html; charset=utf-8"
            entry["charset"] = True
            changed += 1
    _atomic_write(path, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return changed
