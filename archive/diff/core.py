"""The diff itself: ``diff_reports(a, b) -> DiffResult``, pure over two report snapshots."""

from __future__ import annotations

from collections.abc import Mapping

from archive.diff.model import (
    DiffKind,
    DiffResult,
    FieldChange,
    FindingChange,
    ReportSnapshot,
)
from archive.diff.compare import compare_statistics
from archive.diff.text import diff_texts

# A changed publication date on an already-published report is the classic silent back-dating.
RED_FLAG_FIELDS = frozenset({"published_date", "published_at", "report_year", "period_start", "period_end"})


def diff_reports(a: ReportSnapshot, b: ReportSnapshot, *, kind: DiffKind = DiffKind.YEARS,
                 aliases: Mapping[str, str] | None = None,
                 red_flag_fields: frozenset[str] = RED_FLAG_FIELDS) -> DiffResult:
    """Compare two report versions: statistics (through the concordance of templates), aligned text,
    and (for captures) fields and spam."""
    sections, similarity = diff_texts(a.text, b.text)
    fields: tuple[FieldChange, ...] = ()
    findings: tuple[FindingChange, ...] = ()
    if kind is DiffKind.CAPTURES:
        fields = diff_fields(a, b, red_flag_fields=red_flag_fields)
        findings = diff_findings(a, b)
    warnings = []
    if kind is DiffKind.YEARS and a.ref.template and b.ref.template and a.ref.template != b.ref.template:
        warnings.append(f"template changed: {a.ref.template} -> {b.ref.template}")
    return DiffResult(
        kind=kind,
        a=a.ref,
        b=b.ref,
        statistics=compare_statistics(a.statistics, b.statistics, from_template=a.ref.template,
                                      to_template=b.ref.template, aliases=aliases),
        sections=sections,
        similarity=similarity,
        fields=fields,
        findings=findings,
        warnings=tuple(warnings),
    )


def diff_fields(a: ReportSnapshot, b: ReportSnapshot, *,
                red_flag_fields: frozenset[str] = RED_FLAG_FIELDS) -> tuple[FieldChange, ...]:
    left, right = dict(a.fields), dict(b.fields)
    names = list(left) + [n for n in right if n not in left]
    return tuple(
        FieldChange(name, left.get(name), right.get(name),
                    red_flag=name in red_flag_fields and left.get(name) is not None)
        for name in names if left.get(name) != right.get(name)
    )


def diff_findings(a: ReportSnapshot, b: ReportSnapshot) -> tuple[FindingChange, ...]:
    def key(f):
        return (f.kind, f.field, f.text, f.replacement)

    before = {key(f): f for f in a.findings}
    after = {key(f): f for f in b.findings}
    return tuple(
        [FindingChange(f, "vanished") for k, f in before.items() if k not in after]
        + [FindingChange(f, "appeared") for k, f in after.items() if k not in before]
    )
