"""``gongkai demo``: replica site on loopback + crawl + summary + a few exported records."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from archive.reports.export import export_records
from archive.sql.engine import Sessions, display_url
from gongkai.boundary import Command
from gongkai.options import ArchivePaths, archive_options

SAMPLE_RECORDS = 5


@click.command("demo", cls=Command)
@archive_options
@click.option("--scale", default=1, show_default=True, help="Replica size (1 = 30 townships x 5 years, plus 71 department, zone and county reports).")
@click.option("--replica-dir", type=click.Path(file_okay=False), default=None, help="Where to build the replica (default: DATA_DIR/replica).")
def demo_command(paths: ArchivePaths, scale: int, replica_dir: str | None) -> None:
    """Build the replica county site, serve it on loopback, crawl it, and show what was archived.

    Example: gongkai demo --data-dir ./gongkai-data
    """
    run_demo(paths, scale=scale, replica_dir=Path(replica_dir) if replica_dir else None)


def run_demo(paths: ArchivePaths, *, scale: int = 1, replica_dir: Path | None = None) -> None:
    # Scrapy and the replica are imported here, not when the command line starts
    from crawler.runner import FAST_SETTINGS, prepare_crawl, start_crawl
    from gongkai.progress import EXTENSION as PROGRESS
    from gongkai.summary import print_summary
    from replica.generate import build_site
    from replica.server import ReplicaServer

    console = Console()
    replica_dir = replica_dir or paths.data_dir / "replica"
    if replica_dir.exists():
        shutil.rmtree(replica_dir)
    summary = build_site(replica_dir, scale=scale)
    console.print(f"[bold]replica site[/] built in {replica_dir}: {summary}")
    with ReplicaServer(replica_dir) as server:
        console.print(f"[bold]serving[/] {server.url} (loopback only); crawling with fast settings")
        prepared = prepare_crawl(
            start_urls=[server.url], site="renshou", data_dir=paths.data_dir, db_url=paths.db_url,
            settings=FAST_SETTINGS, extensions=PROGRESS if console.is_terminal else None,
        )
        sessions = paths.sessions(must_exist=False)
        outcome = start_crawl(prepared, sessions)
    print_summary(outcome, sessions, database=display_url(paths.engine()), console=console)
    print_samples(sessions, console)
    console.print(
        "next: [bold]gongkai export --format jsonl[/], [bold]gongkai verify[/], "
        f"[bold]warcio check {paths.warc_dir}/*.warc.gz[/]"
    )


def print_samples(sessions: Sessions, console: Console, limit: int = SAMPLE_RECORDS) -> None:
    """A few exported records, one of each kind of reporting unit first, each with its citation
    into the WARC."""
    table = Table(title=f"{limit} exported reports (gongkai export --format jsonl)")
    for column in ("unit", "kind", "year", "published", "source", "spam"):
        table.add_column(column, no_wrap=True)
    citations = []
    with sessions() as session:
        for record in _samples(export_records(session), limit):
            table.add_row(
                record["unit"] or "-",
                record["unit_kind"] or "-",
                str(record["report_year"] or "-"),
                record["published_date"] or "-",
                record["source"] or "(empty)",
                str(len(record["spam_findings"])),
            )
            citations.append(
                f"{record['unit'] or record['url']} {record['report_year'] or ''}: {record['warc_filename']} "
                f"@ {record['warc_offset']} {record['warc_record_id']}"
            )
    console.print(table)
    console.print("citations (WARC file @ offset, record id):")
    for line in citations:
        console.print(f"  {line}", soft_wrap=True)


def _samples(records, limit: int) -> list[dict]:
    """The first record of each unit kind, then the next records, ``limit`` in all."""
    chosen: list[dict] = []
    rest: list[dict] = []
    kinds: set = set()
    for record in records:
        if record["unit_kind"] not in kinds:
            kinds.add(record["unit_kind"])
            chosen.append(record)
        elif len(rest) < limit:
            rest.append(record)
    return (chosen + rest)[:limit]


COMMANDS = (demo_command,)
