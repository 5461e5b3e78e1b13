"""Run monitors in the spirit of spidermon: compare a run with the previous finished run and
raise alerts a cron mail should carry (``gongkai crawl --strict`` exits non-zero on any)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from archive.sql.models import Capture, CrawlRun, ReportVersion, SpamFinding

#: Exit status of ``gongkai crawl --strict`` when a monitor fired.
EXIT_MONITOR_ALERT = 3


@dataclass(frozen=True, slots=True)
class RunFigures:
    run_id: int
    reports: int  # report pages answered 200/304 in the run
    coverage: float  # share of those whose latest version has township, year and date
    spam_rate: float  # share of those whose latest version carries spam findings
    fetch_errors: int  # captures with no response or a 5xx
    captures: int


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


def run_figures(session: Session, run_id: int) -> RunFigures:
    seen = (
        select(Capture.page_id)
        .where(Capture.run_id == run_id, Capture.status.in_((200, 304)))
        .where(Capture.page_id.in_(select(ReportVersion.page_id)))
        .distinct()
        .subquery()
    )
    newest = (
        select(ReportVersion.page_id, func.max(ReportVersion.version_no).label("n"))
        .where(ReportVersion.page_id.in_(select(seen.c.page_id)))
        .group_by(ReportVersion.page_id)
        .subquery()
    )
    versions = select(ReportVersion).join(
        newest, (ReportVersion.page_id == newest.c.page_id) & (ReportVersion.version_no == newest.c.n)
    ).subquery()
    reports = session.scalar(select(func.count()).select_from(versions)) or 0
    complete = session.scalar(
        select(func.count()).select_from(versions).where(
            versions.c.township.is_not(None),
            versions.c.report_year.is_not(None),
            versions.c.published_date.is_not(None),
        )
    ) or 0
    infected = session.scalar(
        select(func.count(func.distinct(SpamFinding.version_id))).where(
            SpamFinding.version_id.in_(select(versions.c.id))
        )
    ) or 0
    errors = session.scalar(
        select(func.count()).where(
            Capture.run_id == run_id, or_(Capture.status.is_(None), Capture.status >= 500)
        )
    ) or 0
    captures = session.scalar(select(func.count()).where(Capture.run_id == run_id)) or 0
    return RunFigures(
        run_id=run_id,
        reports=reports,
        coverage=complete / reports if reports else 0.0,
        spam_rate=infected / reports if reports else 0.0,
        fetch_errors=errors,
        captures=captures,
    )


def previous_finished_run(session: Session, run: CrawlRun) -> int | None:
    stmt = select(CrawlRun.id).where(CrawlRun.id < run.id, CrawlRun.status == "finished")
    if run.site:
        stmt = stmt.where(CrawlRun.site == run.site)
    stmt = stmt.where(CrawlRun.worker_id == run.worker_id) if run.worker_id else stmt
    return session.scalar(stmt.order_by(CrawlRun.id.desc()).limit(1))


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
    run = session.get(CrawlRun, run_id)
    previous_id = previous_finished_run(session, run)
    previous = run_figures(session, previous_id) if previous_id else None
    return check(run_figures(session, run_id), previous, limits)
