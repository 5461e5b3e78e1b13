"""The replica's seeded model: columns, townships' reports, news items, spam recipes.

All randomness is drawn here, once per seed and scale; rendering (``replica.renshou``,
``replica.qingxi``) is a pure function of the model, and ``replica.mutate`` edits a stored model
between runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from replica.spam import Injection, plan
from replica.templates import OWNER
from replica.texts import Options
from replica.townships import Figures, Township, make_figures, make_townships

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
                article.attachments.append(Attachment(OWNER, fileid, name, kind))
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
