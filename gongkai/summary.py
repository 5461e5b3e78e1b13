"""The end-of-crawl summary table and the monitors' alerts, from the run's rows."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from archive.runs.monitors import Alert, monitor_run
from archive.sql.crawls import run_summary, update_run
from archive.sql.engine import Sessions
from archive.warc.files import warc_dir
from crawler.runner import CrawlOutcome  # imports Scrapy: import this module lazily


def summary_figures(outcome: CrawlOutcome, sessions: Sessions, *, database: str) -> dict[str, object]:
    """Figures of one crawl run, read back from the database (``database``: its URL as shown)."""
    with sessions() as session:
        summary = run_summary(session, outcome.run_id)
    run = summary.run
    return {
        "run": run.id,
        "status": f"{run.status} ({run.finish_reason})",
        "pages fetched": summary.captures,
        "fetch failures": summary.failed,
        "HTTP errors (4xx/5xx)": summary.http_errors,
        "reports": summary.reports,
        "new report versions": summary.new_versions,
        "reports with spam": summary.infected,
        "suspected, left in place": summary.suspected,
        "WARC files": summary.warc_files,
        "WARC bytes written": run.warc_bytes,
        "WARC directory": str(warc_dir(outcome.data_dir)),
        "database": database,
        "not modified (304)": run.not_modified,
        "revisit records": run.revisits,
        "events": ", ".join(f"{k} {v}" for k, v in sorted(summary.events.items())) or "none",
        "seconds": round(outcome.seconds, 1),
        "pages/second": round(summary.captures / outcome.seconds, 1) if outcome.seconds else None,
    }


def print_summary(outcome: CrawlOutcome, sessions: Sessions, *, database: str,
                  console: Console | None = None) -> list[Alert]:
    """Print the summary table and the monitors' alerts; returns the alerts."""
    console = console or Console()
    table = Table(title="gongkai crawl summary", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    for name, value in summary_figures(outcome, sessions, database=database).items():
        table.add_row(name, str(value))
    console.print(table)
    with sessions() as session:
        alerts = monitor_run(session, outcome.run_id)
    for alert in alerts:
        console.print(f"[bold red]alert[/] {alert.monitor}: {alert.message}")
    return alerts


def record_exit_status(outcome: CrawlOutcome, sessions: Sessions, status: int) -> None:
    with sessions.begin() as session:
        update_run(session, outcome.run_id, exit_status=status)
