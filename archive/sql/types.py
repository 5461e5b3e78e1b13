"""Column types of the archive's schema."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from archive.clock import as_utc


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC instant: stored as ``DateTime(timezone=True)``, always read back timezone-aware.

    SQLite keeps no zone and hands back naive values (they were written in UTC); PostgreSQL
    hands back the session's zone. Both come back as UTC, so no caller compares naive with
    aware values or mends them itself.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else as_utc(value)
