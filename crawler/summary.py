"""The end-of-crawl summary table, from the run row and the database."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from archive.sql.crawls import run_summary, update_run
from archive.sql.engine import make_engine, make_sessionmaker
from archive.runs.monitors import Alert, monitor_run
from crawler.runner import CrawlOutcome


def summary_figures(outcome: CrawlOutcome) -> dict[str, object]:
    """Figures of one crawl run, read back from the database and the WARC directory."""
    engine = make_engine(outcome.db_url, migrate=False)
    try:
        with make_sessionmaker(engine)() as session:
            summary = run_summary(session, outcome.run_id)
    finally:
        engine.dispose()
    run = summary.run
    warc_dir = Path(outcome.data_dir) / "warc"
    return {
        "run": run.id,
        "status": f"{run.status} ({run.finish_reason})",
        "pages fetched": summary.captures,
        "fetch failures": summary.failed,
        "HTTP errors (4xx/5xx)": summary.http_errors,
        "reports": summary.reports,
        "new report versions": summary.new_versions,
        "reports with spam": summary.infected,
        "WARC files": summary.warc_files,
        "WARC bytes written": run.warc_bytes,
        "WARC directory": str(warc_dir),
        "database": engine.url.render_as_string(hide_password=True),
        "not modified (304)": run.not_modified,
        "revisit records": run.revisits,
        "events": ", ".join(f"{k} {v}" for k, v in sorted(summary.events.items())) or "none",
        "seconds": round(outcome.seconds, 1),
        "pages/second": round(summary.captures / outcome.seconds, 1) if outcome.seconds else None,
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
            update_run(session, outcome.run_id, exit_status=status)
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
