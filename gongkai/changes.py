"""The morning's reading after a nightly crawl: ``gongkai changes``."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import click

from archive.sql.crawls import events
from gongkai.boundary import Command
from gongkai.options import ArchivePaths, archive_options, output_option
from gongkai.output import Formats, csv_format, json_format, text_format

EVENT_FIELDS = ("event", "url", "detected_at", "run_id", "capture_id", "previous_capture_id", "version_id", "summary")


def event_line(event: dict[str, Any]) -> str:
    summary = f"  {event['summary']}" if event.get("summary") else ""
    return f"{event['detected_at']}  run {event['run_id']:<4} {event['event']:<13} {event['url']}{summary}"


FORMATS = Formats(
    text=text_format(lambda feed: "".join(event_line(e) + "\n" for e in feed)),
    json=json_format(),
    csv=csv_format(EVENT_FIELDS),
)


@click.command("changes", cls=Command)
@archive_options
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]), default=None,
              help="Only events detected at or after DATE (UTC), e.g. 2026-11-28.")
@click.option("--run", "run_id", type=int, default=None, help="Only events of crawl run ID.")
@FORMATS.option("text")
@output_option
def changes_command(paths: ArchivePaths, since, run_id: int | None, fmt: str, output: str | None) -> None:
    """What changed: new, changed, removed, unlisted, reappeared, spam and failure events.

    This is the feed to read each morning after the nightly crawl.

    Example: gongkai changes --since 2026-11-28 --format json
    """
    sessions = paths.sessions()
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with sessions() as session:
        feed = list(events(session, since=since, run_id=run_id))
    FORMATS.write(fmt, feed, output)
    if fmt == "text" and not feed:
        click.echo("no changes", err=True)


COMMANDS = (changes_command,)
