"""The library calls behind ``gongkai diff``, ``trends``, ``similar`` and ``dossier``: a session in,
typed values out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from archive.diff.core import diff_reports
from archive.diff.dossier import Dossier, page_history
from archive.diff.load import (
    DiffLookupError,
    latest_versions,
    page_snapshots,
    snapshot,
    unit_versions,
    year_reports,
    year_snapshot,
    no_reports,
    filed_name,
)
from archive.diff.model import DiffKind, DiffResult, TrendSeries
from archive.diff.similar import SimilarDoc, SimilarResult, find_similar
from archive.diff.trends import concept_series, wanted_concepts
from archive.sql import queries
from archive.sql.engine import Session

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DiffReport:
    result: DiffResult
    trends: tuple[TrendSeries, ...]   # the township's series for the compared metrics (charts)


def archived_years(session: Session, township: str | None, *, unit: str | None = None) -> list[int]:
    versions = latest_versions(session, unit=unit) if unit is not None else latest_versions(session, township=township)
    return sorted({v.report_year for v in versions if v.report_year is not None})


def diff_years(session: Session, township: str | None, from_year: int | None = None,
               to_year: int | None = None, *, unit: str | None = None) -> DiffReport:
    """The report of ``unit`` (else ``township``) for ``from_year`` against ``to_year`` (default:
    its last two years)."""
    name = unit if unit is not None else township
    if from_year is None or to_year is None:
        years = archived_years(session, township, unit=unit)
        if not years:
            year_snapshot(session, township, to_year or from_year or 0, unit=unit)   # raises with a hint
        if to_year is None:
            to_year = years[-1]
        if from_year is None:
            earlier = [y for y in years if y < to_year]
            if not earlier:
                raise DiffLookupError(f"no report of {name} before {to_year}; pass --from-year")
            from_year = earlier[-1]
    a = year_snapshot(session, township, from_year, unit=unit)
    b = year_snapshot(session, township, to_year, unit=unit)
    result = diff_reports(a, b, kind=DiffKind.YEARS)
    return DiffReport(result, _charted(session, b.ref.name, result))


def _charted(session: Session, name: str | None, result: DiffResult) -> tuple[TrendSeries, ...]:
    """The series (through the concordance) of the concepts a diff shows, of the unit filed as ``name``."""
    metrics = [s.metric for s in result.statistics]
    if not metrics or name is None:
        return ()
    return concept_series(year_reports(session, townships=[name]), concepts=wanted_concepts(metrics))


def diff_page(session: Session, url: str, from_spec: str | None = None,
              to_spec: str | None = None) -> DiffReport:
    """Two captured versions of one page (default: its last two)."""
    a, b = page_snapshots(session, url, from_spec, to_spec)
    result = diff_reports(a, b, kind=DiffKind.CAPTURES)
    return DiffReport(result, _charted(session, b.ref.name, result))


def trends(session: Session, *, townships: Sequence[str] | None, metrics: Sequence[str] | None = None,
           units: Sequence[str] | None = None) -> tuple[TrendSeries, ...]:
    """Every metric (or ``metrics``: metric or concordance ids) across the archived years of
    ``units`` or ``townships`` (both None: every unit), read through the concordance of templates."""
    known = queries.known_units(session) if units is not None else queries.known_townships(session)
    for name in (units if units is not None else townships) or ():
        if name not in known:
            raise no_reports(session, name, unit=units is not None)
    reports = year_reports(session, townships=units if units is not None else townships)
    concepts = wanted_concepts(metrics) if metrics else None
    series = concept_series(reports, concepts=concepts)
    found = {s.metric for s in series}
    missing = [m for m in metrics or () if not ({m} | {c.id for c in wanted_concepts([m]) or ()}) & found]
    if missing:
        have = sorted({s.metric for s in concept_series(reports)})
        raise DiffLookupError(f"no figures for metric(s) {', '.join(missing)}; archived metrics: "
                              f"{', '.join(have[:20]) or 'none'}")
    return series


def similar_reports(session: Session, *, year: int | None = None, township: str | None = None,
                    threshold: float = 0.25, unit: str | None = None) -> SimilarResult:
    """Copy-paste candidates among the newest version of every report (each filed under its unit);
    the whole corpus sets the boilerplate, ``year``/``unit``/``township`` only choose whose
    neighbours are reported."""
    docs = _similar_docs(session)
    name = unit if unit is not None else township
    if name is not None and name not in {d.township for d in docs}:
        raise DiffLookupError(f"no reports for {'unit' if unit is not None else 'township'} {name!r}")
    if year is not None and year not in {d.year for d in docs}:
        years = sorted({d.year for d in docs if d.year is not None})
        raise DiffLookupError(f"no reports for {year}; archived years: {', '.join(map(str, years)) or 'none'}")

    def subject(doc: SimilarDoc) -> bool:
        return (year is None or doc.year == year) and (name is None or doc.township == name)

    return find_similar(docs, threshold=threshold, subject=subject)


def _similar_docs(session: Session) -> list[SimilarDoc]:
    """The newest version of every report, as the copy-paste detector reads it."""
    return [SimilarDoc(v.id, filed_name(v), v.report_year, v.page.url, v.clean_text or "")
            for v in latest_versions(session)]


def build_dossier(session: Session, *, township: str | None = None, unit: str | None = None,
                  threshold: float = 0.25) -> Dossier:
    """The dossier of the reporting unit ``unit`` or of ``township`` (the unit a township's reports
    are filed under)."""
    name = unit if unit is not None else township
    if not name:
        raise DiffLookupError("name a unit or a township")
    versions = unit_versions(session, township=township, unit=unit)
    if not versions:
        raise no_reports(session, name, unit=unit is not None)
    by_page: dict[int, list] = {}
    for version in versions:
        by_page.setdefault(version.page_id, []).append(version)
    pages = []
    for rows in by_page.values():
        rows.sort(key=lambda v: v.version_no)
        pages.append(page_history(rows, [snapshot(session, v) for v in rows]))
    pages.sort(key=lambda p: (p.year or 0, p.url))
    reports = year_reports(session, unit=unit) if unit is not None else year_reports(session, townships=[township])
    ids = {v.id for v in versions}
    similar = find_similar(_similar_docs(session), threshold=threshold, subject=lambda d: d.key in ids)
    return Dossier(unit=name, requested="unit" if unit is not None else "township",
                   pages=tuple(pages), series=concept_series(reports), similar=similar, threshold=threshold)
