"""Typed values shared by every diff: report snapshots in, one ``DiffResult`` out.

All diffs have the same shape, ``(a, b) -> DiffResult``; the loading side (``load.py``) builds
the ``ReportSnapshot`` values and the renderers (``render_text``, ``render_html``, ``to_json``)
only read the result. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Op(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


class Presence(StrEnum):
    BOTH = "both"
    FROM_ONLY = "from_only"
    TO_ONLY = "to_only"


class Comparison(StrEnum):
    """What a statistics row of a diff can say, read through the concordance."""

    COMPARABLE = "comparable"                  # both reports state it, measured alike
    CHANGED_DEFINITION = "changed_definition"  # both state it, but the template measures it otherwise
    NEW = "new"                                # only the "to" report's template has it
    DROPPED = "dropped"                        # only the "from" report's template has it
    ONE_SIDE = "one_side"                      # both templates have it, one report does not state it


class DiffKind(StrEnum):
    YEARS = "years"        # one township, two report years
    CAPTURES = "captures"  # one page, two versions


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """Where the bytes of a version sit: the WARC citation."""

    url: str
    fetched_at: str | None       # ISO 8601, UTC
    warc_filename: str | None
    warc_offset: int | None
    warc_record_id: str | None


@dataclass(frozen=True, slots=True)
class ReportRef:
    township: str | None
    report_year: int | None
    url: str
    version_no: int
    title: str | None
    published_date: str | None   # ISO date
    template: str | None         # from the statistics rows, when any
    capture: CaptureRef | None
    unit: str | None = None      # the reporting unit the report is filed under

    @property
    def name(self) -> str | None:
        """What to call the report's author: its reporting unit, else its township."""
        return self.unit or self.township


@dataclass(frozen=True, slots=True)
class StatValue:
    metric: str
    value: float
    unit: str | None = None
    qualifier: str | None = None
    section: str | None = None
    template: str | None = None


#: ``FindingRef.action`` of a span the cleaner suspected but left in place (the stored value,
#: ``archive.sql.models.SUSPECTED``): shown, never counted as spam removed or restored.
SUSPECTED = "suspected"


@dataclass(frozen=True, slots=True)
class FindingRef:
    kind: str
    field: str
    text: str
    replacement: str | None
    action: str


@dataclass(frozen=True, slots=True)
class ReportSnapshot:
    """Everything a diff needs about one report version."""

    ref: ReportRef
    text: str                                    # clean text
    statistics: tuple[StatValue, ...] = ()
    fields: tuple[tuple[str, str | None], ...] = ()   # (name, value as text), fixed order
    findings: tuple[FindingRef, ...] = ()


@dataclass(frozen=True, slots=True)
class StatChange:
    metric: str
    from_value: float | None
    to_value: float | None
    delta: float | None
    pct: float | None            # percent, None when from is 0 or missing
    unit: str | None
    presence: Presence
    # read through the concordance (archive.metrics): the row is a concept; defaults keep the
    # plain id join of ``stats.diff_statistics`` valid
    label_zh: str = ""
    label_en: str = ""
    section: str = ""
    comparison: Comparison = Comparison.COMPARABLE
    relation: str | None = None               # same | renamed | narrower | wider
    from_metrics: tuple[str, ...] = ()        # the ids the "from" figure adds up
    to_metrics: tuple[str, ...] = ()
    from_wording: str = ""                    # how each report's template words the row
    to_wording: str = ""
    note_zh: str = ""
    note_en: str = ""

    @property
    def zero(self) -> bool:
        """Zero on both sides, or stated on one side only and zero there."""
        return all(v == 0 for v in (self.from_value, self.to_value) if v is not None)

    def label(self, lang: str = "zh") -> str:
        return (self.label_en if lang == "en" else self.label_zh) or self.metric


@dataclass(frozen=True, slots=True)
class SentenceRow:
    """One aligned row: a sentence pair (or a lone sentence) and its character-level ops."""

    ops: tuple[tuple[Op, str], ...]

    @property
    def changed(self) -> bool:
        return any(op is not Op.EQUAL for op, _ in self.ops)


@dataclass(frozen=True, slots=True)
class SectionDiff:
    from_heading: str | None
    to_heading: str | None
    similarity: float
    rows: tuple[SentenceRow, ...]

    @property
    def ops(self) -> tuple[tuple[Op, str], ...]:
        """The rows' ops flattened, adjacent ops of one kind merged."""
        merged: list[tuple[Op, str]] = []
        for row in self.rows:
            for op, text in row.ops:
                if merged and merged[-1][0] is op:
                    merged[-1] = (op, merged[-1][1] + text)
                else:
                    merged.append((op, text))
        return tuple(merged)

    @property
    def changed(self) -> bool:
        return self.from_heading != self.to_heading or any(r.changed for r in self.rows)


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    from_value: str | None
    to_value: str | None
    red_flag: bool               # e.g. a changed publication date


@dataclass(frozen=True, slots=True)
class FindingChange:
    finding: FindingRef
    change: str                  # "appeared" | "vanished"


@dataclass(frozen=True, slots=True)
class DiffResult:
    kind: DiffKind
    a: ReportRef
    b: ReportRef
    statistics: tuple[StatChange, ...]
    sections: tuple[SectionDiff, ...]
    similarity: float            # 0..1 over the normalised texts
    fields: tuple[FieldChange, ...] = ()
    findings: tuple[FindingChange, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def red_flags(self) -> tuple[FieldChange, ...]:
        return tuple(f for f in self.fields if f.red_flag)


def ref_json(ref: ReportRef) -> dict[str, Any]:
    capture = ref.capture
    return {
        "unit": ref.unit,
        "township": ref.township,
        "report_year": ref.report_year,
        "url": ref.url,
        "version": ref.version_no,
        "title": ref.title,
        "published_date": ref.published_date,
        "template": ref.template,
        "capture": None if capture is None else {
            "url": capture.url,
            "fetched_at": capture.fetched_at,
            "warc_filename": capture.warc_filename,
            "warc_offset": capture.warc_offset,
            "warc_record_id": capture.warc_record_id,
        },
    }


def stat_json(s: StatChange) -> dict[str, Any]:
    return {"metric": s.metric, "from": s.from_value, "to": s.to_value, "delta": s.delta, "pct": s.pct,
            "unit": s.unit, "presence": s.presence.value, "label_zh": s.label_zh or s.metric,
            "label_en": s.label_en or s.metric, "section": s.section or None, "comparison": s.comparison.value,
            "relation": s.relation, "from_metrics": list(s.from_metrics), "to_metrics": list(s.to_metrics),
            "wording": {"from": s.from_wording or None, "to": s.to_wording or None},
            "note_zh": s.note_zh or None, "note_en": s.note_en or None}


def to_json(result: DiffResult) -> dict[str, Any]:
    """The stable JSON shape documented in docs/diff.md."""
    return {
        "kind": result.kind.value,
        "from": ref_json(result.a),
        "to": ref_json(result.b),
        "statistics": [stat_json(s) for s in result.statistics],
        "sections": [
            {"from_heading": s.from_heading, "to_heading": s.to_heading,
             "similarity": round(s.similarity, 4),
             "ops": [[op.value, text] for op, text in s.ops]}
            for s in result.sections
        ],
        "similarity": round(result.similarity, 4),
        "fields": [
            {"name": f.name, "from": f.from_value, "to": f.to_value, "red_flag": f.red_flag}
            for f in result.fields
        ],
        "findings": [
            {"change": c.change, "kind": c.finding.kind, "field": c.finding.field,
             "text": c.finding.text, "replacement": c.finding.replacement, "action": c.finding.action}
            for c in result.findings
        ],
        "warnings": list(result.warnings),
    }


@dataclass(frozen=True, slots=True)
class PointSource:
    """Where one point of a trend comes from: the report version, its template and ids."""

    year: int
    ref: ReportRef
    template: str | None
    metrics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TrendSeries:
    """One metric of one township across report years."""

    township: str
    metric: str
    unit: str | None
    points: tuple[tuple[int, float], ...]   # (report year, value), years ascending
    label_zh: str = ""
    label_en: str = ""
    section: str = ""
    sources: tuple[PointSource, ...] = ()   # one per point, same order, when read through the concordance
    breaks: tuple[int, ...] = ()            # years whose figure is measured otherwise than the year before

    def label(self, lang: str = "zh") -> str:
        return (self.label_en if lang == "en" else self.label_zh) or self.metric
