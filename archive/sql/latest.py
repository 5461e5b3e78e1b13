"""The latest version of each report page: defined once, here.

A version is the latest of its page when no version of the same page has a higher number
(``is_latest``). Export, search, replay pages, diffs and trends, the site's context for the
cleaner, monitors and ``reprocess`` all read it through this module.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, aliased, selectinload

from archive.search.query import SearchFilters
from archive.sql.filters import filter_conditions
from archive.sql.models import Page, ReportVersion

#: Rows fetched per round trip when streaming every latest version.
BATCH = 200
BY_URL = "url"
BY_TOWNSHIP = "township"


def is_latest(version=ReportVersion) -> ColumnElement[bool]:
    """True for the newest version of its page (``version``: the entity or an alias of it)."""
    newer = aliased(ReportVersion)
    return ~exists().where(newer.page_id == version.page_id, newer.version_no > version.version_no)


def latest_versions(
    session: Session, filters: SearchFilters | None = None, *, order: str = BY_URL
) -> Iterator[ReportVersion]:
    """The newest version of every report page matching ``filters``, streamed in batches, with
    its page, capture, findings and statistics loaded.

    ``order``: ``"url"`` (the page's URL) or ``"township"`` (township, report year, version id).
    """
    if order == BY_URL:
        ordering = (Page.url,)
    elif order == BY_TOWNSHIP:
        ordering = (ReportVersion.township, ReportVersion.report_year, ReportVersion.id)
    else:
        raise ValueError(f"order must be {BY_URL!r} or {BY_TOWNSHIP!r}, not {order!r}")
    stmt = (
        select(ReportVersion)
        .join(Page, Page.id == ReportVersion.page_id)
        .where(is_latest(), *filter_conditions(filters or SearchFilters()))
        .order_by(*ordering)
        .options(
            selectinload(ReportVersion.page),
            selectinload(ReportVersion.capture),
            selectinload(ReportVersion.findings),
            selectinload(ReportVersion.statistics),
        )
        .execution_options(yield_per=BATCH)
    )
    yield from session.scalars(stmt)


def latest_version_ids(session: Session) -> list[int]:
    """Ids of the newest version of every page, oldest first."""
    return list(session.scalars(select(ReportVersion.id).where(is_latest()).order_by(ReportVersion.id)))


def latest_clean_texts(session: Session, *, limit: int) -> list[str]:
    """The clean texts of the ``limit`` most recently stored latest versions, newest first."""
    return list(session.scalars(
        select(ReportVersion.clean_text).where(is_latest()).order_by(ReportVersion.id.desc()).limit(limit)
    ))
