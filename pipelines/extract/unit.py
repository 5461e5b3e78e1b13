"""The reporting unit of a report: who published it, named as the report names it (pure).

A township's report, a county bureau's, a city sports bureau's and the county government's own
all sit in the same hub. Each place a page can name its unit (the visible title, the report title,
``meta ArticleTitle``, the ``本报告由…编制`` sentence, 发布机构, 来源, the listing column) gives a
candidate; candidates are normalised (``仁寿县向家镇人民政府`` -> ``向家镇``, ``文林街道办事处`` ->
``文林街道``, a department keeps its whole name) and vote with the weight of their place. A
candidate that carries betting or brand vocabulary (a unit name the hack replaced) never votes: the
unit comes from the other places, or stays None with a conflict recorded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pipelines.cleaning.lexicon import default_lexicon
from pipelines.extract.fields import township_in


class UnitKind(StrEnum):
    TOWNSHIP = "township"
    SUBDISTRICT = "subdistrict"
    DEPARTMENT = "department"
    GOVERNMENT = "government"
    ZONE = "zone"
    OTHER = "other"


#: kinds whose unit is also the report's ``township``
TOWNSHIP_KINDS = frozenset((UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT))

#: where a candidate was found -> its weight in the vote. Titles name the unit on purpose; 发布机构
#: and 来源 often name the portal that published the page, so they only decide when titles are silent.
WEIGHTS: dict[str, int] = {
    "title": 3, "visible-title": 3, "meta:ArticleTitle": 2, "body:本报告由": 2,
    "label:发布机构": 2, "label:来源": 1, "meta:ContentSource": 1, "title-tag": 1, "column": 1,
    "body:结合": 2, "body:name-line": 2,
}
#: places that speak first in the vote, and whose disagreement is a conflict (the others often name
#: the publisher or the compiler, not the author)
TITLE_PLACES = frozenset(("title", "visible-title", "meta:ArticleTitle"))
#: places that only count when what they name is recognisably a unit (not kind ``other``)
WEAK_PLACES = frozenset(("label:来源", "meta:ContentSource", "title-tag", "column", "body:name-line"))

MAX_NAME = 30          # longer "names" are sentences
MIN_NAME = 2
SPAM_CACHE = 4096      # readings whose name, kind and spam test are remembered (a site repeats a few)
OTHER_WEIGHT = 1       # a name of no known kind votes lightly, wherever it was found
# words of page chrome and report subjects, never in a unit's name
_NOT_A_NAME = re.compile(r"正文|详情|内容|当前位置|首页|信息公开|政务公开|报告|通知|公告|年报|栏目|列表")

_CJK_NAME = re.compile(r"^[\u4e00-\u9fff（）()]+$")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:自治县|自治州|省|市|州|县|区|旗)$")
_GOVERNMENT = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:省|市|州|县|区|旗)人民政府$")
_ZONE = re.compile(r"新区|开发区|高新区|园区|管委会|管理委员会|示范区|试验区")
_DEPARTMENT_END = re.compile(
    r"(?:局|委|委员会|办|办公室|中心|院|所|队|站|馆|厅|部|处|署|室|科|会|社|团|电视台|公司|集团|协会|联合会|法院|检察院|分局|支队|大队)$"
)
_TOWN_TAIL = re.compile(r"(?:人民政府|政府|办事处)$")
_TOWN_END = re.compile(r"(?:镇|乡|街道)$")
_NOT_TOWN_END = ("乡镇", "城乡", "村镇")
# a report title: [关于][year][unit][year][(政府)信息公开…|年度报告|工作报告]
_LEAD = re.compile(r"^(?:关于)?(?:(?:19|20)\d\d年度?)?")
_TITLE_CUT = re.compile(r"(?:19|20)\d\d年|政务公开|信息公开|年度报告|工作报告|工作年报|年报")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place's reading of the unit: the place (a provenance rule name) and its raw text."""

    place: str
    raw: str | None


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    kind: UnitKind
    rule: str          # the places that voted for it, joined by "+"
    raw: str           # the raw text of the strongest of them
    confidence: float


@lru_cache(maxsize=SPAM_CACHE)
def unit_kind(name: str) -> UnitKind:
    """The kind of a (normalised or raw) unit name."""
    base = _TOWN_TAIL.sub("", name)
    if base.endswith("街道"):
        return UnitKind.SUBDISTRICT
    if base.endswith(("镇", "乡")) and not base.endswith(_NOT_TOWN_END):
        return UnitKind.TOWNSHIP
    if _ZONE.search(name) and not _GOVERNMENT.match(name):
        return UnitKind.ZONE
    if _GOVERNMENT.match(name) or _PLACE.match(name):
        return UnitKind.GOVERNMENT
    if _DEPARTMENT_END.search(name):
        return UnitKind.DEPARTMENT
    return UnitKind.OTHER


@lru_cache(maxsize=SPAM_CACHE)
def normalise(name: str) -> str:
    """A unit name as it is filed: a township or subdistrict without county prefix and 人民政府
    (``仁寿县向家镇人民政府`` -> ``向家镇``), a bare county or city as its government
    (``仁寿县`` -> ``仁寿县人民政府``, ``仁寿县政府`` likewise), anything else whole."""
    name = re.sub(r"\s+", "", name).strip("：:，,。.、")
    kind = unit_kind(name)
    if kind in TOWNSHIP_KINDS:
        return township_in(_TOWN_TAIL.sub("", name)) or name
    if kind is UnitKind.GOVERNMENT:
        bare = re.sub(r"(?:人民)?政府$", "", name)
        return bare + "人民政府"
    return name


@lru_cache(maxsize=SPAM_CACHE)
def name_in_title(text: str | None) -> str | None:
    """The unit a report title names: ``仁寿县教育和体育局2021年政府信息公开工作年度报告`` ->
    ``仁寿县教育和体育局``, ``2020年度向家镇政府信息公开…`` -> ``向家镇政府``; a title that is only a
    name (``向家镇``) is that name. None when the title names no unit before its subject."""
    if not text:
        return None
    text = re.sub(r"\s+", "", text)
    rest = text[_LEAD.match(text).end():]
    cut = _TITLE_CUT.search(rest)
    name = rest[: cut.start()] if cut else rest
    name = name.removesuffix("关于").removesuffix("的")
    if name.endswith("人民政府政府"):
        name = name[:-2]
    elif name.endswith("政府") and not name.endswith("人民政府"):
        name = name[:-2]
    return name or None


#: the opening sentence's own words for the unit: 结合<unit>(2022年)政府信息公开(工作)情况/实际
_JOINED_WITH = re.compile(
    r"结合([\u4e00-\u9fff（）()]{2,30}?)(?:\d{4}年度?)?(?:政府信息公开|政务公开)(?:工作)?(?:情况|实际)"
)
NAME_LINES = 3          # leading body lines where a line holding only the unit's name is looked for


def names_in_body(lines: Sequence[str], *, limit: int = 12) -> tuple[str | None, str | None]:
    """Two places of the body that name the unit: the ``结合…政府信息公开情况`` sentence (in the
    first ``limit`` lines, as the 本报告由 sentence), and a leading line that is nothing but a
    unit's name (above a bare ``2022年…年度报告`` title line)."""
    joined = next((m[1] for line in lines[:limit] if (m := _JOINED_WITH.search(line))), None)
    alone = next((line.strip() for line in lines[:NAME_LINES]
                  if _is_name(line.strip()) and unit_kind(line.strip()) is not UnitKind.OTHER), None)
    return joined, alone


def _is_name(text: str) -> bool:
    return MIN_NAME <= len(text) <= MAX_NAME and bool(_CJK_NAME.match(text)) and not _NOT_A_NAME.search(text)


@lru_cache(maxsize=SPAM_CACHE)
def is_spam(text: str) -> bool:
    """Whether ``text`` carries betting or brand vocabulary (never a unit's name). The lexicon's
    alternations are long: its cheap first-character and core-word patterns are tried first, and
    answers are cached (a site's pages repeat the same few names)."""
    lexicon = default_lexicon()
    if (lexicon.known_start is None or lexicon.known_start.search(text)) and lexicon.known.search(text):
        return True
    if lexicon.shape_core is not None and not lexicon.shape_core.search(text):
        return False
    if lexicon.shape.search(text) is None:
        return False
    return not (lexicon.legit and lexicon.legit.search(text))


def _reading(candidate: Candidate) -> str | None:
    raw = (candidate.raw or "").strip()
    if not raw:
        return None
    if candidate.place in ("title", "visible-title", "meta:ArticleTitle", "title-tag", "column"):
        return name_in_title(raw)
    return re.sub(r"\s+", "", raw)


_LEVEL_START = ("县", "市", "区", "州", "省")


def _merge_truncated(votes: dict[str, list[Candidate]]) -> None:
    """A name that starts at its level word (县民政局) where another place gives the whole name
    (仁寿县民政局) lost its place name (a hack replaced it, cleaning removed the brand): its votes
    go to the whole name."""
    for name in [n for n in votes if n.startswith(_LEVEL_START)]:
        whole = [other for other in votes if other != name and other.endswith(name)]
        if len(whole) == 1:
            votes[whole[0]].extend(votes.pop(name))


def find_unit(candidates: Sequence[Candidate]) -> tuple[Unit | None, list[str]]:
    """The unit the candidates vote for, and the conflicts the vote met (rejected spam, titles
    naming different units)."""
    conflicts: list[str] = []
    votes: dict[str, list[Candidate]] = {}
    seen: set[str] = set()
    for candidate in candidates:
        reading = _reading(candidate)
        if not reading:
            continue
        if candidate.place in TITLE_PLACES:
            if candidate.raw in seen:                   # a title read in two places votes once
                continue
            seen.add(candidate.raw)
        if is_spam(reading):
            conflicts.append(f"unit: {candidate.place} {reading!r} carries spam vocabulary, not used")
            continue
        if not _is_name(reading):
            continue
        name = normalise(reading)
        if candidate.place in WEAK_PLACES and unit_kind(name) is UnitKind.OTHER:
            continue
        votes.setdefault(name, []).append(candidate)
    if not votes:
        if conflicts:
            conflicts.append("unit: no clean candidate left")
        return None, conflicts
    _merge_truncated(votes)
    order = list(votes)

    def weight(name: str, places=None) -> int:
        chosen = [c for c in votes[name] if places is None or c.place in places]
        if unit_kind(name) is UnitKind.OTHER:
            return OTHER_WEIGHT * len(chosen)
        return sum(WEIGHTS.get(c.place, 1) for c in chosen)

    # a recognisable unit before a name of no known kind; then what the titles say (a report names
    # its author in its title; 来源, 发布机构 and the 本报告由 sentence may name the office that
    # published or compiled it: 仁寿县人民政府办公室 for the county government's own report); then
    # every place; then the earlier place
    best = max(order, key=lambda name: (unit_kind(name) is not UnitKind.OTHER, weight(name, TITLE_PLACES),
                                        weight(name), -order.index(name)))
    for name in order:
        if name != best and any(c.place in TITLE_PLACES for c in votes[name]) \
                and any(c.place in TITLE_PLACES for c in votes[best]):
            conflicts.append(f"unit: {'+'.join(c.place for c in votes[best])} {best} vs "
                             f"{'+'.join(c.place for c in votes[name])} {name}")
    chosen = votes[best]
    strongest = max(chosen, key=lambda c: WEIGHTS.get(c.place, 1))
    confidence = min(0.99, 0.6 + 0.1 * weight(best))
    return Unit(best, unit_kind(best), "+".join(c.place for c in chosen), strongest.raw or best,
                round(confidence, 2)), conflicts
