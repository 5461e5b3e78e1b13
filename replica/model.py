"""The replica's seeded model: columns, townships', departments' and the county government's
reports, news items, spam recipes.

All randomness is drawn here, once per seed and scale; rendering (``replica.renshou``,
``replica.qingxi``) is a pure function of the model, and ``replica.mutate`` edits a stored model
between runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from replica.departments import Department, make_departments, make_government
from replica.spam import BRANDS, Injection, SpamKind, plan
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
    scope: str = "township"   # "township" | "department" | "government": whose reports it holds


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(4525, 2016, "b", "span", ("old", "rs"), 98013),
    ColumnSpec(4519, 2018, "a", "span", ("rs", "rs", "h1"), 112301),
    ColumnSpec(4516, 2019, "b", "i", ("rs", "h1"), 104870),
    ColumnSpec(4694, 2021, "a", "i", ("h1", "index"), 131544),
    ColumnSpec(5024, 2024, "a", "span", ("index", "rs", "h1"), 160218),
    ColumnSpec(4600, 2017, "a", "span", ("rs",), 108402, folder="nbgl", disallowed=True),
)
#: Departments' reports, one column per year, and the county government's own column (its
#: ``year`` is the first year it holds; one report a year up to the last department year).
UNIT_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(4702, 2020, "b", "span", ("rs", "h1"), 135407, scope="department"),
    ColumnSpec(4781, 2021, "a", "i", ("h1", "index"), 141020, scope="department"),
    ColumnSpec(4856, 2022, "a", "span", ("index", "rs"), 151311, scope="department"),
    ColumnSpec(4930, 2023, "b", "span", ("rs", "h1", "index"), 157842, scope="department"),
    ColumnSpec(5031, 2024, "a", "span", ("h1", "rs"), 166005, scope="department"),
    ColumnSpec(4410, 2019, "a", "span", ("index", "h1"), 90210, scope="government"),
)
#: The hub's page that lists the departments' year columns.
DEPARTMENT_HUB = "/zfxxgk/bmndbg.htm"
#: Reports whose hack replaced a word of the unit's own name throughout the page (the title, the
#: 本报告由 sentence, 发布机构): (unit, year, word). The county's 人民政府 and 仁寿 are words a hacked
#: site swaps; a whole department name is not (nothing on the page would say what it was).
UNIT_NAME_SWAPPED = {("仁寿县人民政府", 2022): "人民政府", ("仁寿县民政局", 2023): "仁寿"}
#: Sports reports hacked with a betting brand that says 体育 too: (unit, year).
SPORTS_HACKED = (("仁寿县体育事业发展中心", 2022), ("仁寿县教育和体育局", 2021))
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
    unit: Township | Department   # who reports
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

    @property
    def township(self) -> Township | Department:
        """The reporting unit (the name renderers written for the township-only replica use)."""
        return self.unit


@dataclass(slots=True)
class Column:
    spec: ColumnSpec
    chain: list[int]      # article ids, newest first (the 上一条/下一条 order)

    @property
    def name(self) -> str:
        if self.spec.scope == "department":
            return f"{self.spec.year}年部门政府信息公开工作年度报告"
        if self.spec.scope == "government":
            return "县政府信息公开工作年度报告"
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
                unit=town,
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
    news = _news(rng)
    _add_unit_columns(columns, articles, used_ids, random.Random(seed * 7919 + 1))  # its own stream
    return Site(seed, scale, columns, articles, news)


def _add_unit_columns(columns: dict[int, Column], articles: dict[int, Article], used_ids: set[int],
                      rng: random.Random) -> None:
    """The departments' year columns and the county government's column, drawn from ``rng`` (a
    stream of their own, so adding them changed no township report)."""
    departments = make_departments(rng)
    government = make_government(rng)
    last_year = max(spec.year for spec in UNIT_COLUMNS if spec.scope == "department")
    spam_turn = 3
    for spec in UNIT_COLUMNS:
        if spec.scope == "government":
            members = [(government, year) for year in range(spec.year, last_year + 1)]
        else:
            members = [(unit, spec.year) for unit in departments]
        dated = []
        for unit, year in members:
            when = datetime(year + 1, 1, 1, rng.randint(8, 17), rng.randint(0, 59)) + timedelta(days=rng.randint(6, 80))
            dated.append((when, unit, year))
        dated.sort(key=lambda entry: entry[0])
        next_id, ids = spec.first_id, []
        for when, unit, year in dated:
            next_id += rng.randint(1, 6)
            while next_id in used_ids:
                next_id += 1
            used_ids.add(next_id)
            gb = rng.random() < 0.15
            article = Article(
                id=next_id, column_id=spec.id, unit=unit, year=year, figures=make_figures(rng, year),
                options=Options(period_variant=rng.randrange(4), pool_offset=rng.randrange(8)),
                published=when, layout=rng.choice(spec.layouts), content_id=rng.choice((2, 100, 1031)),
                source=rng.choice(("", "", unit.short, unit.name)),
                encoding="gb18030" if gb else "utf-8", http_charset=not gb or rng.random() < 0.5,
                charset_style=rng.randrange(2), has_meta=rng.random() < 0.5,
            )
            if article.layout == "index":
                article.index_no = f"11511421{rng.randint(10000000, 99999999)}/{year + 1}-{rng.randint(1, 300):05d}"
            if (unit.name, year) in UNIT_NAME_SWAPPED:
                article.injections = [Injection(SpamKind.WORD_SWAP, BRANDS[rng.randrange(len(BRANDS))],
                                                UNIT_NAME_SWAPPED[unit.name, year], "www.xinbo-tiyu88.com", 0)]
            elif (unit.name, year) in SPORTS_HACKED:   # brands that say 体育 on a page that says it too
                domain = "ss-sports.vip"
                article.injections = [Injection(SpamKind.BRAND_BANNER, BRANDS[0], None, domain, 0),
                                      Injection(SpamKind.WORD_SWAP, BRANDS[0], "其他", domain, 0),
                                      Injection(SpamKind.TITLE_PREFIX, BRANDS[4], None, domain, rng.randrange(2))]
            elif rng.random() < 0.3:
                article.injections = plan(spam_turn, rng.randrange)
                spam_turn += 1
            articles[article.id] = article
            ids.append(article.id)
        chain = ids[::-1]
        hidden = 1 if spec.scope == "government" else UNLISTED_PER_COLUMN
        for index in rng.sample(range(1, len(chain) - 1), hidden):
            articles[chain[index]].listed = False
        columns[spec.id] = Column(spec, chain)


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
