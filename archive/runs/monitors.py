"""Run monitors in the spirit of spidermon: compare a run with the previous finished run and
raise alerts a cron mail should carry (``gongkai crawl --strict`` exits non-zero on any)."""

from __future__ import annotations

from dataclasses import dataclass

from archive.sql import crawls
from archive.sql.crawls import RunFigures
from archive.sql.engine import Session

#: Exit status of ``gongkai crawl --strict`` when a monitor fired.
EXIT_MONITOR_ALERT = 3


@dataclass(frozen=True, slots=True)
class Thresholds:
    report_drop: float = 0.10  # fraction of last run's reports
    coverage_drop: float = 0.05  # absolute drop in coverage
    spam_jump: float = 0.10  # absolute rise in spam rate
    error_rate: float = 0.05  # fraction of this run's captures


@dataclass(frozen=True, slots=True)
class Alert:
    monitor: str
    message: str


def check(current: RunFigures, previous: RunFigures | None, limits: Thresholds = Thresholds()) -> list[Alert]:
    """The alerts ``current`` raises against ``previous`` (pure)."""
    alerts: list[Alert] = []
    if current.captures and current.fetch_errors / current.captures > limits.error_rate:
        alerts.append(Alert("fetch_errors", f"{current.fetch_errors} of {current.captures} fetches failed"))
    if previous is None:
        return alerts
    if previous.reports and (previous.reports - current.reports) / previous.reports > limits.report_drop:
        alerts.append(Alert("report_count", f"reports fell from {previous.reports} to {current.reports}"))
    if previous.coverage - current.coverage > limits.coverage_drop:
        alerts.append(
            Alert("extraction_coverage", f"extraction coverage fell from {previous.coverage:.1%} to {current.coverage:.1%}")
        )
    if current.spam_rate - previous.spam_rate > limits.spam_jump:
        alerts.append(Alert("spam_rate", f"spam rate rose from {previous.spam_rate:.1%} to {current.spam_rate:.1%}"))
    return alerts


def monitor_run(session: Session, run_id: int, limits: Thresholds = Thresholds()) -> list[Alert]:
    previous_id = crawls.previous_finished_run(session, run_id)
    previous = crawls.run_figures(session, previous_id) if previous_id else None
    return check(crawls.run_figures(session, run_id), previous, limits)
