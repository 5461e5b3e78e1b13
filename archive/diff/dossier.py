"""``gongkai dossier``: everything the archive holds about one reporting unit, as typed values.

For each of the unit's report pages: every archived version with its dates, source and WARC
citation, the spam the cleaner removed or restored on it (with the text around it), and what
changed between consecutive versions of the same page (a silent edit). Across years: the unit's
figures through the concordance of templates. Across units: copy-paste (雷同) candidates. Loading
is ``api.build_dossier`` (over ``load``); ``render_dossier`` turns the result into one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archive.clock import as_utc
from archive.diff.core import diff_reports
from archive.diff.model import SUSPECTED, DiffKind, DiffResult, ReportRef, ReportSnapshot, TrendSeries
from archive.diff.similar import SimilarResult

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
    evidence: tuple[Evidence, ...]   # what was removed or restored, then what was only suspected
    findings: int                    # findings that removed or restored something
    suspected: int                   # spans the cleaner suspected and left in place


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


def page_history(rows: Sequence, snapshots: Sequence[ReportSnapshot]) -> PageHistory:
    """One page's history from its loaded versions (``report_versions`` rows, oldest first) and
    their snapshots: each version with its citation and spam evidence, and each version's diff
    against the one before it."""
    entries = tuple(_entry(v, s.ref) for v, s in zip(rows, snapshots))
    edits = tuple(diff_reports(a, b, kind=DiffKind.CAPTURES) for a, b in zip(snapshots, snapshots[1:]))
    years = [v.report_year for v in rows if v.report_year is not None]
    return PageHistory(url=rows[0].page.url, year=years[-1] if years else None, versions=entries, edits=edits)


def _entry(version, ref: ReportRef) -> VersionEntry:
    last = version.last_capture
    acted = [f for f in version.findings if f.action != SUSPECTED]
    suspected = [f for f in version.findings if f.action == SUSPECTED]
    period = None
    if version.period_start or version.period_end:
        period = f"{version.period_start or '?'} — {version.period_end or '?'}"
    return VersionEntry(
        ref=ref, version_id=version.id,
        last_captured=as_utc(last.fetched_at).isoformat() if last is not None else None,
        period=period, source=version.source, issuer=version.issuer,
        evidence=evidence(version.raw_text or "", [*acted, *suspected]), findings=len(acted),
        suspected=len(suspected))


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
