"""Change events: what an NGO reads each morning (``gongkai changes``).

Events are derived from versions and captures: ``new`` and ``changed`` when a report version is
stored, ``spam_injected`` / ``spam_cleared`` when findings appear or vanish between versions,
``removed`` / ``unlisted`` / ``reappeared`` when a run ends and rechecks the reports it did not
reach, ``fetch_failed`` when a known report could not be fetched. The rows are written and read
by ``archive.sql.crawls`` (``record_event``, ``events``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from archive.sql.models import SUSPECTED, ReportVersion

#: Fields whose change is listed in a ``changed`` event's summary.
COMPARED_FIELDS = (
    "title",
    "unit",
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
        spam_before=acted_on(before.findings),
        spam_after=acted_on(after.findings),
    )


def acted_on(findings) -> int:
    """How many findings removed or restored something (a suspected span changed nothing)."""
    return sum(1 for f in findings if f.action != SUSPECTED)


def version_events(
    previous: ReportVersion | None, current: ReportVersion
) -> list[tuple[EventKind, str | None]]:
    """The events a newly stored version implies, with a short summary each."""
    if previous is None:
        spam = acted_on(current.findings)
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
