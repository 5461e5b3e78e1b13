"""The metric catalogue (ids, labels, sections) and the concordance of templates."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from archive.diff.compare import compare_statistics
from archive.diff.model import Comparison, StatValue
from archive.metrics.catalogue import DERIVED, METRICS, SECTION_BY_ID, TEMPLATES, P, R, T, label, section_of
from archive.metrics.concordance import (
    BY_ID,
    CONCORDANCE,
    EXPLICIT,
    Relation,
    concept_for,
    measure_value,
    relation,
)
from pipelines.extract import extract_report
from pipelines.extract.stats_prose import NONE_RULES, PATTERNS
from pipelines.extract.stats_tables import (
    APPLICANT_HEADERS,
    APPLICATION_LEAVES,
    ITEM_COLUMNS,
    ITEM_ROWS,
    REVIEW_RESULT_HEADERS,
)
from tests.test_extract import FIXTURES, REVISED_TABLES, URL, load_fixture, page, rs_head

ROOT = Path(__file__).resolve().parent.parent


def emittable_ids() -> set[str]:
    """Every id the extractor's rules can produce, read from the rules themselves."""
    ids = {metric for metric, _ in PATTERNS} | {metric for metric, _, _ in NONE_RULES}
    ids |= {prefix + suffix for _, prefix, _ in ITEM_ROWS for _, suffix in ITEM_COLUMNS}
    applicants = {key for _, key in APPLICANT_HEADERS} | {"other_org"}
    rows = {row for _, row in APPLICATION_LEAVES} | {"applications_other_misc"}
    ids |= {f"{row}_{key}" if key else row for row in rows for key in applicants}
    ids |= {f"{group}_{result}" for group in ("review", "litigation", "litigation_after_review")
            for _, result in REVIEW_RESULT_HEADERS}
    # the table reader drops ids the catalogue does not know (e.g. rules_items_change); those are
    # never emitted, so they need no label
    return ids & set(METRICS) | {metric for metric, _ in PATTERNS} | {metric for metric, _, _ in NONE_RULES}


def test_every_emittable_id_has_labels_and_a_section():
    emitted = {s.metric for name in sorted(p.stem for p in FIXTURES.glob("*.html"))
               for s in load_fixture(name)[0].statistics}
    body = "<p>仁寿县向家镇2021年政府信息公开工作年度报告</p>" + REVISED_TABLES
    emitted |= {s.metric for s in extract_report(page(rs_head("2022年01月20日"), body), url=URL).statistics}
    ids = emittable_ids() | emitted
    assert emitted and emitted <= set(METRICS)
    missing = [i for i in sorted(ids) if i not in METRICS or not (METRICS[i].label_zh and METRICS[i].label_en)]
    assert not missing, missing
    assert all(METRICS[i].section in SECTION_BY_ID for i in ids)
    assert label("active_total") == "主动公开政府信息" and label("active_total", "en") == "Items disclosed proactively"
    assert label("applications_new_natural") == "本年新收政府信息公开申请数量（自然人）"
    assert label("review_maintained") == "行政复议：结果维持"
    assert section_of("litigation_all").zh == "政府信息公开行政复议、行政诉讼情况"
    assert label("not_a_metric") == "not_a_metric"


def test_labels_are_unique_and_never_an_id():
    entries = [*METRICS.values(), *DERIVED.values()]
    for lang in ("zh", "en"):
        names = [m.text(lang) for m in entries]
        assert len(names) == len(set(names)), lang
    assert not any("_" in m.label_zh or "_" in m.label_en for m in entries)


def test_archive_imports_nothing_from_pipelines_or_crawler():
    offenders = []
    for path in (ROOT / "archive").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in ("pipelines", "crawler")]
    assert not offenders


def test_concordance_covers_every_id_and_the_required_rows():
    read = {m for c in CONCORDANCE for measure in c.measures for m in measure.metrics}
    assert set(METRICS) <= read
    assert len({c.id for c in CONCORDANCE}) == len(CONCORDANCE)
    for concept in CONCORDANCE:
        templates = [m.template for m in concept.measures]
        assert templates == sorted(templates, key=TEMPLATES.index)
        for older, newer in zip(templates, templates[1:]):        # every step is marked
            assert any((link.older, link.newer) == (older, newer) for link in concept.links), concept.id
    required = ("active_total", "active_website", "active_offline", "applications_new", "applications_carried_in",
                "applications_granted", "applications_refused", "applications_carried_over", "review_total",
                "review_maintained", "litigation_total", "litigation_all", "applications_fees", "fees")
    assert all(r in BY_ID for r in required)
    kinds = {link.relation for c in EXPLICIT for link in c.links}
    assert kinds >= {Relation.SAME, Relation.RENAMED, Relation.NARROWER}


@pytest.mark.parametrize("concept, a, b, expected", [
    ("active_total", P, R, Relation.SAME),
    ("public_responses", P, R, Relation.RENAMED),        # 回应群众事件数 -> 回应群众关切, then unchanged
    ("licences", T, R, Relation.RENAMED),
    ("docs_in_force", T, R, Relation.NARROWER),          # 对外公开总数量 -> 现行有效件数
    ("docs_in_force", R, T, Relation.WIDER),             # read backwards
    ("litigation_total", P, T, Relation.NARROWER),       # prose counted every suit
    ("litigation_all", P, R, Relation.SAME),
    ("docs_issued", P, T, None),                         # no measure in the prose years
    ("fees", T, R, None),                                # trial counted fee items, revised states an amount
])
def test_relations_compose_across_templates(concept, a, b, expected):
    assert relation(BY_ID[concept], a, b) is expected


def test_measures_add_cells_and_fall_back_to_sub_rows():
    refused = BY_ID["applications_refused"].measure(T)
    subs = {m: 1 for m in refused.ways[1]}
    assert measure_value(refused, {"applications_refused": 4, **subs}) == (4, ("applications_refused",))
    assert measure_value(refused, subs)[0] == 8                      # no subtotal row: the eight sub-rows
    suits = BY_ID["litigation_all"].measure(R)
    assert measure_value(suits, {"litigation_total": 2}) is None     # half a sum is no figure
    assert measure_value(suits, {"litigation_total": 2, "litigation_after_review_total": 1})[0] == 3
    assert concept_for("docs_public_total").id == "docs_in_force"


def test_prose_to_trial_compares_every_figure_both_state():
    prose = [StatValue("active_total", 606), StatValue("public_responses", 4), StatValue("litigation_total", 1),
             StatValue("review_total", 0), StatValue("active_plans", 50)]
    trial = [StatValue("active_total", 702), StatValue("public_responses", 5), StatValue("litigation_total", 1),
             StatValue("litigation_after_review_total", 2), StatValue("review_total", 0), StatValue("docs_issued", 3)]
    rows = {r.metric: r for r in compare_statistics(prose, trial, from_template=P, to_template=T)}
    assert rows["active_total"].comparison is Comparison.COMPARABLE and rows["active_total"].delta == 96
    assert rows["public_responses"].relation == "renamed" and rows["public_responses"].from_wording == "回应群众事件数N条"
    assert (rows["litigation_all"].from_value, rows["litigation_all"].to_value) == (1, 3)
    assert rows["litigation_all"].comparison is Comparison.COMPARABLE
    assert rows["litigation_total"].comparison is Comparison.CHANGED_DEFINITION and rows["litigation_total"].note_zh
    assert rows["active_plans"].comparison is Comparison.DROPPED
    assert rows["docs_issued"].comparison is Comparison.NEW
    stated_both = [r for r in rows.values() if r.from_value is not None and r.to_value is not None]
    assert all(r.comparison in (Comparison.COMPARABLE, Comparison.CHANGED_DEFINITION) for r in stated_both)
    assert len(stated_both) == 5


def test_docs_list_every_explicit_pairing():
    doc = (ROOT / "docs" / "concordance.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in doc.splitlines() if line.startswith("| `")}
    for concept in EXPLICIT:
        assert concept.id in rows, concept.id
        assert ", ".join(link.relation.value for link in concept.links) in rows[concept.id], concept.id
    links = sum(len(c.links) for c in EXPLICIT)
    generated = [c for c in CONCORDANCE if c not in EXPLICIT]
    assert f"explicit, {len(EXPLICIT)} concepts, {links} links" in doc
    assert f"{len(generated)} concepts, {sum(len(c.links) for c in generated)} links, all `same`" in doc


def test_rows_are_named_as_the_report_words_them():
    trial = [StatValue("docs_public_total", 11), StatValue("rules_issued", 1)]
    rows = compare_statistics(trial, trial, from_template=T, to_template=T)
    assert [(r.metric, r.label_zh) for r in rows] == [("rules_issued", "规章：本年新制作数量"),
                                                      ("docs_in_force", "规范性文件：对外公开总数量")]
    prose = [StatValue("litigation_total", 1)]
    rows = compare_statistics(prose, prose, from_template=P, to_template=P)
    assert [(r.metric, r.label_zh) for r in rows] == [("litigation_total", "行政诉讼：总计")]   # one row, not two
