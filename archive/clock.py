"""Timezone-aware UTC time, injectable everywhere a timestamp is taken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive value is taken as UTC (the one rule for naive timestamps)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``; naive values are taken as UTC."""
    if value is None:
        return None
    return as_utc(value).isoformat().replace("+00:00", "Z")
