"""``gongkai dossier``: everything the archive holds about one reporting unit, as typed values.

For each of the unit's report pages: every archived version with its dates, source and WARC
citation, the spam the cleaner removed or restored on it (with the text around it), and what
changed between consecutive versions of the same page (a silent edit). Across years: the unit's
figures through the concordance of templates. Across units: copy-paste (雷同) candidates. SQL stays
in ``queries``; ``render_dossier`` turns the result into one page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from archive.diff.core import diff_reports
from archive.diff.model import DiffKind, DiffResult, ReportRef, TrendSeries
from archive.diff.queries import (
    DiffLookupError,
    known_townships,
    latest_versions,
    snapshot,
    unit_column,
    unit_versions,
    year_reports,
)
from archive.diff.similar import SimilarDoc, SimilarResult, find_similar
from archive.diff.trends import concept_series

logger = logging.getLogger(__name__)

EVIDENCE_CHARS = 24        # characters of raw text shown on each side of an injected passage


@dataclass(frozen=True, slots=True)
class Evidence:
    """One kind of injection on one version: what the cleaner found, did, and why; identical
    findings (the same phrase replacing the same word ten times) are counted, shown once."""

    kind: str
    action: str
    field: str
    text: str
    replacement: str | None
    signal: str
    confidence: float
    before: str                 # raw text just before the first occurrence (body findings)
    after: str
    count: int


@dataclass(frozen=True, slots=True)
class VersionEntry:
    ref: ReportRef              # title, dates, template, first capture (the citation)
    version_id: int
    last_captured: str | None   # the last capture that still found this content
    period: str | None
    source: str | None
    issuer: str | None
    evidence: tuple[Evidence, ...]
    findings: int


@dataclass(frozen=True, slots=True)
class PageHistory:
    url: str
    year: int | None
    versions: tuple[VersionEntry, ...]
    edits: tuple[DiffResult, ...]   # version n -> n+1


@dataclass(frozen=True, slots=True)
class Dossier:
    unit: str
    requested: str                  # what was asked for: "unit" or "township"
    matched_on: str                 # what matched it: "unit" (the schema's column) or "township"
    pages: tuple[PageHistory, ...]
    series: tuple[TrendSeries, ...]
    similar: SimilarResult
    threshold: float

    @property
    def silent_edits(self) -> int:
        return sum(len(p.edits) for p in self.pages)

    @property
    def spam_findings(self) -> int:
        return sum(v.findings for p in self.pages for v in p.versions)


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
        known = known_townships(session)
        raise DiffLookupError(f"no reports for {name!r}; archived townships: {', '.join(known[:10]) or 'none'}")
    by_page: dict[int, list] = {}
    for version in versions:
        by_page.setdefault(version.page_id, []).append(version)
    pages = [_history(session, rows) for rows in by_page.values()]
    pages.sort(key=lambda p: (p.year or 0, p.url))
    reports = year_reports(session, unit=unit) if unit is not None else year_reports(session, townships=[township])
    return Dossier(unit=name, requested="unit" if unit is not None else "township", matched_on=matched_on,
                   pages=tuple(pages), series=concept_series(reports),
                   similar=_similar(session, {v.id for v in versions}, threshold), threshold=threshold)


def _history(session: Session, rows: list) -> PageHistory:
    rows = sorted(rows, key=lambda v: v.version_no)
    snaps = [snapshot(session, v) for v in rows]
    entries = tuple(_entry(v, s.ref) for v, s in zip(rows, snaps))
    edits = tuple(diff_reports(a, b, kind=DiffKind.CAPTURES) for a, b in zip(snaps, snaps[1:]))
    years = [v.report_year for v in rows if v.report_year is not None]
    return PageHistory(url=rows[0].page.url, year=years[-1] if years else None, versions=entries, edits=edits)


def _entry(version, ref: ReportRef) -> VersionEntry:
    last = version.last_capture
    period = None
    if version.period_start or version.period_end:
        period = f"{version.period_start or '?'} — {version.period_end or '?'}"
    return VersionEntry(
        ref=ref, version_id=version.id,
        last_captured=_iso(last.fetched_at) if last is not None else None,
        period=period, source=version.source, issuer=version.issuer,
        evidence=evidence(version.raw_text or "", version.findings), findings=len(version.findings))


def evidence(raw_text: str, findings) -> tuple[Evidence, ...]:
    """Findings grouped by (kind, field, text, replacement, action), in order of first appearance,
    each with the raw body text around its first occurrence."""
    groups: dict[tuple, list] = {}
    for f in findings:
        groups.setdefault((f.kind, f.field, f.text, f.replacement, f.action), []).append(f)
    out = []
    for (kind, field, text, replacement, action), found in groups.items():
        first = found[0]
        before = after = ""
        if field == "body" and first.start is not None and first.end is not None and first.end <= len(raw_text):
            before = raw_text[max(0, first.start - EVIDENCE_CHARS):first.start]
            after = raw_text[first.end:first.end + EVIDENCE_CHARS]
        out.append(Evidence(kind, action, field, text, replacement, first.signal, max(f.confidence for f in found),
                            before, after, len(found)))
    return tuple(out)


def _similar(session: Session, version_ids: set[int], threshold: float) -> SimilarResult:
    """Copy-paste candidates of the unit's newest versions, boilerplate learnt from the whole archive."""
    docs = [SimilarDoc(v.id, v.township, v.report_year, v.page.url, v.clean_text or "")
            for v in latest_versions(session)]
    return find_similar(docs, threshold=threshold, subject=lambda d: d.key in version_ids)


def _iso(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
