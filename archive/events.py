"""Change events: what an NGO reads each morning (``gongkai changes``).

Events are derived from versions and captures: ``new`` and ``changed`` when a report version is
stored, ``spam_injected`` / ``spam_cleared`` when findings appear or vanish between versions,
``removed`` / ``unlisted`` / ``reappeared`` when a run ends and rechecks the reports it did not
reach, ``fetch_failed`` when a known report could not be fetched.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive.clock import iso_utc
from archive.sql.models import Event, ReportVersion

#: Fields whose change is listed in a ``changed`` event's summary.
COMPARED_FIELDS = (
    "title",
    "township",
    "report_year",
    "published_date",
    "source",
    "issuer",
    "period_start",
    "period_end",
)
#: A changed publication date is a red flag for NGOs: named in the summary.
RED_FLAG_FIELDS = ("published_date",)


class EventKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    REMOVED = "removed"
    UNLISTED = "unlisted"
    REAPPEARED = "reappeared"
    SPAM_INJECTED = "spam_injected"
    SPAM_CLEARED = "spam_cleared"
    FETCH_FAILED = "fetch_failed"


@dataclass(frozen=True, slots=True)
class VersionChange:
    """What differs between two versions of one report (pure; no SQL)."""

    fields: tuple[str, ...]
    text_before: int
    text_after: int
    spam_before: int
    spam_after: int

    def summary(self) -> str:
        parts = []
        if self.fields:
            flagged = [f"{f} (red flag)" if f in RED_FLAG_FIELDS else f for f in self.fields]
            parts.append("fields: " + ", ".join(flagged))
        if self.text_before != self.text_after:
            parts.append(f"text {self.text_before} -> {self.text_after} chars")
        elif not self.fields:
            parts.append(f"text changed ({self.text_after} chars)")
        if self.spam_before != self.spam_after:
            parts.append(f"spam findings {self.spam_before} -> {self.spam_after}")
        return "; ".join(parts)


def compare_versions(before: ReportVersion, after: ReportVersion) -> VersionChange:
    return VersionChange(
        fields=tuple(f for f in COMPARED_FIELDS if getattr(before, f) != getattr(after, f)),
        text_before=len(before.clean_text or ""),
        text_after=len(after.clean_text or ""),
        spam_before=len(before.findings),
        spam_after=len(after.findings),
    )


def record_event(
    session: Session,
    *,
    run_id: int,
    page_id: int,
    url: str,
    kind: EventKind,
    detected_at: datetime,
    capture_id: int | None = None,
    previous_capture_id: int | None = None,
    version_id: int | None = None,
    summary: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Insert an event once per (run, page, kind): two workers meeting one page add one row."""
    values = dict(
        run_id=run_id,
        page_id=page_id,
        url=url,
        event=str(kind),
        detected_at=detected_at,
        capture_id=capture_id,
        previous_capture_id=previous_capture_id,
        version_id=version_id,
        summary=summary,
        details=details or {},
    )
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        session.execute(
            insert(Event).values(**values).on_conflict_do_nothing(
                index_elements=["run_id", "page_id", "event"]
            )
        )
    else:  # pragma: no cover
        session.add(Event(**values))


def version_events(
    previous: ReportVersion | None, current: ReportVersion
) -> list[tuple[EventKind, str | None]]:
    """The events a newly stored version implies, with a short summary each."""
    if previous is None:
        spam = len(current.findings)
        events = [(EventKind.NEW, f"{len(current.clean_text or '')} chars")]
        if spam:
            events.append((EventKind.SPAM_INJECTED, f"{spam} spam findings on first capture"))
        return events
    change = compare_versions(previous, current)
    events = [(EventKind.CHANGED, change.summary())]
    if change.spam_before == 0 and change.spam_after > 0:
        events.append((EventKind.SPAM_INJECTED, f"{change.spam_after} spam findings"))
    elif change.spam_before > 0 and change.spam_after == 0:
        events.append((EventKind.SPAM_CLEARED, f"{change.spam_before} spam findings gone"))
    return events


# reading the feed
EVENT_FIELDS = (
    "event",
    "url",
    "detected_at",
    "run_id",
    "capture_id",
    "previous_capture_id",
    "version_id",
    "summary",
)


def query_events(
    session: Session, *, since: datetime | None = None, run_id: int | None = None
) -> Iterator[dict[str, Any]]:
    stmt = select(Event).order_by(Event.detected_at, Event.id)
    if since is not None:
        stmt = stmt.where(Event.detected_at >= since)
    if run_id is not None:
        stmt = stmt.where(Event.run_id == run_id)
    for event in session.scalars(stmt):
        yield {
            "event": event.event,
            "url": event.url,
            "detected_at": iso_utc(event.detected_at),
            "run_id": event.run_id,
            "capture_id": event.capture_id,
            "previous_capture_id": event.previous_capture_id,
            "version_id": event.version_id,
            "summary": event.summary,
            "details": event.details or {},
        }


def write_events(events: Iterable[dict[str, Any]], out: IO[str], fmt: str) -> int:
    count = 0
    if fmt == "json":
        items = list(events)
        json.dump(items, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return len(items)
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EVENT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for event in events:
            writer.writerow({k: "" if event[k] is None else event[k] for k in EVENT_FIELDS})
            count += 1
        return count
    for event in events:
        out.write(format_event_line(event) + "\n")
        count += 1
    return count


def format_event_line(event: dict[str, Any]) -> str:
    summary = f"  {event['summary']}" if event.get("summary") else ""
    return f"{event['detected_at']}  run {event['run_id']:<4} {event['event']:<13} {event['url']}{summary}"


def counts_by_kind(events: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for event in events:
        counts[event["event"]] = counts.get(event["event"], 0) + 1
    return counts
