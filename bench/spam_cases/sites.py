"""The realistic set: whole hacked and clean sites, modelled on real injections (``real_facts.md``).

A site is one county portal (or department site) on one template: several units (townships,
bureaus), several report years. A hacked site is hacked the way real ones were:

* ``word``: one common word replaced by ONE phrase everywhere on the hacked pages (body, quoted
  document titles, tables, <title>, meta, visible title, 来源, footer); some pages of the site
  are clean (published after the hack, or in another column) and some hacked pages have an
  earlier, clean capture: there the original word is on record and restoration is measurable;
* ``inserted``: phrases inserted into sentences, nothing replaced;
* ``fields``: <title>, meta, visible title and 来源 hijacked;
* ``banner``: phrase lines above the title and at the top of the body, and the footer's site
  name replaced (seen on a real mirror);
* ``hidden``: hidden link blocks inside and after the body.

Ground truth is kept in the evaluation's own vocabulary (``Injection.kind``), with the clean
page each hacked page came from. Phrases are wrapped in private-use marker characters while a
page is rendered, so every injection's span in every field is known exactly; the served page
has the markers removed (and ``check`` verifies that reading the fields of the served page
gives the marked texts without their markers).
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field

from .fields import FIELDS, Layout, extract
from .hacks import _MARKS, _Marks, hack_banner, hack_fields, hack_hidden, hack_insert, hack_word, unmark
from .reports import ReportContext, Unit, report_lines
from .templates import TEMPLATES, PageContent
from .vocab import LOOKALIKE_ACCOUNTS, LOOKALIKE_PLACES, Phrase, PhraseMaker


COUNTIES = (
    ("剑阁县", "jiange"), ("苍溪县", "cangxi"), ("旺苍县", "wangcang"), ("洪雅县", "hongya"),
    ("丹棱县", "danling"), ("夹江县", "jiajiang"), ("沐川县", "muchuan"), ("屏山县", "pingshan"),
    ("筠连县", "junlian"), ("宣汉县", "xuanhan"), ("大竹县", "dazhu"), ("邻水县", "linshui"),
    ("岳池县", "yuechi"), ("武胜县", "wusheng"), ("蓬溪县", "pengxi"), ("盐亭县", "yanting"),
    ("梓潼县", "zitong"), ("平武县", "pingwu"), ("通江县", "tongjiang"), ("南江县", "nanjiang"),
    ("平昌县", "pingchang"), ("营山县", "yingshan"), ("仪陇县", "yilong"), ("西充县", "xichong"),
    ("三台县", "santai"), ("中江县", "zhongjiang"), ("荣县", "rongxian"), ("富顺县", "fushun"),
    ("威远县", "weiyuan"), ("长宁县", "changning"), ("江安县", "jiangan"), ("兴文县", "xingwen"),
    ("古蔺县", "gulin"), ("叙永县", "xuyong"), ("珙县", "gongxian"), ("高县", "gaoxian"),
    ("理塘县", "litang"), ("会理市", "huili"), ("米易县", "miyi"), ("盐边县", "yanbian"),
)  # fmt: skip
TOWN_FIRST = "石龙白青马柳高双新三五黄桃杨清长东西古"
TOWN_SECOND = "桥泉河山溪坝坪园水口兴安林华"
TOWN_SUFFIX = ("镇", "镇", "乡", "街道")


@dataclass
class Injection:
    id: str
    # replaced_word | quoted_title | inserted_phrase | banner | hidden_block | footer (body and page);
    # title | meta | visible_title | source (fields)
    kind: str
    field: str
    start: int
    end: int
    text: str
    original: str | None
    evidence: str  # capture | site | none (where the original is on record; "-" when nothing to restore)
    shape: str
    entries: tuple[str, ...]  # brand and term entries the phrase uses
    in_lexicon: bool = False  # filled by the evaluation


@dataclass
class EvalPage:
    id: str
    site: str
    url: str
    html: str
    earlier: tuple[str, ...]
    truth_html: str
    layout: Layout
    negative: str | None  # the look-alike kind of a page with no injection
    injections: list[Injection]
    served: dict[str, str]
    truth: dict[str, str]
    marked: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # every injected span per field


@dataclass
class Site:
    id: str
    scenario: str
    template: str
    pages: list[EvalPage]


# ---------------------------------------------------------------- units and clean pages


def _towns(rng: random.Random, n: int, special: tuple[str, ...] = ()) -> list[str]:
    names = list(special)
    while len(names) < n:
        name = rng.choice(TOWN_FIRST) + rng.choice(TOWN_SECOND) + rng.choice(TOWN_SUFFIX)
        if name not in names:
            names.append(name)
    return names


def _township(county: str, town: str, rng: random.Random, account: str | None = None) -> Unit:
    self_ref = {"镇": "我镇", "乡": "我乡"}.get(town[-1], "本街道")
    account = account or rng.choice((f"{town}发布", f"美丽{town[:-1]}", f"{town[:-1]}e家"))
    return Unit(f"{county}{town}", town, "township", self_ref, account)


DEPARTMENTS = {  # role -> (name, self reference, account suffix pattern, unit kind)
    "sports": ("文化体育和旅游局", "我局", "{s}体育", "sports"),
    "sports_center": ("体育事业发展中心", "本中心", "运动{s}", "sports"),
    "lottery": ("体育彩票管理中心", "本中心", "{s}体彩", "lottery"),
    "welfare": ("福利彩票发行中心", "本中心", "{s}福彩", "lottery"),
    "edu_sports": ("教育和体育局", "我局", "{s}教体", "edu_sports"),
    "security": ("公安局", "我局", "平安{s}", "security"),
    "justice": ("司法局", "我局", "法治{s}", "security"),
    "economy": ("经济和信息化局", "我局", "i{s}", "economy"),
    "development": ("发展和改革局", "我局", "{s}发改", "economy"),
    "office": ("人民政府办公室", "我办", "{s}发布", "office"),
}


def _department(county: str, role: str) -> Unit:
    name, self_ref, account, kind = DEPARTMENTS[role]
    return Unit(f"{county}{name}", name, kind, self_ref, account.format(s=county[:-1]))


@dataclass
class _SiteBase:
    id: str
    county: str
    host: str
    template: str
    ctx: ReportContext
    col: int
    code: str
    icp: str


def _content(base: _SiteBase, unit: Unit, year: int, neighbours: tuple[str, str], rng: random.Random) -> PageContent:
    ctx = base.ctx
    lines = report_lines(unit, year, ctx, rng)
    report_title = lines[0]
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    template = base.template
    if template == "vsb":
        title, visible = f"{unit.short}-{ctx.gov}", unit.short
        date = f"{year + 1}年{month:02d}月{day:02d}日"
        source = rng.choice(("", "", unit.name))
        metas = {"keywords": f"{ctx.gov},政府信息公开,年度报告", "description": report_title}
    elif template == "index":
        title, visible = f"{report_title}-{ctx.gov}", report_title
        date = f"{year + 1}-{month:02d}-{day:02d}"
        source = unit.short
        metas = {"ArticleTitle": report_title, "PubDate": f"{date} 09:30", "ContentSource": unit.short, "keywords": "年度报告"}
    elif template == "trs":
        title, visible = f"{report_title}_{ctx.gov}", report_title
        date = f"{year + 1}-{month:02d}-{day:02d} 1{rng.randint(0, 7)}:{rng.randint(10, 59)}"
        source = unit.short
        metas = {"ArticleTitle": report_title, "ContentSource": unit.short, "SiteName": ctx.gov, "description": report_title}
    else:
        title, visible = report_title, report_title
        date = f"{year + 1}/{month}/{day} 1{rng.randint(0, 7)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}"
        source = unit.name
        metas = {"keywords": f"{unit.short},年报"}
    return PageContent(
        title=title,
        metas=metas,
        visible_title=visible,
        date=date,
        source=source,
        lines=lines,
        prev_name=neighbours[0],
        next_name=neighbours[1],
        footer_owner=f"{ctx.gov}办公室",
        site_code=base.code,
        icp=base.icp,
        publisher=unit.short,
        index_no=f"{base.code}/{year + 1}-{rng.randint(10000, 99999)}",
    )


# ---------------------------------------------------------------- hacks (edit PageContent strings)


# ---------------------------------------------------------------- assembling sites

PRIORITY = {name: i for i, name in enumerate(FIELDS)}  # an injection is scored in its first field
FIELD_KIND = {"title": "title", "visible_title": "visible_title", "source": "source"}
WORD_PLANS = (  # (replaced word, phrase shape): one phrase per site, as real hacks did
    ("其他", "joined"),
    ("其他", "brand+category+channel"),
    ("其他", "mixed"),
    ("其他", "latin+category"),
    ("关于", "company"),
    ("关于", "digits"),
    ("工作", "brand+category"),
    ("信息", "bare"),
    ("政务公开", "ranking"),
    ("政务公开", "term"),
    ("<gov>", "bracketed"),
    ("<gov>", "domain"),
    ("<county>", "latin"),
    ("<county>", "brand+channel"),
)
DENSE_WORDS = ("工作", "信息")
CLEAN_PLANS = (
    ("sports", ("sports", "edu_sports", "sports_center", "town")),
    ("sports", ("sports", "lottery", "welfare", "town")),
    ("lottery", ("lottery", "welfare", "town", "office")),
    ("edu_sports", ("edu_sports", "sports_center", "town", "town")),
    ("anti-gambling", ("security", "justice", "town", "office")),
    ("abbreviation", ("economy", "development", "town", "town")),
    ("place", ("place", "place", "place", "place")),
    ("place", ("place", "place", "place", "town")),
    ("account", ("account", "account", "account", "account")),
    ("plain", ("town", "town", "town", "office")),
)
ALL_SHAPES_FOR_PAGES = (
    "bare", "brand+category", "brand+category+channel", "brand+channel", "latin", "latin+category",
    "mixed", "digits", "company", "ranking", "joined", "term",
)  # fmt: skip
NEGATIVE_BY_UNIT = {
    "sports": "sports",
    "edu_sports": "sports",
    "lottery": "lottery",
    "security": "anti-gambling",
    "economy": "abbreviation",
}


def _base(index: int, template: str, rng: random.Random) -> _SiteBase:
    county, pinyin = COUNTIES[index % len(COUNTIES)]
    host = f"{pinyin}.gov.cn"
    ctx = ReportContext(
        county=county,
        gov=f"{county}人民政府",
        host=host,
        phone=f"0{rng.randint(812, 839)}-{rng.randint(5000000, 8999999)}",
        email=f"{pinyin}xxgk@163.com",
    )
    return _SiteBase(
        id=f"s{index:02d}-{pinyin}",
        county=county,
        host=host,
        template=template,
        ctx=ctx,
        col=rng.choice((4519, 4525, 4694, 5024, 1648, 3164)),
        code=f"5{rng.randint(100000000, 199999999)}",
        icp=f"{rng.randint(10000000, 19999999)}",
    )


def _units(base: _SiteBase, roles: tuple[str, ...], rng: random.Random) -> tuple[list[Unit], dict[str, str]]:
    """Units for ``roles`` and the negative look-alike kind of each unit's pages."""
    places = [p for p in LOOKALIKE_PLACES if p[-1] in "镇乡"]
    special = tuple(rng.sample(places, sum(r == "place" for r in roles)))
    towns = _towns(rng, len(roles), special)
    accounts = list(LOOKALIKE_ACCOUNTS)
    rng.shuffle(accounts)
    units, negative = [], {}
    town_i = len(special)
    place_i = 0
    for role in roles:
        if role == "place":
            unit = _township(base.county, towns[place_i], rng)
            place_i += 1
            negative[unit.name] = "place"
        elif role in ("town", "account"):
            town = towns[town_i]
            town_i += 1
            unit = _township(base.county, town, rng, accounts.pop() if role == "account" else None)
            negative[unit.name] = "account" if role == "account" else "plain"
        else:
            unit = _department(base.county, role)
            negative[unit.name] = NEGATIVE_BY_UNIT.get(unit.kind, "plain")
        units.append(unit)
    return units, negative


def _place_line(rng: random.Random) -> str:
    villages = [p for p in LOOKALIKE_PLACES if p[-1] in "村区"]
    a, b = rng.sample(villages, 2)
    return f"{a}、{b}等村（社区）的村级事务公开栏全部按季度更新。"


def _pages_of(base: _SiteBase, units: list[Unit], years: list[int], rng: random.Random, places: bool):
    """(unit, year, clean content) for every report of the site."""
    out = []
    for year in years:
        for i, unit in enumerate(units):
            prev = units[i - 1].short if i else units[-1].short
            nxt = units[(i + 1) % len(units)].short
            content = _content(base, unit, year, (prev, nxt), rng)
            if places and unit.kind == "township":
                content.lines.insert(6, _place_line(rng))
            out.append((unit, year, content))
    return out


def _render(base: _SiteBase, content: PageContent) -> str:
    return TEMPLATES[base.template].render(content)


def _url(base: _SiteBase, n: int, year: int) -> str:
    ident = 112000 + n * 7
    return TEMPLATES[base.template].url.format(
        host=base.host, col=base.col, id=ident, ym=f"{year + 1}01", ymd=f"{year + 1}01{10 + n % 18:02d}"
    )


def _finish(
    base: _SiteBase,
    n: int,
    year: int,
    clean: PageContent,
    hacked: PageContent | None,
    marks: _Marks | None,
    negative: str | None,
) -> EvalPage:
    layout = TEMPLATES[base.template].layout
    truth_html = _render(base, clean)
    truth = extract(truth_html, layout)
    page_id = f"{base.id}/p{n:02d}"
    url = _url(base, n, year)
    if hacked is None:
        return EvalPage(page_id, base.id, url, truth_html, (), truth_html, layout, negative, [], truth, truth)
    marked_html = _render(base, hacked)
    served_html = _MARKS.sub("", marked_html)
    marked_fields = extract(marked_html, layout)
    served = extract(served_html, layout)
    spans_by_field: dict[str, dict[int, tuple[int, int]]] = {}
    for name, text in marked_fields.items():
        plain, spans = unmark(text)
        if plain != served[name]:
            raise AssertionError(f"{page_id}: field {name} reads differently without markers")
        spans_by_field[name] = spans
    injections = []
    for ident, spec in enumerate(marks.specs):
        where = sorted((f for f, spans in spans_by_field.items() if ident in spans), key=PRIORITY.get)
        if not where:
            continue  # in a part of the page no field reads (never by construction)
        name = where[0]
        start, end = spans_by_field[name][ident]
        kind = "meta" if name.startswith("meta:") else FIELD_KIND.get(name, spec.kind)
        if kind == "visible_title" and spec.kind in ("banner",):
            kind = "banner"
        entries = tuple(e.term for p in spec.phrases for e in p.entries)
        shape = spec.phrases[0].shape if len(spec.phrases) == 1 else ("banner-line" if spec.phrases else "placeholder")
        injections.append(
            Injection(
                id=f"{page_id}#{ident}",
                kind=kind,
                field=name,
                start=start,
                end=end,
                text=served[name][start:end],
                original=spec.original,
                evidence="-" if spec.original is None else "none",
                shape=shape,
                entries=entries,
            )
        )
    page = EvalPage(page_id, base.id, url, served_html, (), truth_html, layout, None, injections, served, truth)
    page.marked = {name: sorted(spans.values()) for name, spans in spans_by_field.items() if spans}
    return page


def _site(index: int, scenario: str, template: str, rng: random.Random, maker: PhraseMaker, plan: tuple) -> Site:
    base = _base(index, template, rng)
    all_years = list(range(2017, 2025))
    if scenario == "clean":
        kind, roles = plan
        units, negative = _units(base, roles, rng)
        years = sorted(rng.sample(all_years, 3))
        reports = _pages_of(base, units, years, rng, places=kind == "place")
        pages = [_finish(base, n, y, c, None, None, negative[u.name]) for n, (u, y, c) in enumerate(reports)]
        return Site(base.id, f"clean:{kind}", template, pages)
    roles = ("town", "town", rng.choice(("place", "town")), rng.choice(("economy", "office", "sports", "security")))
    if scenario == "word" and plan[0] in DENSE_WORDS:
        roles, years = roles[:2], sorted(rng.sample(all_years, 2))
    else:
        years = sorted(rng.sample(all_years, 3))
    units, negative = _units(base, roles, rng)
    reports = _pages_of(base, units, years, rng, places=False)
    pages: list[EvalPage] = []
    if scenario == "word":
        word, shape = plan
        word = {"<gov>": base.ctx.gov, "<county>": base.county}.get(word, word)
        phrase = maker.make(shape)
        hacked_flags = [n % 4 != 3 for n in range(len(reports))]
        for n, (unit, year, clean) in enumerate(reports):
            if not hacked_flags[n]:
                pages.append(_finish(base, n, year, clean, None, None, negative[unit.name]))
                continue
            hacked, marks = copy.deepcopy(clean), _Marks()
            hack_word(hacked, marks, word, phrase)
            page = _finish(base, n, year, clean, hacked, marks, negative[unit.name])
            roll = rng.random()
            if roll < 0.35:
                page.earlier = (page.truth_html,)  # a capture from before the hack
            elif roll < 0.5:
                page.earlier = (page.html,)  # an earlier capture that was hacked already
            pages.append(page)
        _evidence(pages)
        return Site(base.id, f"word:{word if plan[0][0] != '<' else plan[0]}", template, pages)
    for n, (unit, year, clean) in enumerate(reports):
        hacked, marks = copy.deepcopy(clean), _Marks()
        if scenario == "inserted":
            phrases = [maker.make(rng.choice(ALL_SHAPES_FOR_PAGES)) for _ in range(rng.randint(1, 3))]
            hack_insert(hacked, marks, phrases, rng)
        elif scenario == "fields":
            phrases = [maker.make(rng.choice(ALL_SHAPES_FOR_PAGES)) for _ in range(rng.randint(2, 4))]
            hack_fields(hacked, marks, phrases, rng)
        elif scenario == "banner":
            phrases = [maker.make(rng.choice(ALL_SHAPES_FOR_PAGES)) for _ in range(rng.randint(2, 3))]
            hack_banner(hacked, marks, phrases, rng)
            if plan == ("footer",):
                owner = hacked.footer_owner
                hacked.footer_owner = marks.wrap(plan_phrase(maker, index).text, "footer", plan_phrase(maker, index), owner)
        elif scenario == "hidden":
            phrases = [maker.make(rng.choice(ALL_SHAPES_FOR_PAGES)) for _ in range(rng.randint(2, 4))]
            hack_hidden(hacked, marks, phrases, rng)
        page = _finish(base, n, year, clean, hacked, marks, negative[unit.name])
        if rng.random() < 0.3:
            page.earlier = (page.truth_html,)
        pages.append(page)
    _evidence(pages)
    return Site(base.id, scenario + (":footer" if plan == ("footer",) else ""), template, pages)


_SITE_PHRASES: dict[int, Phrase] = {}


def plan_phrase(maker: PhraseMaker, index: int) -> Phrase:
    """One phrase per site for a site-wide footer hijack (made on first use)."""
    if index not in _SITE_PHRASES:
        _SITE_PHRASES[index] = maker.make("bracketed")
    return _SITE_PHRASES[index]


def _evidence(pages: list[EvalPage]) -> None:
    """Where each replaced word is on record: an earlier clean capture of the page, or the
    site's clean pages showing the word in the same field."""
    clean_pages = [p for p in pages if not p.injections]
    for page in pages:
        clean_capture = bool(page.earlier) and page.earlier[0] == page.truth_html
        for inj in page.injections:
            if inj.original is None:
                continue
            if clean_capture:
                inj.evidence = "capture"
            elif any(inj.original in p.truth.get(inj.field, "") or inj.original in p.truth["body"] for p in clean_pages):
                inj.evidence = "site"


def generate(seed: int = 20260301) -> list[Site]:
    """The realistic set (deterministic for a seed)."""
    _SITE_PHRASES.clear()
    rng = random.Random(seed)
    maker = PhraseMaker(random.Random(seed + 1))
    templates = ("vsb", "index", "trs", "old")
    plans: list[tuple[str, tuple]] = [("word", p) for p in WORD_PLANS]
    plans += [("inserted", ())] * 4 + [("fields", ())] * 4
    plans += [("banner", ("footer",)), ("banner", ()), ("banner", ())] + [("hidden", ())]
    plans += [("clean", p) for p in CLEAN_PLANS]
    sites = []
    for index, (scenario, plan) in enumerate(plans):
        template = templates[index % len(templates)] if scenario != "hidden" else "vsb"
        sites.append(_site(index, scenario, template, rng, maker, plan))
    return sites


def check(sites: list[Site]) -> None:
    """The served pages read as recorded (a guard for the generator itself)."""
    for site in sites:
        for page in site.pages:
            again = extract(page.html, page.layout)
            for name in FIELDS:
                if again[name] != page.served[name]:
                    raise AssertionError(f"{page.id}: {name} differs")
            for inj in page.injections:
                if page.served[inj.field][inj.start : inj.end] != inj.text:
                    raise AssertionError(f"{inj.id}: span does not hold the injected text")
