"""Figures stated in prose (2016-2018 reports, and the overview paragraphs of later ones).

Each metric has strict patterns over one sentence (split at 。；! and line ends); the first match
wins. "None happened" sentences (本年度无依申请公开…, 没有…行政复议、行政诉讼…发生) give 0 only
when the sentence names the thing, says it did not happen, and states no count.
"""

from __future__ import annotations

import re

from pipelines.extract.dates import normalise_digits
from pipelines.extract.metrics import unit_of
from pipelines.extract.model import StatRow

_N = r"(?P<q0>约|近|共|计|共计)?(?P<n>\d+(?:\.\d+)?)\s*(?P<q>余|多)?\s*"
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_GAP = r"[^。；，,\d]{0,%d}?"

# metric -> patterns (each with named groups n and optionally q, q0)
PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("active_total", (rf"主动公开(?:政府)?信息(?:总数|共计|共)?为?{_N}条",
                      rf"主动公开(?:各类)?(?:政府)?信息(?:总数|共计|共)?为?{_N}条")),
    ("active_website", (rf"(?:通过|在)[^。；，\d]{{0,40}}?网站[^。；\d]{{0,40}}?(?:公开|发布)(?:政府)?(?:信息)?{_N}条",)),
    ("active_plans", (rf"规划计划类?(?:信息)?{_N}条",)),
    ("active_dynamics", (rf"动态(?:概况)?类?(?:信息)?{_N}条",)),
    ("active_public_opinion", (rf"社情民意类?(?:信息)?{_N}条",)),
    ("active_policy", (rf"政策(?:宣传|解读)?类(?:信息)?{_N}条", rf"政策宣传(?:信息)?{_N}条")),
    ("active_finance", (rf"(?:财经|财政(?:预决算)?)类?(?:信息)?{_N}条",)),
    ("active_other", (rf"(?<![等和及])其他类?信息{_N}条",)),
    ("active_offline", (rf"(?:方式|途径|渠道|载体)(?:和途径|和渠道)?公开(?:政府)?(?:信息)?{_N}条",)),
    ("public_responses", (rf"回应(?:群众|社会)?(?:事件数|关切|热点|咨询)[^。；，\d]{{0,8}}?{_N}(?:条|件|次)",)),
    ("applications_new", (rf"(?:收到|受理)[^。；，\d复诉]{{0,16}}?(?:公开申请|依申请公开[^。；，\d]{{0,10}}?申请){_N}(?:件|条|次|个)",)),
    ("meetings", (rf"召开[^。；，\d]{{0,30}}?会议?{_N}次", rf"召开[^。；，\d]{{0,30}}?会{_N}次")),
    ("trainings", (rf"(?:举办|开展|组织)[^。；，\d]{{0,20}}?培训(?:班|会)?{_N}(?:次|期|场)",)),
    ("trainees", (rf"培训(?:人数|人员)?(?:达|共)?{_N}(?:人次|人)",
                  rf"(?:参训|参加培训)(?:人数|人员)?(?:达|共)?{_N}(?:人次|人)")),
)
# metric -> a word every one of its patterns requires literally (outside any optional group): a
# sentence without it is not searched (an `in` test costs a fraction of a regex search)
KEYWORDS = {
    "active_total": "主动公开", "active_website": "网站", "active_plans": "规划计划", "active_dynamics": "动态",
    "active_public_opinion": "社情民意", "active_policy": "政策", "active_finance": "财", "active_other": "其他",
    "active_offline": "公开", "public_responses": "回应", "applications_new": "申请", "meetings": "召开",
    "trainings": "培训", "trainees": "训",
}
assert all(KEYWORDS[metric] in p for metric, pats in PATTERNS for p in pats)
COMPILED = tuple((metric, KEYWORDS[metric], tuple(re.compile(p) for p in pats)) for metric, pats in PATTERNS)
_DIGIT = re.compile(r"\d")

_NONE_WORDS = re.compile(r"无|没有|未(?:发生|收到|出现|产生|有)|零")
# (metric, what the sentence must name, what must not be there)
NONE_RULES: tuple[tuple[str, str, str], ...] = (
    ("applications_new", r"依申请公开|公开申请|申请公开", r"收费|复议|诉讼|说明"),
    ("review_total", r"行政复议", r"说明"),
    ("litigation_total", r"行政诉讼", r"说明"),
    ("applications_fees", r"收费", r"复议|诉讼"),
)
_QUALIFIERS = {"余": "more_than", "多": "more_than", "约": "about", "近": "about"}


def read_prose(text: str, *, template: str) -> list[StatRow]:
    text = normalise_digits(text)
    found: dict[str, StatRow] = {}
    sentences = [m.group(0) for m in _SENTENCE.finditer(text)]
    for sentence in sentences:
        if not _DIGIT.search(sentence):
            continue            # every pattern needs a figure (the ``n`` group of _N)
        for metric, keyword, patterns in COMPILED:
            if metric in found or keyword not in sentence:
                continue
            for pattern in patterns:
                match = pattern.search(sentence)
                if match:
                    found[metric] = StatRow(metric, _value(match["n"]), unit_of(metric), _qualifier(match),
                                            "prose", template)
                    break
    for sentence in sentences:
        if not _NONE_WORDS.search(sentence) or re.search(r"\d+\s*(?:件|起|次|条|元)", sentence):
            continue
        for metric, names, excluded in NONE_RULES:
            if metric in found or not re.search(names, sentence):
                continue
            if metric in ("applications_new", "applications_fees") and re.search(excluded, sentence):
                continue
            if not _says_none(sentence, names):
                continue
            found[metric] = StatRow(metric, 0, unit_of(metric), None, "prose", template)
    return list(found.values())


def _says_none(sentence: str, names: str) -> bool:
    """The negation governs the named thing: it stands before it, within the same clause."""
    name = re.search(names, sentence)
    for neg in _NONE_WORDS.finditer(sentence):
        if neg.start() < name.start() and not re.search("[，,]", sentence[neg.start(): name.start()]) \
                and name.start() - neg.end() <= 20:
            return True
    return False


def _value(raw: str) -> int | float:
    return float(raw) if "." in raw else int(raw)


def _qualifier(match: re.Match) -> str | None:
    for group in ("q", "q0"):
        word = match.groupdict().get(group)
        if word in _QUALIFIERS:
            return _QUALIFIERS[word]
    return None
