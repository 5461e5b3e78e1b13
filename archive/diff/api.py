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
    unit_column,
    unit_versions,
    year_reports,
    year_snapshot,
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


def archived_years(session: Session, township: str) -> list[int]:
    return sorted({v.report_year for v in latest_versions(session, township=township)
                   if v.report_year is not None})


def diff_years(session: Session, township: str, from_year: int | None = None,
               to_year: int | None = None) -> DiffReport:
    """Township's report for ``from_year`` against ``to_year`` (default: its last two years)."""
    if from_year is None or to_year is None:
        years = archived_years(session, township)
        if not years:
            year_snapshot(session, township, to_year or from_year or 0)   # raises with a hint
        if to_year is None:
            to_year = years[-1]
        if from_year is None:
            earlier = [y for y in years if y < to_year]
            if not earlier:
                raise DiffLookupError(f"no report of {township} before {to_year}; pass --from-year")
            from_year = earlier[-1]
    a = year_snapshot(session, township, from_year)
    b = year_snapshot(session, township, to_year)
    result = diff_reports(a, b, kind=DiffKind.YEARS)
    return DiffReport(result, _charted(session, township, result))


def _charted(session: Session, township: str | None, result: DiffResult) -> tuple[TrendSeries, ...]:
    """The township's series (through the concordance) of the concepts a diff shows."""
    metrics = [s.metric for s in result.statistics]
    if not metrics or township is None:
        return ()
    return concept_series(year_reports(session, townships=[township]), concepts=wanted_concepts(metrics))


def diff_page(session: Session, url: str, from_spec: str | None = None,
              to_spec: str | None = None) -> DiffReport:
    """Two captured versions of one page (default: its last two)."""
    a, b = page_snapshots(session, url, from_spec, to_spec)
    result = diff_reports(a, b, kind=DiffKind.CAPTURES)
    return DiffReport(result, _charted(session, b.ref.township, result))


def trends(session: Session, *, townships: Sequence[str] | None,
           metrics: Sequence[str] | None = None) -> tuple[TrendSeries, ...]:
    """Every metric (or ``metrics``: metric or concordance ids) across the archived years of
    ``townships`` (None: all), read through the concordance of templates."""
    known = queries.known_townships(session)
    for township in townships or ():
        if township not in known:
            shown = ", ".join(known[:10]) or "none"
            raise DiffLookupError(f"no reports for township {township!r}; archived townships: {shown}")
    reports = year_reports(session, townships=townships)
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
                    threshold: float = 0.25) -> SimilarResult:
    """Copy-paste candidates among the newest version of every report; the whole corpus sets the
    boilerplate, ``year``/``township`` only choose whose neighbours are reported."""
    docs = _similar_docs(session)
    if township is not None and township not in {d.township for d in docs}:
        raise DiffLookupError(f"no reports for township {township!r}")
    if year is not None and year not in {d.year for d in docs}:
        years = sorted({d.year for d in docs if d.year is not None})
        raise DiffLookupError(f"no reports for {year}; archived years: {', '.join(map(str, years)) or 'none'}")

    def subject(doc: SimilarDoc) -> bool:
        return (year is None or doc.year == year) and (township is None or doc.township == township)

    return find_similar(docs, threshold=threshold, subject=subject)


def _similar_docs(session: Session) -> list[SimilarDoc]:
    """The newest version of every report, as the copy-paste detector reads it."""
    return [SimilarDoc(v.id, v.township, v.report_year, v.page.url, v.clean_text or "")
            for v in latest_versions(session)]


def build_dossier(session: Session, *, township: str | None = None, unit: str | None = None,
                  threshold: float = 0.25) -> Dossier:
    """The dossier of ``unit`` (matched on the ``unit`` column when the schema has it, else on the
    township name) or of ``township``."""
    name = unit if unit is not None else township
    if not name:
        raise DiffLookupError("name a unit or a township")
    matched_on = "unit" if unit is not None and unit_column() else "township"
    if unit is not None and matched_on == "township":
        logger.info("the archive has no unit column yet: matching %r against township names", unit)
    versions = unit_versions(session, township=township, unit=unit)
    if not versions:
        known = queries.known_townships(session)
        raise DiffLookupError(f"no reports for {name!r}; archived townships: {', '.join(known[:10]) or 'none'}")
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
    return Dossier(unit=name, requested="unit" if unit is not None else "township", matched_on=matched_on,
                   pages=tuple(pages), series=concept_series(reports), similar=similar, threshold=threshold)
