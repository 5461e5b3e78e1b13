"""Which figures measure the same thing across the prose years (2016-2018), the 2019 trial template
and the 2021 revised template (国办公开办函〔2021〕30号): one ``Concept`` per row a reader compares.

A concept names, for each template that has it, how that template states it (``Measure``: the
metric ids to add up, first way the report states in full wins, and the template's own words),
and, between each template and the next one that has it, how the newer measure relates to the
older one (``Link``):

- ``same``: the same count in the same words (a prose figure and a table cell count alike);
- ``renamed``: the same count under other words (处理决定数量 -> 本年处理决定数量);
- ``narrower``: the newer measure counts a part of what the older one counted;
- ``wider``: the newer measure counts more than the older one did.

``same`` and ``renamed`` compare; ``narrower`` and ``wider`` are a changed definition. A concept
with no measure in a template is new in a later one, or dropped. Explicit concepts cover the rows
whose words or meaning change between templates (docs/concordance.md explains each); every other
metric of the catalogue is its own concept, ``same`` in every template that carries it (its words
are identical in both table templates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from archive.metrics.catalogue import DERIVED, METRICS, SECTIONS, TEMPLATES, P, R, T, metric


class Relation(StrEnum):
    SAME = "same"
    RENAMED = "renamed"
    NARROWER = "narrower"
    WIDER = "wider"


COMPARABLE = frozenset({Relation.SAME, Relation.RENAMED})
_INVERSE = {Relation.NARROWER: Relation.WIDER, Relation.WIDER: Relation.NARROWER}


@dataclass(frozen=True, slots=True)
class Measure:
    template: str
    ways: tuple[tuple[str, ...], ...]   # metric ids added up; the first way stated in full wins
    wording: str                        # the template's own words for the row

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for way in self.ways for m in way))


@dataclass(frozen=True, slots=True)
class Link:
    older: str
    newer: str
    relation: Relation
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True, slots=True)
class Concept:
    id: str                       # a catalogue id (emitted or derived): its labels and section
    measures: tuple[Measure, ...]
    links: tuple[Link, ...] = ()

    @property
    def section(self) -> str:
        entry = metric(self.id)
        return entry.section if entry else ""

    def measure(self, template: str | None) -> Measure | None:
        return next((m for m in self.measures if m.template == template), None)


def _m(template: str, wording: str, *ways: tuple[str, ...] | str) -> Measure:
    return Measure(template, tuple((w,) if isinstance(w, str) else w for w in ways), wording)


def _same_all(concept_id: str, *wordings: tuple[str, str], links: tuple[Link, ...] = ()) -> Concept:
    """A concept measured by its own id in each given (template, wording); unlinked steps are ``same``."""
    measures = tuple(_m(t, w, concept_id) for t, w in wordings)
    given = {(link.older, link.newer) for link in links}
    steps = tuple(Link(a.template, b.template, Relation.SAME) for a, b in zip(measures, measures[1:])
                  if (a.template, b.template) not in given)
    return Concept(concept_id, measures, links + steps)


_REFUSED = tuple(f"applications_refused_{k}" for k in (
    "state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs", "process_info",
    "enforcement_files", "query_matters"))
_UNAVAILABLE = tuple(f"applications_unavailable_{k}" for k in ("not_held", "needs_creation", "unclear"))
_NOT_PROCESSED = tuple(f"applications_not_processed_{k}" for k in (
    "complaint", "repeat", "publication", "mass_repeat", "confirmation"))
_OTHER = ("applications_other_no_correction", "applications_other_unpaid_fee", "applications_other_misc")

EXPLICIT: tuple[Concept, ...] = (
    # 主动公开: totals and channels, stated in prose in every template
    _same_all("active_total", (P, "主动公开政府信息N条"), (T, "总体情况：主动公开政府信息N条"),
              (R, "总体情况：主动公开政府信息N条"), links=(
        Link(P, T, Relation.SAME, "2019年起此数不在表格中，仍在总体情况中以文字给出。",
             "From 2019 the figure is not in a table; the overview still states it in prose."),)),
    _same_all("active_website", (P, "其中通过政府网站公开信息N条"), (T, "其中在政府网站发布N条"),
              (R, "其中在政府网站发布N条")),
    _same_all("active_offline", (P, "通过公开栏等方式公开信息N条"), (T, "通过公开栏等线下渠道公开N条"),
              (R, "通过公开栏等线下渠道公开N条")),
    # 回应、会议和培训
    _same_all("public_responses", (P, "回应群众事件数N条"), (T, "回应群众关切N条"), (R, "回应群众关切N条"), links=(
        Link(P, T, Relation.RENAMED, "文字报告称“回应群众事件数”，2019年起称“回应群众关切”。",
             "Prose reports say 回应群众事件数; from 2019 回应群众关切."),)),
    # 第二十条第（一）项
    Concept("rules_issued", (_m(T, "规章：本年新制作数量", "rules_issued"), _m(R, "规章：本年制发件数", "rules_issued")),
            (Link(T, R, Relation.RENAMED, "列名“本年新制作数量”改为“本年制发件数”。",
                  "Column 本年新制作数量 became 本年制发件数."),)),
    Concept("rules_in_force", (_m(T, "规章：对外公开总数量", "rules_public_total"),
                               _m(R, "规章：现行有效件数", "rules_in_force")),
            (Link(T, R, Relation.NARROWER, "“对外公开总数量”含历年公开、已废止的规章；“现行有效件数”只计仍有效的。",
                  "对外公开总数量 counted every rule ever published, repealed ones too; 现行有效件数 only those in force."),)),
    Concept("docs_issued", (_m(T, "规范性文件：本年新制作数量", "docs_issued"),
                            _m(R, "行政规范性文件：本年制发件数", "docs_issued")),
            (Link(T, R, Relation.RENAMED, "行名“规范性文件”改为“行政规范性文件”，列名“本年新制作数量”改为“本年制发件数”。",
                  "Row 规范性文件 became 行政规范性文件; column 本年新制作数量 became 本年制发件数."),)),
    Concept("docs_in_force", (_m(T, "规范性文件：对外公开总数量", "docs_public_total"),
                              _m(R, "行政规范性文件：现行有效件数", "docs_in_force")),
            (Link(T, R, Relation.NARROWER, "“对外公开总数量”含历年公开、已废止的文件；“现行有效件数”只计仍有效的。",
                  "对外公开总数量 counted every document ever published; 现行有效件数 only those in force."),)),
    # 第二十条第（五）（六）项: the decision counts keep their meaning, the column gains 本年
    *(Concept(cid, (_m(T, f"{row}：处理决定数量", cid), _m(R, f"{row}：本年处理决定数量", cid)),
              (Link(T, R, Relation.RENAMED, "列名“处理决定数量”改为“本年处理决定数量”。",
                    "Column 处理决定数量 became 本年处理决定数量."),))
      for cid, row in (("licences", "行政许可"), ("penalties", "行政处罚"), ("compulsions", "行政强制"))),
    # 收到和处理政府信息公开申请情况
    _same_all("applications_new", (P, "收到政府信息公开申请N件"), (T, "本年新收政府信息公开申请数量（总计）"),
              (R, "本年新收政府信息公开申请数量（总计）"), links=(
        Link(P, T, Relation.SAME, "文字报告的“收到申请N件”即表格的“本年新收”总计。",
             "The prose count of applications received is the table's 本年新收 total."),)),
    Concept("applications_refused", (_m(T, "（三）不予公开", "applications_refused", _REFUSED),
                                     _m(R, "（三）不予公开", "applications_refused", _REFUSED)),
            (Link(T, R, Relation.SAME, "表格没有小计行时，为八个子项之和。",
                  "Where the table has no subtotal row, the sum of its eight sub-rows."),)),
    Concept("applications_unavailable", (_m(T, "（四）无法提供", "applications_unavailable", _UNAVAILABLE),
                                         _m(R, "（四）无法提供", "applications_unavailable", _UNAVAILABLE)),
            (Link(T, R, Relation.SAME),)),
    Concept("applications_not_processed", (_m(T, "（五）不予处理", "applications_not_processed", _NOT_PROCESSED),
                                           _m(R, "（五）不予处理", "applications_not_processed", _NOT_PROCESSED)),
            (Link(T, R, Relation.SAME),)),
    Concept("applications_other_handling", (_m(T, "（六）其他处理", "applications_other_handling"),
                                            _m(R, "（六）其他处理（三个子项之和）", "applications_other_handling", _OTHER)),
            (Link(T, R, Relation.SAME, "2021年修订格式把“其他处理”分为三个子项，此处取其和。",
                  "The 2021 template splits 其他处理 into three sub-rows; their sum is used."),)),
    # 行政复议、行政诉讼
    _same_all("review_total", (P, "因政府信息公开申请行政复议N件"), (T, "行政复议：总计"), (R, "行政复议：总计")),
    Concept("litigation_total", (_m(P, "因政府信息公开提起行政诉讼N件", "litigation_total"),
                                 _m(T, "行政诉讼（未经复议直接起诉）：总计", "litigation_total"),
                                 _m(R, "行政诉讼（未经复议直接起诉）：总计", "litigation_total")),
            (Link(P, T, Relation.NARROWER, "文字报告的行政诉讼数含复议后起诉的；2019年起此行只计未经复议直接起诉的。"
                  "两者之和见“行政诉讼：总计（直接起诉与复议后起诉合计）”。",
                  "Prose reports count every lawsuit; from 2019 this row counts only suits filed without "
                  "reconsideration. The all-suits total is its own row."),
             Link(T, R, Relation.SAME))),
    Concept("litigation_all", (_m(P, "因政府信息公开提起行政诉讼N件", "litigation_total"),
                               _m(T, "行政诉讼：未经复议直接起诉总计 + 复议后起诉总计",
                                  ("litigation_total", "litigation_after_review_total")),
                               _m(R, "行政诉讼：未经复议直接起诉总计 + 复议后起诉总计",
                                  ("litigation_total", "litigation_after_review_total"))),
            (Link(P, T, Relation.SAME, "表格分两组列出行政诉讼，两组总计之和即文字报告的行政诉讼数。",
                  "The table splits lawsuits in two groups; their totals add up to the prose count."),
             Link(T, R, Relation.SAME))),
)


def _absorbed(concepts: tuple[Concept, ...]) -> frozenset[str]:
    """Ids another concept stands for on its own (对外公开总数量 is the trial side of 现行有效件数)."""
    return frozenset(way[0] for c in concepts for m in c.measures for way in m.ways
                     if len(way) == 1 and way[0] != c.id)


def _build() -> tuple[Concept, ...]:
    explicit = {c.id: c for c in EXPLICIT}
    absorbed = _absorbed(EXPLICIT)
    order = {m: i for i, m in enumerate([*METRICS, *DERIVED])}
    concepts = list(EXPLICIT)
    for metric_id, entry in METRICS.items():
        if metric_id in explicit or metric_id in absorbed:
            continue
        concepts.append(_same_all(metric_id, *((t, entry.label_zh) for t in TEMPLATES if t in entry.templates)))
    sections = {s.id: i for i, s in enumerate(SECTIONS)}
    return tuple(sorted(concepts, key=lambda c: (sections.get(c.section, len(sections)), order[c.id])))


CONCORDANCE: tuple[Concept, ...] = _build()
BY_ID: dict[str, Concept] = {c.id: c for c in CONCORDANCE}
# every emitted id -> the concepts that read it (most ids: one, their own)
CONCEPTS_OF: dict[str, tuple[str, ...]] = {}
for _c in CONCORDANCE:
    for _id in dict.fromkeys(m for measure in _c.measures for m in measure.metrics):
        CONCEPTS_OF[_id] = (*CONCEPTS_OF.get(_id, ()), _c.id)


def concept_for(metric_id: str) -> Concept | None:
    """The concept a metric id names: its own, or the one it stands for (``docs_public_total``)."""
    if metric_id in BY_ID:
        return BY_ID[metric_id]
    owners = CONCEPTS_OF.get(metric_id, ())
    return BY_ID[owners[0]] if owners else None


def _compose(first: Relation | None, second: Relation | None) -> Relation | None:
    if first is None or second is None:
        return None
    if first in COMPARABLE and second in COMPARABLE:
        return Relation.RENAMED if Relation.RENAMED in (first, second) else Relation.SAME
    if first in COMPARABLE:
        return second
    if second in COMPARABLE or first == second:
        return first
    return None                      # narrower then wider: nothing can be said


def relation(concept: Concept, from_template: str | None, to_template: str | None) -> Relation | None:
    """How ``to_template``'s measure relates to ``from_template``'s; None when they do not pair
    (one template lacks the concept, or a step between them has no link)."""
    if concept.measure(from_template) is None or concept.measure(to_template) is None:
        return None
    if from_template == to_template:
        return Relation.SAME
    rank = {t: i for i, t in enumerate(TEMPLATES)}
    if from_template not in rank or to_template not in rank:
        return None
    older, newer = sorted((from_template, to_template), key=rank.__getitem__)
    present = [m.template for m in concept.measures if rank[older] <= rank.get(m.template, -1) <= rank[newer]]
    links = {(link.older, link.newer): link.relation for link in concept.links}
    result: Relation | None = Relation.SAME
    for a, b in zip(present, present[1:]):
        result = _compose(result, links.get((a, b)))
    if result is not None and rank[from_template] > rank[to_template]:
        result = _INVERSE.get(result, result)
    return result


def notes(concept: Concept, from_template: str | None, to_template: str | None) -> tuple[str, str]:
    """The (zh, en) notes of every link crossed between the two templates."""
    rank = {t: i for i, t in enumerate(TEMPLATES)}
    if from_template not in rank or to_template not in rank or from_template == to_template:
        return "", ""
    low, high = sorted((rank[from_template], rank[to_template]))
    crossed = [link for link in concept.links if low <= rank[link.older] and rank[link.newer] <= high]
    return (" ".join(link.note_zh for link in crossed if link.note_zh),
            " ".join(link.note_en for link in crossed if link.note_en))


def measure_value(measure: Measure, values: Mapping[str, float]) -> tuple[float, tuple[str, ...]] | None:
    """The figure a report states for ``measure`` (the sum over its first fully stated way) and the
    ids it came from; None when no way is stated in full."""
    for way in measure.ways:
        if all(m in values for m in way):
            return sum(values[m] for m in way), way
    return None
