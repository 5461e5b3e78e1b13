"""Loading report versions (through ``archive.sql``) into the pure snapshot values the diffs take.

Callers own the session. Lookups that find nothing raise ``DiffLookupError`` with a message that
names the input and what the archive does hold.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from archive.diff.model import (
    CaptureRef,
    FindingRef,
    ReportRef,
    ReportSnapshot,
    StatValue,
)
from archive.search.query import SearchFilters
from archive.sql import queries
from archive.sql.engine import Session
from archive.sql.latest import BY_TOWNSHIP
from archive.sql.latest import latest_versions as latest_rows
from archive.sql.models import ReportVersion

FIELD_NAMES = ("title", "visible_title", "unit", "unit_kind", "township", "report_year", "published_date", "published_at",
               "source", "issuer", "index_no", "doc_no", "period_start", "period_end", "attachments")
_VERSION_NO = re.compile(r"^v?(\d{1,6})$")


class DiffLookupError(LookupError):
    """The township, year, URL or version asked for is not in the archive."""


def latest_versions(session: Session, *, township: str | None = None, year: int | None = None,
                    unit: str | None = None) -> list[ReportVersion]:
    """The newest version of every report page, optionally for one township or reporting unit
    and/or year, in township, year and version order."""
    return list(latest_rows(session, SearchFilters(township=township, year=year, unit=unit), order=BY_TOWNSHIP))


def year_snapshot(session: Session, township: str | None, year: int, *, unit: str | None = None) -> ReportSnapshot:
    """The newest version of the report of ``unit`` (else ``township``) for ``year`` (the most
    recently changed page when several pages claim that unit and year)."""
    name = unit if unit is not None else township
    versions = latest_versions(session, unit=unit) if unit is not None else latest_versions(session, township=township)
    if not versions:
        raise no_reports(session, name, unit=unit is not None)
    chosen = [v for v in versions if v.report_year == year]
    if not chosen:
        years = sorted({v.report_year for v in versions if v.report_year is not None})
        raise DiffLookupError(
            f"no {year} report for {name}; archived years: {', '.join(map(str, years)) or 'none'}")
    return snapshot(session, max(chosen, key=lambda v: (v.created_at, v.id)))


def page_snapshots(session: Session, url: str, from_spec: str | None,
                   to_spec: str | None) -> tuple[ReportSnapshot, ReportSnapshot]:
    """Two versions of the page at ``url``: by version number or by date (the version in force at
    the end of that day, UTC); by default the last two."""
    page = queries.page_by_url(session, url)
    if page is None:
        raise DiffLookupError(f"no page archived at {url} (check the exact URL, with its scheme)")
    versions = queries.page_versions(session, page.id)
    if not versions:
        raise DiffLookupError(f"{url} is archived but has no report versions (kind: {page.kind})")
    if from_spec is None and to_spec is None:
        if len(versions) < 2:
            raise DiffLookupError(f"{url} has only one version (v1); nothing to compare yet")
        a, b = versions[-2], versions[-1]
    else:
        b = _pick(versions, to_spec, url) if to_spec is not None else versions[-1]
        if from_spec is not None:
            a = _pick(versions, from_spec, url)
        else:
            earlier = [v for v in versions if v.version_no < b.version_no]
            if not earlier:
                raise DiffLookupError(f"{url}: no version before v{b.version_no}; pass --from")
            a = earlier[-1]
    return snapshot(session, a), snapshot(session, b)


def _pick(versions: Sequence[ReportVersion], spec: str, url: str) -> ReportVersion:
    spec = spec.strip()
    match = _VERSION_NO.match(spec)
    if match:
        number = int(match.group(1))
        for version in versions:
            if version.version_no == number:
                return version
        raise DiffLookupError(f"{url} has no version {number}; versions: 1-{versions[-1].version_no}")
    try:
        when = datetime.fromisoformat(spec)
    except ValueError:
        raise DiffLookupError(f"{spec!r} is neither a version number nor a date (YYYY-MM-DD)") from None
    if len(spec) <= 10:
        when = datetime.combine(date.fromisoformat(spec), time.max)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    in_force = [v for v in versions if v.capture.fetched_at <= when]
    if not in_force:
        first = versions[0].capture.fetched_at.date().isoformat()
        raise DiffLookupError(f"{url} was not yet archived on {spec}; first capture {first}")
    return in_force[-1]


def snapshot(session: Session, version: ReportVersion) -> ReportSnapshot:
    capture = queries.capture_by_id(session, version.capture_id)
    stats = tuple(StatValue(s.metric, s.value, s.unit, s.qualifier, s.section, s.template)
                  for s in version.statistics)
    templates = Counter(s.template for s in stats if s.template)
    ref = ReportRef(
        township=version.township,
        unit=filed_name(version),
        report_year=version.report_year,
        url=version.page.url,
        version_no=version.version_no,
        title=version.title,
        published_date=version.published_date.isoformat() if version.published_date else None,
        template=templates.most_common(1)[0][0] if templates else None,
        capture=None if capture is None else CaptureRef(
            url=capture.url,
            fetched_at=capture.fetched_at.isoformat(),
            warc_filename=capture.warc_filename,
            warc_offset=capture.warc_offset,
            warc_record_id=capture.warc_record_id,
        ),
    )
    fields = tuple((name, _text(getattr(version, name))) for name in FIELD_NAMES)
    findings = tuple(FindingRef(f.kind, f.field, f.text, f.replacement, f.action) for f in version.findings)
    return ReportSnapshot(ref=ref, text=version.clean_text or "", statistics=stats,
                          fields=fields, findings=findings)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return None if not value else repr(value)
    return str(value)


def no_reports(session: Session, name: str | None, *, unit: bool) -> DiffLookupError:
    """The error for a township or unit the archive holds no report of, naming those it holds."""
    what, known = ("unit", queries.known_units(session)) if unit else ("township", queries.known_townships(session))
    hint = f"; archived {what}s: {_listing(known)}" if known else "; the archive holds no reports"
    return DiffLookupError(f"no reports for {what} {name!r}{hint}")


def _listing(names: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


# -- reporting units: trends through the concordance and the per-unit dossier -------------------

def filed_name(version: ReportVersion) -> str | None:
    """The name ``version`` is filed under: its reporting unit (its township where it names none)."""
    return version.unit or version.township


def year_reports(session: Session, *, townships: Sequence[str] | None = None,
                 unit: str | None = None) -> list[tuple[str, ReportSnapshot]]:
    """(unit name, snapshot) of the report each unit published for each year: the newest version of
    its page (the most recently changed page when several claim the same unit and year)."""
    names = [unit] if unit is not None else townships
    chosen: dict[tuple[str, int], ReportVersion] = {}
    for version in queries.latest_year_versions(session, names=names):
        key = (filed_name(version), version.report_year)
        if key not in chosen or (version.created_at, version.id) > (chosen[key].created_at, chosen[key].id):
            chosen[key] = version
    return [(key[0], snapshot(session, chosen[key])) for key in sorted(chosen)]


def unit_versions(session: Session, *, township: str | None = None,
                  unit: str | None = None) -> list[ReportVersion]:
    """Every version of every report page one unit (or township) published (a page counts when any
    of its versions is filed under the name), oldest first per page, with captures, findings and
    statistics loaded."""
    name = unit if unit is not None else township
    if name is None:
        raise DiffLookupError("name a unit or a township")
    return queries.filed_page_versions(session, name)
