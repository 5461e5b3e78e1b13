"""Reading the corpus: pages, their versions, captures and figures (the latest version of each
page is ``archive.sql.latest``). Callers own the session."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from archive.sql.latest import is_latest
from archive.sql.models import Capture, Page, ReportVersion

#: Captures read per round trip when checking every one.
CAPTURE_BATCH = 500


def find_page(session: Session, ref: str) -> Page | None:
    """The page given by its URL, or by its id (a number)."""
    if ref.isdigit():
        return session.get(Page, int(ref))
    return page_by_url(session, ref)


def page_by_url(session: Session, url: str) -> Page | None:
    return session.execute(select(Page).where(Page.url == url)).scalar_one_or_none()


def page_version(session: Session, page_id: int, version_no: int | None = None) -> ReportVersion | None:
    """Version ``version_no`` of the page (default: its newest), with findings, statistics and
    both captures loaded."""
    stmt = (
        select(ReportVersion)
        .where(ReportVersion.page_id == page_id)
        .options(selectinload(ReportVersion.findings), selectinload(ReportVersion.statistics),
                 selectinload(ReportVersion.capture), selectinload(ReportVersion.last_capture))
        .order_by(ReportVersion.version_no.desc())
    )
    if version_no is not None:
        stmt = stmt.where(ReportVersion.version_no == version_no)
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def page_versions(session: Session, page_id: int) -> list[ReportVersion]:
    """Every version of the page, oldest first, with both captures loaded."""
    return list(session.execute(
        select(ReportVersion).where(ReportVersion.page_id == page_id)
        .options(selectinload(ReportVersion.capture), selectinload(ReportVersion.last_capture))
        .order_by(ReportVersion.version_no)
    ).scalars())


def version_by_id(session: Session, version_id: int) -> ReportVersion | None:
    return session.get(ReportVersion, version_id)


def capture_by_id(session: Session, capture_id: int) -> Capture | None:
    return session.get(Capture, capture_id)


def report_pages(session: Session) -> Iterator[Page]:
    """Every report page in URL order, with all its versions and their findings loaded."""
    stmt = (
        select(Page)
        .where(Page.kind == "report")
        .options(selectinload(Page.versions).selectinload(ReportVersion.findings))
        .order_by(Page.url)
    )
    yield from session.scalars(stmt)


def archived_captures(session: Session) -> Iterator[Capture]:
    """Every capture that points at a WARC record, in id order."""
    stmt = select(Capture).where(Capture.warc_filename.is_not(None)).order_by(Capture.id)
    yield from session.scalars(stmt).yield_per(CAPTURE_BATCH)


def known_townships(session: Session) -> list[str]:
    """Every township some version names, sorted."""
    rows = session.execute(select(ReportVersion.township).where(ReportVersion.township.is_not(None))
                           .distinct().order_by(ReportVersion.township)).scalars()
    return list(rows)


def known_units(session: Session) -> list[str]:
    """Every reporting unit some version names, sorted."""
    rows = session.execute(select(ReportVersion.unit).where(ReportVersion.unit.is_not(None))
                           .distinct().order_by(ReportVersion.unit)).scalars()
    return list(rows)


def filed_under() -> ColumnElement:
    """The name a report version is filed under: its reporting unit, or its township where a row
    names no unit (a row written by a caller that only knows townships)."""
    return func.coalesce(ReportVersion.unit, ReportVersion.township)


def latest_year_versions(session: Session, *, names: Iterable[str] | None = None) -> list[ReportVersion]:
    """The latest version of every page that states a report year and is filed under a name (one
    of ``names`` when given), with statistics, page, capture and findings loaded."""
    name = filed_under()
    stmt = (select(ReportVersion)
            .where(is_latest(), ReportVersion.report_year.is_not(None), name.is_not(None))
            .options(selectinload(ReportVersion.statistics), selectinload(ReportVersion.page),
                     selectinload(ReportVersion.capture), selectinload(ReportVersion.findings)))
    if names is not None:
        stmt = stmt.where(name.in_(list(names)))
    return list(session.execute(stmt).scalars())


def filed_page_versions(session: Session, name: str) -> list[ReportVersion]:
    """Every version of every page filed under ``name`` by any of its versions, by report year,
    page and version number, with statistics, page, both captures and findings loaded."""
    pages = select(ReportVersion.page_id).where(filed_under() == name).distinct()
    stmt = (select(ReportVersion).where(ReportVersion.page_id.in_(pages))
            .options(selectinload(ReportVersion.statistics), selectinload(ReportVersion.page),
                     selectinload(ReportVersion.capture), selectinload(ReportVersion.last_capture),
                     selectinload(ReportVersion.findings))
            .order_by(ReportVersion.report_year, ReportVersion.page_id, ReportVersion.version_no))
    return list(session.execute(stmt).scalars())
