"""Cleaning and extraction again, from the WARC files: ``gongkai reprocess``."""

from __future__ import annotations

import click

from gongkai.boundary import Command, Failure
from gongkai.options import ArchivePaths, archive_options

#: Problems listed one per line; the rest are counted.
SHOWN_PROBLEMS = 20


@click.command("reprocess", cls=Command)
@archive_options
def reprocess_command(paths: ArchivePaths) -> None:
    """Re-run cleaning and extraction over the archived WARC records (no network).

    Stores a new version only where the results change, so an improved extractor needs no
    re-crawl; the changes appear in `gongkai changes` under a run of its own.

    Example: gongkai reprocess --data-dir ./gongkai-data
    """
    from archive.clock import utc_now
    from crawler import __version__
    from crawler.config import default
    from pipelines.pool import auto_workers
    from pipelines.reprocess import reprocess

    summary = reprocess(
        paths.sessions(), paths.warc_dir, clock=utc_now, software=f"gongkai/{__version__}",
        context_texts=default("GONGKAI_CONTEXT_TEXTS"), workers=auto_workers(default("GONGKAI_PROCESS_WORKERS")),
        batch_size=default("GONGKAI_STORE_BATCH"),
    )  # fmt: skip
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(summary.outcomes.items())) or "nothing"
    click.echo(f"reprocess run {summary.run_id}: {summary.pages} reports ({outcomes})")
    for problem in summary.problems[:SHOWN_PROBLEMS]:
        click.echo(f"problem: {problem}", err=True)
    if summary.problems:
        raise Failure(f"{len(summary.problems)} report(s) could not be read back from the WARC")


COMMANDS = (reprocess_command,)
