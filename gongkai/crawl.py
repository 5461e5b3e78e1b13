"""Archiving a site: ``gongkai crawl``, ``gongkai seed`` (a shared frontier) and ``gongkai sites``."""

from __future__ import annotations

import sys

import click

from archive.runs.monitors import EXIT_MONITOR_ALERT
from archive.sql.engine import display_url
from crawler import settings as defaults
from gongkai.boundary import Command, Failure
from gongkai.options import ArchivePaths, archive_options

# Scrapy, Twisted and the replica generator are imported by the commands that use them, so the
# archive's own commands (changes, search, show, export...) start in about 0.9 s instead of 1.5.


def settings_pairs(values: tuple[str, ...]) -> dict[str, str]:
    """``-s NAME=VALUE`` options as a dict."""
    settings = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        settings[name.strip()] = setting
    return settings


@click.command("crawl", cls=Command)
@click.option("--start-url", "start_urls", multiple=True, metavar="URL", help="Home, hub or listing page to start from (repeatable).")
@click.option("--site", default="renshou", show_default=True, help="Site profile name or path to a profile TOML.")
@archive_options
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting (repeatable), e.g. -s DOWNLOAD_DELAY=0.")
@click.option("--log-level", default="WARNING", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, help="Write the crawl log to FILE.")
@click.option("--redis-url", envvar="REDIS_URL", default=None, help="Join a shared Redis frontier (scrapy-redis) with other workers (or $REDIS_URL).")
@click.option("--worker-id", default=None, help="This worker's name (WARC names, lock file); default HOST-PID with --redis-url.")
@click.option("--idle-timeout", type=float, default=defaults.GONGKAI_IDLE_TIMEOUT, show_default=True, help="With --redis-url: stop once the frontier has been idle this long (s).")
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_MONITOR_ALERT} when a monitor fires (report count dropped, coverage fell, spam rose, many errors).")
def crawl_command(paths: ArchivePaths, start_urls, site, settings, log_level, log_file, redis_url, worker_id, idle_timeout, strict) -> None:
    """Crawl a site: listings, reports, prev/next chains and attachments, into WARC and SQL.

    Exits 0 when the crawl finished (failed pages are recorded), non-zero on fatal errors.

    Example: gongkai crawl --start-url http://www.rs.gov.cn/ --data-dir ./gongkai-data
    """
    from crawler.runner import prepare_crawl, start_crawl
    from gongkai.progress import EXTENSION as PROGRESS
    from gongkai.summary import print_summary, record_exit_status

    prepared = prepare_crawl(
        start_urls=list(start_urls), site=site, data_dir=paths.data_dir, db_url=paths.db_url,
        settings=settings_pairs(settings), log_level=log_level, log_file=log_file,
        extensions=PROGRESS if sys.stderr.isatty() else None,
        redis_url=redis_url, worker_id=worker_id, idle_timeout=idle_timeout,
    )
    sessions = paths.sessions(must_exist=False)  # fails in one line on a bad or unreachable database
    outcome = start_crawl(prepared, sessions)
    alerts = print_summary(outcome, sessions, database=display_url(paths.engine()))
    status = EXIT_MONITOR_ALERT if strict and alerts else 0
    record_exit_status(outcome, sessions, status)
    if status:
        raise Failure(f"{len(alerts)} monitor alert(s); see the summary above", status)


@click.command("seed", cls=Command)
@click.option("--redis-url", envvar="REDIS_URL", required=True, help="Redis of the shared frontier (or $REDIS_URL).")
@click.option("--start-url", "start_urls", multiple=True, metavar="URL", help="Start URL (repeatable; default: the profile's).")
@click.option("--site", default="renshou", show_default=True, help="Site profile name or path to a profile TOML.")
@click.option("--prefix", default=None, help="Redis key prefix of the job (default: gongkai:SITE).")
@click.option("--fresh", is_flag=True, help="Delete the previous job's queue, fingerprints and worker table first.")
def seed_command(redis_url, start_urls, site, prefix, fresh) -> None:
    """Queue start URLs on a shared Redis frontier for `gongkai crawl --redis-url` workers.

    A URL already seen in this job is not queued again; workers that are also given
    --start-url do not queue it twice either.

    Example: gongkai seed --redis-url redis://127.0.0.1:6379/0 --site renshou --fresh
    """
    from crawler.distributed import seed
    from crawler.profile import load_profile
    from crawler.runner import check_start_url

    urls = [check_start_url(u) for u in start_urls] or list(load_profile(site).start_urls)
    if not urls:
        raise click.UsageError("no start URL: pass --start-url or use a site profile that has start_urls")
    result = seed(redis_url, urls, site=site, prefix=prefix, fresh=fresh)
    click.echo(
        f"frontier {result.prefix}: queued {len(result.queued)}, already seen "
        f"{len(result.already_seen)}; {result.queue_length} request(s) waiting"
    )


@click.command("sites", cls=Command)
def sites_command() -> None:
    """List the site profiles that `gongkai crawl --site NAME` can use.

    Example: gongkai sites
    """
    from crawler.profile import profile_rows

    for row in profile_rows():
        click.echo(
            f"{row['name']:<12} {row['hosts']:<24} delay {row['download_delay']}s "
            f"x{row['per_domain']}  {row['title']}"
        )


COMMANDS = (crawl_command, seed_command, sites_command)
