"""Onboarding a county: ``gongkai discover URL`` writes a site profile from its home page alone."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import click

from archive.clock import utc_now
from gongkai.boundary import Command, Failure

_NAME = re.compile(r"[^a-z0-9_-]+")


def profile_name(url: str) -> str:
    """A profile name from a host: ``www.rs.gov.cn`` -> ``rs``; an address -> ``discovered``."""
    host = urlsplit(url).hostname or ""
    labels = [p for p in host.split(".") if p not in ("www", "gov", "cn", "com", "net", "org")]
    name = _NAME.sub("-", labels[0].lower()).strip("-") if labels else ""
    return name if name and not name.isdigit() else "discovered"


@click.command("discover", cls=Command)
@click.argument("url")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Profile file to write (default: NAME.toml here).")
@click.option("--name", default=None, help="The profile's name (default: from the host).")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between requests.")
@click.option("--max-pages", type=click.IntRange(3, 500), default=40, show_default=True,
              help="Fetch at most this many pages.")
@click.option("--force", is_flag=True, help="Overwrite an existing profile file.")
def discover_command(url: str, output: str | None, name: str | None, delay: float, max_pages: int,
                     force: bool) -> None:
    """Infer a site profile from a county portal's home page: the annual-report hub, its
    columns, listing rows, pager, article body and 上一条/下一条 links.

    Fetches a few dozen pages, obeying robots.txt and waiting DELAY seconds between requests,
    prints each inferred item with a confidence, and writes the profile for
    `gongkai crawl --site FILE` (docs/sites.md).

    Example: gongkai discover http://www.rs.gov.cn/ -o crawler/sites/rs.toml
    """
    from crawler.discover import discover
    from crawler.discover.toml import render_profile

    name = name or profile_name(url)
    path = Path(output or f"{name}.toml")
    if path.exists() and not force:
        raise Failure(f"{path} exists: pass --force to overwrite it or -o to write elsewhere")
    found = discover(url, delay=delay, max_pages=max_pages)
    try:
        path.write_text(render_profile(found, name=name, generated=utc_now()), encoding="utf-8")
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror}") from exc
    click.echo(f"{found.site_title} ({found.home_url}): {found.pages_fetched} pages fetched")
    for column in found.columns:
        refused = "  (not fetched: robots.txt)" if column.url in found.refused else ""
        click.echo(f"  column  {column.kind:<10} {column.text}  {column.url}{refused}")
    for finding in found.findings:
        click.echo(f"  {finding.item:<16} {finding.confidence:4.2f}  {finding.value}")
        click.echo(f"  {'':<16}       {finding.evidence}")
    click.echo(f"profile written to {path}: check it, then gongkai crawl --site {path}")


COMMANDS = (discover_command,)
