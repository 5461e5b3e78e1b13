"""The archive side of the CLI: commands that read the corpus (export, verify).

Each command parses its options, calls one library function and formats the result. Library
errors become one-line ``click.ClickException`` messages here, at the boundary.
"""

from __future__ import annotations

import functools
import os
import sys
from datetime import UTC
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from archive.sql.engine import DatabaseError, default_url, make_engine, make_sessionmaker
from archive.sql.crawls import events as query_events
from archive.reports.export import ExportError, export_records, write_csv, write_jsonl, write_parquet
from archive.search.query import QueryError, SearchFilters, parse_day
from archive.reports.spam_report import spam_report, write_report
from archive.reports.verify import verify_archives

DEFAULT_DATA_DIR = "gongkai-data"


class Paths:
    """Where an archive lives: its data directory and its database URL."""

    def __init__(self, data_dir: str, db: str | None):
        self.data_dir = Path(data_dir)
        self.db_url = db or default_url(self.data_dir)

    def sessions(self, *, must_exist: bool = True):
        if must_exist and self.db_url.startswith("sqlite:///"):
            path = Path(self.db_url[len("sqlite:///"):])
            if not path.exists():
                raise click.ClickException(
                    f"no archive at {self.data_dir} (no database {path}); run `gongkai crawl` or `gongkai demo` first, or pass --data-dir/--db"
                )
        try:
            engine = make_engine(self.db_url)
        except DatabaseError as exc:
            raise click.ClickException(str(exc)) from exc
        return make_sessionmaker(engine)


def archive_options(func):
    """--data-dir and --db, shared by every command."""

    @click.option(
        "--data-dir",
        default=lambda: os.environ.get("GONGKAI_DATA_DIR", DEFAULT_DATA_DIR),
        show_default=f"./{DEFAULT_DATA_DIR} or $GONGKAI_DATA_DIR",
        help="Archive directory (WARC files in warc/, SQLite database).",
    )
    @click.option("--db", "db", default=None, help="SQLAlchemy database URL (default: DATA_DIR/gongkai.sqlite).")
    @functools.wraps(func)
    def wrapper(*args, data_dir, db, **kwargs):
        return func(*args, paths=Paths(data_dir, db), **kwargs)

    return wrapper


def output_option(func):
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
        help="Write to FILE instead of stdout.",
    )(func)


def open_output(output: str | None, *, newline: str | None = None):
    if output is None:
        return _StdoutCloser(sys.stdout)
    try:
        return open(output, "w", encoding="utf-8", newline=newline)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from exc


class _StdoutCloser:
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        self.stream.flush()
        return False


@click.command("export")
@archive_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), required=True,
              help="Output format (parquet needs pyarrow and --output).")
@click.option("--township", default=None, help="Only this township (e.g. 向家镇).")
@click.option("--year", type=int, default=None, help="Only reports about this year.")
@click.option("--from", "date_from", default=None, metavar="DATE", help="Published on or after DATE (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, metavar="DATE", help="Published on or before DATE (YYYY-MM-DD).")
@output_option
def export_command(paths: Paths, fmt: str, township, year, date_from, date_to, output: str | None) -> None:
    """Export the latest version of every report, with its WARC citation (streamed).

    CSV columns are in the documented order of README "The CLI" (lists as JSON).

    Example: gongkai export --format csv --township 向家镇 --from 2019-01-01 -o xj.csv
    """
    try:
        filters = SearchFilters(
            township=township,
            year=year,
            date_from=parse_day(date_from, "--from") if date_from else None,
            date_to=parse_day(date_to, "--to") if date_to else None,
        )
    except QueryError as exc:
        raise click.BadParameter(str(exc)) from exc
    sessions = paths.sessions()
    if fmt == "parquet":
        if not output:
            raise click.UsageError("--format parquet needs --output FILE")
        with sessions() as session:
            try:
                count = write_parquet(export_records(session, filters), output)
            except ExportError as exc:
                raise click.ClickException(str(exc)) from exc
        click.echo(f"exported {count} reports to {output}", err=True)
        return
    with sessions() as session, open_output(output, newline="" if fmt == "csv" else None) as out:
        records = export_records(session, filters)
        count = write_jsonl(records, out) if fmt == "jsonl" else write_csv(records, out)
    if output:
        click.echo(f"exported {count} reports to {output}", err=True)


@click.command("verify")
@archive_options
@click.option("--warc-dir", "warc_dirs", multiple=True, type=click.Path(file_okay=False),
              help="WARC directory to check (repeatable: every worker's); default DATA_DIR/warc.")
def verify_command(paths: Paths, warc_dirs) -> None:
    """Check that every WARC record the database points at is there, whole and unchanged.

    Re-reads each capture's record (offset, record id, payload digest) and reads every WARC file
    in DATA_DIR/warc/ to its end. Exits 1 on any mismatch.

    Example: gongkai verify --data-dir ./gongkai-data
    """
    sessions = paths.sessions()
    with sessions() as session:
        report = verify_archives(session, [Path(d) for d in warc_dirs] or [paths.data_dir / "warc"])
    console = Console()
    table = Table(title="gongkai verify", show_header=False)
    table.add_row("WARC files", str(report.files))
    table.add_row("WARC files read whole", str(report.files_whole))
    table.add_row("records read", str(report.records))
    table.add_row("captures checked", str(report.captures_checked))
    table.add_row("problems", str(len(report.problems)))
    console.print(table)
    for problem in report.problems[:50]:
        click.echo(f"problem: {problem}", err=True)
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} problem(s) found")
    click.echo("verify: OK")


@click.command("changes")
@archive_options
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]), default=None,
              help="Only events detected at or after DATE (UTC), e.g. 2026-11-28.")
@click.option("--run", "run_id", type=int, default=None, help="Only events of crawl run ID.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@output_option
def changes_command(paths: Paths, since, run_id: int | None, fmt: str, output: str | None) -> None:
    """What changed: new, changed, removed, unlisted, reappeared, spam and failure events.

    This is the feed to read each morning after the nightly crawl.

    Example: gongkai changes --since 2026-11-28 --format json
    """
    sessions = paths.sessions()
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with sessions() as session, open_output(output, newline="" if fmt == "csv" else None) as out:
        count = write_events(query_events(session, since=since, run_id=run_id), out, fmt)
    if fmt == "text" and count == 0:
        click.echo("no changes", err=True)


@click.command("spam-report")
@archive_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@output_option
def spam_report_command(paths: Paths, fmt: str, output: str | None) -> None:
    """Which pages carry injected spam: kinds, phrases, first and last capture seen, site totals.

    Example: gongkai spam-report --format json --output infection.json
    """
    sessions = paths.sessions()
    with sessions() as session:
        report = spam_report(session)
    if fmt != "table":
        with open_output(output, newline="" if fmt == "csv" else None) as out:
            write_report(report, out, fmt)
        return
    console = Console(file=open(output, "w", encoding="utf-8") if output else None)
    share = report.pages_infected / report.pages_crawled if report.pages_crawled else 0.0
    console.print(f"[bold]{report.pages_infected} of {report.pages_crawled} report pages infected ({share:.1%})[/]")
    phrases = Table(title="injected phrases, by findings")
    for column in ("phrase", "findings", "pages"):
        phrases.add_column(column)
    for phrase, count, pages in report.phrases[:20]:
        phrases.add_row(phrase, str(count), str(pages))
    console.print(phrases)
    pages = Table(title="infected pages")
    for column in ("url", "kinds", "findings", "first seen", "last seen"):
        pages.add_column(column)
    for page in report.pages:
        pages.add_row(page.url, ", ".join(page.kinds) or "(cleared)", str(page.findings), page.first_seen or "-", page.last_seen or "-")
    console.print(pages)


EVENT_FIELDS = ("event", "url", "detected_at", "run_id", "capture_id", "previous_capture_id", "version_id", "summary")


def write_events(events, out, fmt: str) -> int:
    import csv
    import json

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
        summary = f"  {event['summary']}" if event.get("summary") else ""
        out.write(f"{event['detected_at']}  run {event['run_id']:<4} {event['event']:<13} {event['url']}{summary}\n")
        count += 1
    return count
