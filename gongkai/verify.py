"""Checking an archive: ``gongkai verify``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from archive.reports.verify import verify_archives
from gongkai.boundary import Command, Failure
from gongkai.options import ArchivePaths, archive_options

#: Problems listed one per line; the rest are counted.
SHOWN_PROBLEMS = 50


@click.command("verify", cls=Command)
@archive_options
@click.option("--warc-dir", "warc_dirs", multiple=True, type=click.Path(file_okay=False),
              help="WARC directory to check (repeatable: every worker's); default DATA_DIR/warc.")
def verify_command(paths: ArchivePaths, warc_dirs) -> None:
    """Check that every WARC record the database points at is there, whole and unchanged.

    Re-reads each capture's record (offset, record id, payload digest) and reads every WARC file
    in DATA_DIR/warc/ to its end. Exits 1 on any mismatch.

    Example: gongkai verify --data-dir ./gongkai-data
    """
    sessions = paths.sessions()
    with sessions() as session:
        report = verify_archives(session, [Path(d) for d in warc_dirs] or [paths.warc_dir])
    table = Table(title="gongkai verify", show_header=False)
    table.add_row("WARC files", str(report.files))
    table.add_row("WARC files read whole", str(report.files_whole))
    table.add_row("records read", str(report.records))
    table.add_row("captures checked", str(report.captures_checked))
    table.add_row("problems", str(len(report.problems)))
    Console().print(table)
    for problem in report.problems[:SHOWN_PROBLEMS]:
        click.echo(f"problem: {problem}", err=True)
    if report.problems:
        raise Failure(f"{len(report.problems)} problem(s) found")
    click.echo("verify: OK")


COMMANDS = (verify_command,)
