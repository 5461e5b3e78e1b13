"""Spam injection into replica article pages, the way hacked government pages look.

An :class:`Injection` is a recipe (kind, brand phrase, target word, off-site domain, style);
:func:`inject` applies a list of them to an :class:`ArticleView` and returns the finished page
HTML plus one :class:`SpamRecord` per injected item for the ground truth. Brands and domains
are invented.

The ground truth names each injection by how the hack was done (:class:`SpamKind`), in the
replica's own words: it never borrows the cleaner's vocabulary, so an evaluation cannot agree with
the cleaner merely by sharing its names. Tests and benchmarks that compare the two go through one
explicit table of their own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from html import escape

from pipelines.text import element_text, parse_html
from replica.templates import ArticleView


class SpamKind(StrEnum):
    """How a hacked page was altered (the replica's own names for its injections)."""

    BRAND_BANNER = "brand_banner"  # a line of brand phrases and an image above the title
    WORD_SWAP = "word_swap"  # a common word replaced by a brand phrase throughout the page
    TITLE_PREFIX = "title_prefix"  # a brand phrase before the <title> (and the visible title)
    META_TAGS = "meta_tags"  # brand phrases as meta keywords and description
    SOURCE_FIELD = "source_field"  # a brand phrase as the 来源 value
    HIDDEN_LINKS = "hidden_links"  # an invisible block of links to betting sites
    SCRIPT_LINK = "script_written_link"  # a link written into the page by script
    HIDDEN_FRAME = "hidden_frame"  # a zero-size frame of an off-site page
    PINYIN_GLOSS = "pinyin_gloss"  # pinyin interleaved with the characters: 政(zheng)府(fu)
    TRADITIONAL_SCRIPT = "traditional_script"  # the text converted to traditional characters


BRANDS: tuple[str, ...] = (
    "必威体育平台,必威体育app",
    "鑫博体育官网",
    "汇赢娱乐平台下载",
    "速发彩票app",
    "盛世体育平台,盛世体育官方网站",
    "龙腾娱乐官方入口",
    "万宝体育app下载",
    "金樽棋牌游戏平台",
)
DOMAINS: tuple[str, ...] = (
    "www.xinbo-tiyu88.com", "hy-yule365.net", "www.sufa-cp.cc", "ss-sports.vip",
    "longteng-yl.top", "www.wanbao-app.xyz", "jz-qipai.club", "av-hot99.xyz",
)
#: Words that hacked sites replaced everywhere on a page.
REPLACED_WORDS: tuple[str, ...] = ("其他", "关于", "人民政府", "仁寿")

HIDDEN_STYLES: tuple[str, ...] = (
    'style="display:none"',
    'style="visibility:hidden"',
    "hidden",
    'style="position:absolute;left:-9999px;top:-9999px"',
    'style="width:0;height:0;overflow:hidden"',
)

# Simplified -> traditional for the characters the reports use most.
TRADITIONAL: dict[str, str] = dict(zip(
    "开报县镇乡条数发况规划计财经会议训时间门网务关于请应处复诉讼统据为与实现进这个们对动员专题强导责确监领组织长级区广众满问见体设传达电话邮编书记单类规范办结",
    "開報縣鎮鄉條數發況規劃計財經會議訓時間門網務關於請應處復訴訟統據為與實現進這個們對動員專題強導責確監領組織長級區廣眾滿問見體設傳達電話郵編書記單類規範辦結",
))
PINYIN: dict[str, str] = {"政府": "政(zheng)府(fu)", "信息": "信(xin)息(xi)", "公开": "公(gong)开(kai)"}


@dataclass(frozen=True, slots=True)
class Injection:
    kind: SpamKind
    brand: str = ""
    word: str | None = None
    domain: str = ""
    style: int = 0


@dataclass(frozen=True, slots=True)
class SpamRecord:
    kind: str
    text: str
    original: str | None


_SEGMENTS = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<[^>]+>)", re.S | re.I)


def map_text(html: str, func: Callable[[str], str]) -> str:
    """Apply ``func`` to the text between tags (never inside tags, scripts or styles)."""
    parts = _SEGMENTS.split(html)
    return "".join(part if i % 2 else func(part) for i, part in enumerate(parts))


def _links(inj: Injection, count: int = 5) -> list[tuple[str, str]]:
    names = [p for p in re.split(r"[,，]", inj.brand) if p]
    extra = ("真人娱乐", "在线赌场", "体育投注", "六合彩资料", "成人视频")
    texts = (names + list(extra))[:count]
    return [(f"http://{inj.domain}/?id={i}", text) for i, text in enumerate(texts)]


def _hidden_block(inj: Injection) -> tuple[str, str]:
    attr = HIDDEN_STYLES[inj.style % len(HIDDEN_STYLES)]
    items = "".join(f'<li><a href="{href}" target="_blank">{escape(text)}</a></li>' for href, text in _links(inj))
    block = f'<div {attr}><ul>{items}</ul></div>'
    doc = parse_html(f"<html><body>{block}</body></html>")
    return block, element_text(doc.find("body")) if doc is not None else ""


def traditionalise(text: str, pinyin: bool) -> str:
    if pinyin:
        for word, spelled in PINYIN.items():
            text = text.replace(word, spelled)
    return "".join(TRADITIONAL.get(ch, ch) for ch in text)


def inject(
    view: ArticleView, injections: list[Injection], render: Callable[[ArticleView], str]
) -> tuple[str, list[SpamRecord]]:
    """Apply ``injections`` to a copy of ``view``; ``render(view)`` builds the page HTML."""
    view = copy.copy(view)
    view.meta = dict(view.meta)
    records: list[SpamRecord] = []
    replacements: list[tuple[str, str]] = []
    for inj in injections:
        kind = inj.kind
        if kind == SpamKind.BRAND_BANNER:
            banner = (
                f'<p style="text-align:center;font-size:18px;color:#c00">{escape(inj.brand)}</p>'
                f'<p style="text-align:center"><img alt="图片" src="http://{inj.domain}/upload/banner.gif" /></p>'
            )
            if inj.style % 2:
                view.body_html = banner + view.body_html   # inside the body, above the report title
            else:
                view.banner_html = banner
            records.append(SpamRecord(kind, inj.brand, None))
        elif kind == SpamKind.WORD_SWAP:
            replacements.append((inj.word or "其他", inj.brand))
            records.append(SpamRecord(kind, inj.brand, inj.word or "其他"))
        elif kind == SpamKind.TITLE_PREFIX:
            view.title_tag = f"{inj.brand}_{view.title_tag}"
            if inj.style % 2:
                view.visible_title = f"{inj.brand}{view.visible_title}"
            records.append(SpamRecord(kind, inj.brand, None))
        elif kind == SpamKind.META_TAGS:
            view.meta["keywords"] = inj.brand
            view.meta["description"] = f"{inj.brand},{inj.brand.split(',')[0]}最新地址"
            records.append(SpamRecord(kind, inj.brand, None))
        elif kind == SpamKind.SOURCE_FIELD:
            view.source = inj.brand
            records.append(SpamRecord(kind, inj.brand, None))
        elif kind == SpamKind.HIDDEN_LINKS:
            block, text = _hidden_block(inj)
            slot = inj.style % 3
            if slot == 0:
                view.content_tail += block
            elif slot == 1:
                view.top_hidden += block
            else:
                view.page_tail += block
            records.append(SpamRecord(kind, text, None))
        elif kind == SpamKind.SCRIPT_LINK:
            href = f"http://{inj.domain}/"
            if inj.style % 2:
                script = (
                    "<script type=\"text/javascript\">(function(){var a=document.createElement('a');"
                    f"a.href='{href}';a.innerHTML='{inj.brand}';a.style.fontSize='0';"
                    "document.body.appendChild(a);})();</script>"
                )
            else:
                script = f"<script>document.write('<a href=\"{href}\" style=\"display:none\">{inj.brand}</a>');</script>"
            view.content_tail += script
            records.append(SpamRecord(kind, inj.brand, None))
        elif kind == SpamKind.HIDDEN_FRAME:
            src = f"http://{inj.domain}/tj.html"
            view.page_tail += f'<iframe src="{src}" width="0" height="0" frameborder="0" scrolling="no"></iframe>'
            records.append(SpamRecord(kind, src, None))
        elif kind in (SpamKind.TRADITIONAL_SCRIPT, SpamKind.PINYIN_GLOSS):
            continue
    kinds = {inj.kind for inj in injections}
    if SpamKind.TRADITIONAL_SCRIPT in kinds or SpamKind.PINYIN_GLOSS in kinds:
        pinyin = SpamKind.PINYIN_GLOSS in kinds
        before = view.body_html
        view.body_html = map_text(before, lambda text: traditionalise(text, pinyin))
        plain = element_text(parse_html(before))
        if pinyin:
            records += [SpamRecord(SpamKind.PINYIN_GLOSS, traditionalise(spelled, False), word)
                        for word, spelled in PINYIN.items() if word in plain]
        if SpamKind.TRADITIONAL_SCRIPT in kinds:
            used = sorted({ch for ch in plain if ch in TRADITIONAL})
            records += [SpamRecord(SpamKind.TRADITIONAL_SCRIPT, TRADITIONAL[ch], ch) for ch in used]
    html = render(view)
    for word, brand in replacements:
        html = map_text(html, lambda text, w=word, b=brand: text.replace(w, b))
    return html, records


#: Combinations applied to spammed pages, in turn, so every kind lands on several pages.
PROFILES: tuple[tuple[SpamKind, ...], ...] = (
    (SpamKind.BRAND_BANNER, SpamKind.WORD_SWAP, SpamKind.TITLE_PREFIX),
    (SpamKind.HIDDEN_LINKS, SpamKind.SCRIPT_LINK),
    (SpamKind.META_TAGS, SpamKind.SOURCE_FIELD, SpamKind.HIDDEN_FRAME),
    (SpamKind.WORD_SWAP, SpamKind.HIDDEN_LINKS),
    (SpamKind.TRADITIONAL_SCRIPT, SpamKind.PINYIN_GLOSS),
    (SpamKind.BRAND_BANNER, SpamKind.TITLE_PREFIX, SpamKind.HIDDEN_LINKS, SpamKind.HIDDEN_FRAME),
    (SpamKind.SCRIPT_LINK, SpamKind.META_TAGS, SpamKind.WORD_SWAP),
    (SpamKind.TRADITIONAL_SCRIPT, SpamKind.HIDDEN_LINKS, SpamKind.SOURCE_FIELD),
)


def plan(profile_index: int, pick: Callable[[int], int]) -> list[Injection]:
    """Injections of profile ``profile_index``; ``pick(n)`` draws an index below ``n``."""
    out = []
    for kind in PROFILES[profile_index % len(PROFILES)]:
        word = None
        brand = BRANDS[pick(len(BRANDS))]
        if kind == SpamKind.WORD_SWAP:
            word = REPLACED_WORDS[pick(len(REPLACED_WORDS))]
            if word == "其他":
                brand = BRANDS[0]   # the sample's own pairing
        out.append(Injection(kind, brand, word, DOMAINS[pick(len(DOMAINS))], pick(10)))
    return out
