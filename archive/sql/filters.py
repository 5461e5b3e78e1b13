"""Filters on report fields (``archive.search.query.SearchFilters``) as SQL conditions: shared by
search and export."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, true

from archive.search.query import SearchFilters
from archive.sql.models import ReportVersion


def filter_conditions(filters: SearchFilters, version=ReportVersion) -> list[ColumnElement[bool]]:
    """SQL conditions on ``report_versions`` for ``filters``; every value a bound parameter."""
    conditions = []
    if filters.township is not None:
        conditions.append(version.township == filters.township)
    if filters.unit is not None:
        conditions.append(version.unit == filters.unit)
    if filters.year is not None:
        conditions.append(version.report_year == filters.year)
    if filters.date_from is not None:
        conditions.append(version.published_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(version.published_date <= filters.date_to)
    if filters.source is not None:
        conditions.append(version.source.contains(filters.source, autoescape=True))
    return conditions


def filter_clause(filters: SearchFilters, version=ReportVersion) -> ColumnElement[bool]:
    """All of ``filter_conditions`` as one condition (``true`` without filters), e.g. for export."""
    return and_(true(), *filter_conditions(filters, version))
