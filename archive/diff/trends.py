"""Trends through the concordance: each concept across a unit's report years (pure, no SQL).

Each year's figure is read with that year's template's measure of the concept, so a series runs on
across the 2019 and 2021 template changes; a year whose measure does not compare with the year
before (a changed definition) is listed in ``breaks``. Every point keeps the report version it
comes from (``PointSource``), for the citation its chart point links to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from archive.diff.model import PointSource, ReportSnapshot, TrendSeries
from archive.diff.stats import by_metric
from archive.metrics.catalogue import metric as catalogue_entry
from archive.metrics.concordance import COMPARABLE, CONCORDANCE, Concept, concept_for, measure_value, relation


def wanted_concepts(ids: Iterable[str] | None) -> list[Concept] | None:
    """The concepts named by metric or concept ids (None: all); unknown ids are left out."""
    if ids is None:
        return None
    found = [concept_for(i) for i in ids]
    return list({c.id: c for c in found if c is not None}.values())


def concept_series(reports: Sequence[tuple[str, ReportSnapshot]], *,
                   concepts: Sequence[Concept] | None = None) -> tuple[TrendSeries, ...]:
    """One series per (concept, unit) with at least one figure; ``reports`` are (unit name, the
    report chosen for one year of that unit) pairs. Ordered by concept (section order), then unit."""
    per_unit: dict[str, list[ReportSnapshot]] = {}
    for name, report in sorted(reports, key=lambda pair: (pair[0], pair[1].ref.report_year or 0)):
        if report.ref.report_year is not None:
            per_unit.setdefault(name, []).append(report)
    values = {id(r): {m: v.value for m, v in by_metric(r.statistics).items()}
              for rs in per_unit.values() for r in rs}
    read: dict[int, set[str]] = {key: set() for key in values}
    out: list[TrendSeries] = []
    for concept in concepts if concepts is not None else CONCORDANCE:
        entry = catalogue_entry(concept.id)
        for name, rs in per_unit.items():
            points, sources, breaks = [], [], []
            previous: str | None = None
            for report in rs:
                measure = concept.measure(report.ref.template)
                got = measure_value(measure, values[id(report)]) if measure else None
                if got is None:
                    continue
                year = report.ref.report_year
                read[id(report)].update(got[1])
                if previous is not None and relation(concept, previous, report.ref.template) not in COMPARABLE:
                    breaks.append(year)
                previous = report.ref.template
                points.append((year, _number(got[0])))
                sources.append(PointSource(year, report.ref, report.ref.template, got[1]))
            if points:
                out.append(TrendSeries(name, concept.id, entry.unit if entry else None, tuple(points),
                                       entry.label_zh if entry else concept.id, entry.label_en if entry else concept.id,
                                       entry.section if entry else "", tuple(sources), tuple(breaks)))
    if concepts is None:
        out += _unread(per_unit, values, read)
    return tuple(out)


def _unread(per_unit, values, read) -> list[TrendSeries]:
    """Figures no concept of their template reads (ids the catalogue does not know), by id."""
    out: dict[tuple[str, str], list] = {}
    for name, rs in per_unit.items():
        for report in rs:
            for metric_id, value in values[id(report)].items():
                if metric_id not in read[id(report)]:
                    out.setdefault((metric_id, name), []).append((report, value))
    series = []
    for (metric_id, name), found in sorted(out.items()):
        unit = next((s.unit for s in found[0][0].statistics if s.metric == metric_id), None)
        series.append(TrendSeries(name, metric_id, unit, tuple((r.ref.report_year, _number(v)) for r, v in found),
                                  metric_id, metric_id, "",
                                  tuple(PointSource(r.ref.report_year, r.ref, r.ref.template, (metric_id,))
                                        for r, _ in found)))
    return series


def _number(value: float) -> float:
    return int(value) if float(value).is_integer() else value
