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

CLASSES = ("brand", "weak", "term", "category", "channel", "strong", "legit", "legitstem", "host", "safehost")

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
    known: re.Pattern  # brand | term | weak + glue
    shape: re.Pattern  # unknown stem + category + channel, unknown stem + strong channel
    legit: re.Pattern | None
    # a category or strong word: every ``shape`` match holds one (a cheap test before ``shape``)
    shape_core: re.Pattern | None = None
    # the first characters of brand, term and weak words: where a ``known`` match can start
    known_start: re.Pattern | None = None
    # spans found per string (``detect.find_spam``): pages of one site repeat their nav and footer
    spans: dict = field(default_factory=dict, compare=False, repr=False)

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
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


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
    cjk = r"[\u4e00-\u9fff]"
    latin = r"[A-Za-z][A-Za-z0-9]{1,11}"
    brand = _alternation(terms["brand"] | terms["term"])
    weak = _alternation(terms["weak"])
    category = _alternation(terms["category"])
    channel = _alternation(terms["channel"])
    strong = _alternation(terms["strong"])
    tail = rf"(?:(?:{category})?(?:{channel}){{0,2}})"
    known = rf"(?:{brand}){tail}|(?:{weak})(?:(?:{category})(?:{channel}){{0,2}}|(?:{channel}){{1,2}}|[A-Za-z]{{2,}})"
    shape = (
        rf"{latin}(?:{category})(?:{channel}){{0,2}}"
        rf"|(?P<stem>{cjk}{{2}})(?:(?:{category})(?:{channel}){{1,2}}|(?:{strong})(?:{channel})?)"
    )
    legit = re.compile(_alternation(terms["legit"]), re.IGNORECASE) if terms["legit"] else None
    return Lexicon(
        terms=terms,
        known=re.compile(known, re.IGNORECASE),
        shape=re.compile(shape, re.IGNORECASE),
        legit=legit,
        shape_core=re.compile(rf"{category}|{strong}", re.IGNORECASE),
        known_start=_first_chars(terms["brand"] | terms["term"], terms["weak"]),
    )


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
