"""The maintained spam lexicon (``lexicon.txt``) and the known-replacement map.

The lexicon is data, not code: editing ``lexicon.txt`` (format in its header) changes what the
cleaner knows without touching a module. It is read once, on first use, never at import time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipelines.cleaning import convert
from pipelines.cleaning.openings import Openings

CLASSES = (
    "brand", "weak", "term", "category", "channel", "strong", "legit", "legitstem", "host", "safehost",
    "region", "rank", "company", "tail", "abbr", "antigamble", "bet",
)
#: classes holding vocabulary facts (brands, betting terms); the others are the grammar of phrases
FACT_CLASSES = ("brand", "weak", "term")

# Replacements seen in the wild: injected phrase (separators normalised to ",") -> original word.
# 必威体育平台,必威体育app replaced every 其他 on a county portal (shared/samples/seed-page.txt).
KNOWN_REPLACEMENTS: dict[str, str] = {
    "必威体育平台,必威体育app": "其他",
    "必威体育app,必威体育平台": "其他",
}
KNOWN_MAP_CONFIDENCE = 0.8

_SEPARATORS = re.compile(r"[\s,，、|/·\-]+")


def phrase_key(text: str) -> str:
    """Normalise a phrase for the known-replacement map: simplified, lower case, one separator."""
    return _SEPARATORS.sub(",", convert.to_simplified(text).lower()).strip(",")


@dataclass(frozen=True, slots=True)
class Lexicon:
    terms: dict[str, frozenset[str]]
    known: re.Pattern  # brand (group b) | term (group t) | weak + glue (group w)
    shape: re.Pattern  # unknown stem + category + channel, unknown stem + strong channel
    legit: re.Pattern | None
    # a category or strong word: every ``shape`` match holds one (a cheap test before ``shape``)
    shape_core: re.Pattern | None = None
    # the first characters of brand, term and weak words: where a ``known`` match can start
    known_start: re.Pattern | None = None
    # where brand, term and weak words (``known``), category and strong words (``shape_core``),
    # region, rank and betting words (``phrase_shape``) stand in a text: one automaton
    openings: Openings | None = None
    # region + unknown stem + company/channel/category (英国XX公司), rank + stem + betting word
    # (十大XX买球平台): shapes of their own, tried only where a region or rank word stands
    phrase_shape: re.Pattern | None = None
    # grammar words that extend a phrase: ``grow_right`` matches at its end, ``grow_left`` ends
    # at its start (search with endpos)
    grow_right: re.Pattern | None = None
    grow_left: re.Pattern | None = None
    antigamble: re.Pattern | None = None
    # any word of the phrase grammar (category, channel, company, bet, rank, region, tail)
    grammar: re.Pattern | None = None
    # spans found per string (``detect.find_spam``): pages of one site repeat their nav and footer
    spans: dict = field(default_factory=dict, compare=False, repr=False)
    # the lexicon's spans of the latest long strings (``detect._lexicon_spans``): page bodies
    long_spans: dict = field(default_factory=dict, compare=False, repr=False)

    def words(self, cls: str) -> frozenset[str]:
        return self.terms.get(cls, frozenset())

    def is_spam_host(self, host: str) -> bool:
        host = host.lower().strip(".")
        if any(host == s or host.endswith("." + s) for s in self.words("safehost")):
            return False
        labels = re.split(r"[.\-]", host)
        return any(label.startswith(token) for label in labels for token in self.words("host"))

    def is_safe_host(self, host: str) -> bool:
        host = host.lower().strip(".")
        return any(host == s or host.endswith("." + s) for s in self.words("safehost"))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def parse(text: str) -> dict[str, frozenset[str]]:
    """Parse lexicon text into ``{class: terms}``, adding traditional/simplified variants."""
    found: dict[str, set[str]] = {c: set() for c in CLASSES}
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or parts[0] not in found:
            raise ValueError(f"lexicon.txt line {lineno}: expected CLASS<TAB>TERM with CLASS in {CLASSES}: {line!r}")
        term = parts[1].strip()
        found[parts[0]].add(term)
        if parts[0] not in ("host", "safehost"):
            found[parts[0]].update({convert.to_traditional(term), convert.to_simplified(term)})
    return {c: frozenset(t for t in terms if t) for c, terms in found.items()}


def build(terms: dict[str, frozenset[str]]) -> Lexicon:
    terms = {c: terms.get(c, frozenset()) for c in CLASSES}
    cjk = r"[\u4e00-\u9fff]"
    latin = r"[A-Za-z][A-Za-z0-9]{1,11}"
    brand = _alternation(terms["brand"]) or "(?!)"
    term = _alternation(terms["term"]) or "(?!)"
    weak = _alternation(terms["weak"]) or "(?!)"
    category = _alternation(terms["category"])
    channel = _alternation(terms["channel"])
    strong = _alternation(terms["strong"])
    tail = rf"(?:(?:{category})?(?:{channel}){{0,2}})"
    known = (
        rf"(?P<b>{brand}){tail}|(?P<t>{term}){tail}"
        rf"|(?P<w>{weak})(?:[0-9]{{0,4}}(?:{category})(?:{channel}){{0,2}}|(?:{channel}){{1,2}}|[A-Za-z]{{2,}})"
    )
    shape = (
        rf"{latin}(?:{category})(?:{channel}){{0,2}}"
        rf"|(?P<digits>(?<![0-9])[0-9]{{2,6}}(?:{category}|彩){{1,2}}(?:{channel}){{0,2}})"
        rf"|(?P<cdigits>{cjk}{{1,2}}[0-9]{{1,3}}(?:{category}){{1,2}}(?:{channel}){{0,2}})"
        rf"|(?P<stem>{cjk}{{2}})(?:(?:{category}){{1,2}}(?:{channel}){{1,2}}|(?:{strong})(?:{channel})?)"
    )
    legit = re.compile(_alternation(terms["legit"]), re.IGNORECASE) if terms["legit"] else None
    return Lexicon(
        terms=terms,
        known=re.compile(known, re.IGNORECASE),
        shape=re.compile(shape, re.IGNORECASE),
        legit=legit,
        shape_core=re.compile(rf"{category}|{strong}|[0-9]彩", re.IGNORECASE),
        known_start=_first_chars(terms["brand"] | terms["term"], terms["weak"]),
        # (an empty category or strong class leaves shape_core an empty alternative, which
        # matches anywhere: no automaton then)
        openings=Openings.build(
            terms["brand"] | terms["term"] | terms["weak"],
            terms["category"] | terms["strong"],
            terms["region"] | terms["rank"] | terms["bet"],
        ) if terms["category"] and terms["strong"] else None,
        phrase_shape=_phrase_shape(terms, cjk, category, channel),
        grow_right=_grow_right(terms, category, channel, strong),
        grow_left=_grow_left(terms),
        antigamble=re.compile(_alternation(terms["antigamble"])) if terms["antigamble"] else None,
        grammar=_grammar(terms),
    )


def _grammar(terms) -> re.Pattern | None:
    words = frozenset().union(*(terms[c] for c in ("category", "channel", "company", "bet", "rank", "region", "tail")))
    return re.compile(_alternation(words), re.IGNORECASE) if words else None


def _phrase_shape(terms, cjk: str, category: str, channel: str) -> re.Pattern | None:
    """Region + an unknown stem + a company, channel or category word (英国XX公司, 澳门XX官网), and
    rank + a stem + a betting category or term (十大XX买球, 正规体育app): spam shapes whatever the
    brand. The stem is lazy: the shortest that reaches the closing word."""
    region = _alternation(terms["region"])
    rank = _alternation(terms["rank"])
    company = _alternation(terms["company"])
    term = _alternation(terms["term"])
    bet = _alternation(terms["bet"])
    parts = []
    strong_rank = _alternation(terms["rank"] & _STRONG_RANKS)
    if strong_rank and (company or channel):  # before the plain rank shape: the longer reading
        closing = "|".join(p for p in (company, channel) if p)
        parts.append(
            rf"(?P<strongrank>{strong_rank})(?:正规|信誉好的|靠谱的)?(?P<sstem>[\u4e00-\u9fffA-Za-z0-9]{{1,6}}?)(?:{closing})"
        )
    if region and (company or channel):
        closing = "|".join(p for p in (company, channel, category) if p)
        parts.append(rf"(?P<region>{region})(?P<rstem>[\u4e00-\u9fff0-9]{{1,6}}?|[A-Za-z0-9]{{2,16}})(?:{closing})")
    if rank and (category or term or bet):
        betting = "|".join(p for p in (category, term, bet) if p)
        parts.append(rf"(?P<rank>{rank})(?P<kstem>{cjk}{{0,4}}?)(?:{betting})")
    if bet and (company or channel):
        closing = "|".join(p for p in (company, channel) if p)
        parts.append(rf"(?P<bet>{bet})(?:{closing})")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


#: ranking words that mark a betting ad before any stem and a channel (十大XX平台); 正规 and 知名
#: alone do not (正规交易平台)
_STRONG_RANKS = frozenset(("十大", "十大正规", "信誉", "信誉好的", "信誉最好的", "靠谱", "靠谱的", "最靠谱的", "前十", "排名前十", "排行前十", "顶级", "老牌"))


def _grow_right(terms, category: str, channel: str, strong: str) -> re.Pattern | None:
    """One grammar word that may follow a spam phrase: category, channel, company, tail, strong,
    or Latin letters and digits glued on (app, hth, 365)."""
    words = terms["category"] | terms["channel"] | terms["company"] | terms["tail"] | terms["strong"]
    alternation = _alternation(words)
    glued = r"[A-Za-z][A-Za-z0-9]*"  # letters, then digits (bet365); never digits alone (2021年)
    return re.compile(rf"(?:{alternation})|{glued}" if alternation else glued, re.IGNORECASE)


def _grow_left(terms) -> re.Pattern | None:
    """One grammar word that may precede a spam phrase, ending where the phrase starts: a region or
    rank word, or Latin letters and digits glued on."""
    alternation = _alternation(terms["region"] | terms["rank"])
    glued = r"[A-Za-z][A-Za-z0-9]*"
    return re.compile(rf"(?:(?:{alternation})|{glued})$" if alternation else rf"{glued}$", re.IGNORECASE)


def _first_chars(*groups: frozenset[str]) -> re.Pattern | None:
    """A character class of the words' first characters (case-insensitive like the patterns);
    None when a group is empty, since an empty alternative lets a match start anywhere."""
    if not all(groups):
        return None
    firsts = sorted({w[0] for words in groups for w in words})
    return re.compile("[" + "".join(re.escape(c) for c in firsts) + "]", re.IGNORECASE)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The packaged lexicon, parsed on first use."""
    text = resources.files("pipelines.cleaning").joinpath("lexicon.txt").read_text(encoding="utf-8")
    return build(parse(text))
