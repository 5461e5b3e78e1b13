"""The end-of-crawl summary table, from the run row and the database."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import distinct, func, select

from archive.db import make_engine, make_sessionmaker
from archive.models import Capture, CrawlRun, ReportVersion, SpamFinding
from crawler.runner import CrawlOutcome


def run_figures(outcome: CrawlOutcome) -> dict[str, object]:
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
        "seconds": round(outcome.seconds, 1),
        "pages/second": round(captures / outcome.seconds, 1) if outcome.seconds else None,
    }


def print_summary(outcome: CrawlOutcome, console: Console | None = None) -> dict[str, object]:
    figures = run_figures(outcome)
    table = Table(title="gongkai crawl summary", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    for name, value in figures.items():
        table.add_row(name, str(value))
    (console or Console()).print(table)
    return figures
