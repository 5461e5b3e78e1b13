"""``gongkai demo``: replica site on loopback + crawl + summary + a few exported records."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console
from rich.table import Table

from archive.cli import Paths
from archive.sql.engine import make_engine, make_sessionmaker
from archive.export import export_records
from replica.generate import build_site
from replica.server import ReplicaServer
from crawler.runner import FAST_SETTINGS, run_crawl
from crawler.summary import print_summary

SAMPLE_RECORDS = 5


def run_demo(paths: Paths, *, scale: int = 1, replica_dir: Path | None = None) -> None:
    console = Console()
    replica_dir = replica_dir or paths.data_dir / "replica"
    if replica_dir.exists():
        shutil.rmtree(replica_dir)
    summary = build_site(replica_dir, scale=scale)
    console.print(f"[bold]replica site[/] built in {replica_dir}: {summary}")
    with ReplicaServer(replica_dir) as server:
        console.print(f"[bold]serving[/] {server.url} (loopback only); crawling with fast settings")
        outcome = run_crawl(
            start_urls=[server.url],
            site="renshou",
            data_dir=paths.data_dir,
            db_url=paths.db_url,
            settings=FAST_SETTINGS,
            progress=console.is_terminal,
        )
    print_summary(outcome, console)
    print_samples(paths, console)
    console.print(
        "next: [bold]gongkai export --format jsonl[/], [bold]gongkai verify[/], "
        f"[bold]warcio check {paths.data_dir / 'warc'}/*.warc.gz[/]"
    )


def print_samples(paths: Paths, console: Console, limit: int = SAMPLE_RECORDS) -> None:
    """A few exported records, each with its citation into the WARC."""
    engine = make_engine(paths.db_url, migrate=False)
    table = Table(title=f"first {limit} exported reports (gongkai export --format jsonl)")
    for column in ("township", "year", "published", "source", "period", "spam"):
        table.add_column(column, no_wrap=True)
    citations = []
    try:
        with make_sessionmaker(engine)() as session:
            for count, record in enumerate(export_records(session)):
                if count >= limit:
                    break
                table.add_row(
                    record["township"] or "-",
                    str(record["report_year"] or "-"),
                    record["published_date"] or "-",
                    record["source"] or "(empty)",
                    f"{record['period_start'] or '?'}..{(record['period_end'] or '?')[5:]}",
                    str(len(record["spam_findings"])),
                )
                citations.append(
                    f"{record['township']}: {record['warc_filename']} @ {record['warc_offset']} "
                    f"{record['warc_record_id']}"
                )
    finally:
        engine.dispose()
    console.print(table)
    console.print("citations (WARC file @ offset, record id):")
    for line in citations:
        console.print(f"  {line}", soft_wrap=True)
