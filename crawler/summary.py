"""The end-of-crawl summary table, from the run row and the database."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import distinct, func, select

from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import Capture, CrawlRun, Event, ReportVersion, SpamFinding
from archive.monitors import Alert, monitor_run
from crawler.runner import CrawlOutcome


def summary_figures(outcome: CrawlOutcome) -> dict[str, object]:
    """Figures of one crawl run, read back from the database and the WARC directory."""
    engine = make_engine(outcome.db_url, migrate=False)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.get(CrawlRun, outcome.run_id)
            captures = session.scalar(select(func.count()).where(Capture.run_id == run.id))
            failed = session.scalar(
                select(func.count()).where(Capture.run_id == run.id, Capture.status.is_(None))
            )
            http_errors = session.scalar(
                select(func.count()).where(Capture.run_id == run.id, Capture.status >= 400)
            )
            run_captures = select(Capture.id).where(Capture.run_id == run.id)
            reports = session.scalar(
                select(func.count(distinct(ReportVersion.page_id))).where(
                    ReportVersion.last_capture_id.in_(run_captures)
                )
            )
            new_versions = session.scalar(
                select(func.count()).where(ReportVersion.capture_id.in_(run_captures))
            )
            infected = session.scalar(
                select(func.count(distinct(SpamFinding.version_id))).where(
                    SpamFinding.version_id.in_(
                        select(ReportVersion.id).where(ReportVersion.last_capture_id.in_(run_captures))
                    )
                )
            )
            events = dict(
                session.execute(
                    select(Event.event, func.count()).where(Event.run_id == run.id).group_by(Event.event)
                ).all()
            )
            files = session.scalars(
                select(Capture.warc_filename).distinct().where(
                    Capture.run_id == run.id, Capture.warc_filename.is_not(None)
                )
            ).all()
    finally:
        engine.dispose()
    warc_dir = Path(outcome.data_dir) / "warc"
    return {
        "run": run.id,
        "status": f"{run.status} ({run.finish_reason})",
        "pages fetched": captures,
        "fetch failures": failed,
        "HTTP errors (4xx/5xx)": http_errors,
        "reports": reports,
        "new report versions": new_versions,
        "reports with spam": infected,
        "WARC files": len(files),
        "WARC bytes written": run.warc_bytes,
        "WARC directory": str(warc_dir),
        "database": engine.url.render_as_string(hide_password=True),
        "not modified (304)": run.not_modified,
        "revisit records": run.revisits,
        "events": ", ".join(f"{k} {v}" for k, v in sorted(events.items())) or "none",
        "seconds": round(outcome.seconds, 1),
        "pages/second": round(captures / outcome.seconds, 1) if outcome.seconds else None,
    }


def run_alerts(outcome: CrawlOutcome) -> list[Alert]:
    engine = make_engine(outcome.db_url, migrate=False)
    try:
        with make_sessionmaker(engine)() as session:
            return monitor_run(session, outcome.run_id)
    finally:
        engine.dispose()


def record_exit_status(outcome: CrawlOutcome, status: int) -> None:
    engine = make_engine(outcome.db_url, migrate=False)
    try:
        with make_sessionmaker(engine).begin() as session:
            session.get(CrawlRun, outcome.run_id).exit_status = status
    finally:
        engine.dispose()


def print_summary(outcome: CrawlOutcome, console: Console | None = None) -> list[Alert]:
    """Print the summary table and the monitors' alerts; returns the alerts."""
    console = console or Console()
    figures = summary_figures(outcome)
    table = Table(title="gongkai crawl summary", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    for name, value in figures.items():
        table.add_row(name, str(value))
    console.print(table)
    alerts = run_alerts(outcome)
    for alert in alerts:
        console.print(f"[bold red]alert[/] {alert.monitor}: {alert.message}")
    return alerts
