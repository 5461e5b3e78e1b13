"""Typed results of report extraction (the ``pipelines.extract`` contract in docs/design.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Template(StrEnum):
    """Which report format a statistic was read from."""

    PROSE = "prose-2016"
    TRIAL = "trial-2019"
    REVISED = "revised-2021"


@dataclass(frozen=True, slots=True)
class Provenance:
    """How a field was found: the rule or selector, the raw matched text, a confidence in 0..1,
    and whether the value was read through damage (lost separators, swapped ends...: ``rule``
    names the repairs; ``raw`` is the damaged text as the page has it)."""

    rule: str
    raw: str | None
    confidence: float
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class StatRow:
    """One figure of a report: a metric id from ``metrics.METRICS`` and its value."""

    metric: str
    value: float | int
    unit: str | None
    qualifier: str | None
    section: str | None
    template: str


@dataclass(frozen=True, slots=True)
class Extraction:
    title: str | None
    visible_title: str | None
    township: str | None
    report_year: int | None
    published_date: date | None
    published_at: datetime | None
    source: str | None
    issuer: str | None
    index_no: str | None
    doc_no: str | None
    period_start: date | None
    period_end: date | None
    provenance: Mapping[str, Provenance]
    conflicts: tuple[str, ...]
    statistics: tuple[StatRow, ...]
