"""The ``gongkai`` command: one click group; each command parses, calls the library, formats.

Crawling commands live here; the commands that read the archive live in ``archive/cli.py``
and are registered into the same group.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.monitors import EXIT_MONITOR_ALERT
from archive.diff_cli import diff_command, dossier_command, similar_command, trends_command
from archive.research_cli import RESEARCH_COMMANDS
from archive.cli import (
    Paths,
    archive_options,
    changes_command,
    export_command,
    spam_report_command,
    verify_command,
)
from crawler import __version__

if TYPE_CHECKING:
    from crawler.runner import CrawlOutcome

# Scrapy, Twisted and the replica generator are imported by the commands that use them, so the
# archive's own commands (changes, search, show, export...) start in about 0.9 s instead of 1.5.
#: The replica's county variants (crawler.replica.variant.VARIANTS; tests/test_cli.py checks).
VARIANT_NAMES = ("renshou", "qingxi")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def main() -> None:
    """gongkai (公开): archive county government disclosure reports into WARC and SQL."""


def _settings_pairs(values: tuple[str, ...]) -> dict[str, str]:
    settings = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        settings[name.strip()] = setting
    return settings


@main.command("crawl")
@click.option("--start-url", "start_urls", multiple=True, metavar="URL", help="Home, hub or listing page to start from (repeatable).")
@click.option("--site", default="renshou", show_default=True, help="Site profile name or path to a profile TOML.")
@archive_options
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting (repeatable), e.g. -s DOWNLOAD_DELAY=0.")
@click.option("--log-level", default="WARNING", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, help="Write the crawl log to FILE.")
@click.option("--redis-url", envvar="REDIS_URL", default=None, help="Join a shared Redis frontier (scrapy-redis) with other workers (or $REDIS_URL).")
@click.option("--worker-id", default=None, help="This worker's name (WARC names, lock file); default HOST-PID with --redis-url.")
@click.option("--idle-timeout", type=float, default=30.0, show_default=True, help="With --redis-url: stop once the frontier has been idle this long (s).")
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_MONITOR_ALERT} when a monitor fires (report count dropped, coverage fell, spam rose, many errors).")
def crawl_command(paths: Paths, start_urls, site, settings, log_level, log_file, redis_url, worker_id, idle_timeout, strict) -> None:
    """Crawl a site: listings, reports, prev/next chains and attachments, into WARC and SQL.

    Exits 0 when the crawl finished (failed pages are recorded), non-zero on fatal errors.

    Example: gongkai crawl --start-url http://www.rs.gov.cn/ --data-dir ./gongkai-data
    """
    from crawler.summary import print_summary, record_exit_status

    outcome = _crawl(
        paths, start_urls, site, _settings_pairs(settings), log_level, log_file,
        redis_url=redis_url, worker_id=worker_id, idle_timeout=idle_timeout,
    )
    alerts = print_summary(outcome)
    status = EXIT_MONITOR_ALERT if strict and alerts else 0
    record_exit_status(outcome, status)
    if status:
        raise CrawlFailed(f"{len(alerts)} monitor alert(s); see the summary above", status)


def _crawl(paths: Paths, start_urls, site, settings, log_level, log_file, **distributed) -> CrawlOutcome:
    from crawler.runner import CrawlError, run_crawl

    try:
        return run_crawl(
            **distributed,
            start_urls=list(start_urls),
            site=site,
            data_dir=paths.data_dir,
            db_url=paths.db_url,
            settings=settings,
            log_level=log_level,
            log_file=log_file,
            progress=sys.stderr.isatty(),
        )
    except CrawlError as exc:
        raise CrawlFailed(str(exc), exc.exit_code) from exc


class CrawlFailed(click.ClickException):
    """A fatal crawl error: one line on stderr, the error's own exit code (75: locked)."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


@main.command("seed")
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
    from crawler.distributed import DistributedError, seed
    from crawler.profile import ProfileError, load_profile
    from crawler.runner import CrawlError, check_start_url

    try:
        urls = [check_start_url(u) for u in start_urls] or list(load_profile(site).start_urls)
    except (CrawlError, ProfileError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not urls:
        raise click.UsageError("no start URL: pass --start-url or use a site profile that has start_urls")
    try:
        result = seed(redis_url, urls, site=site, prefix=prefix, fresh=fresh)
    except DistributedError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"frontier {result.prefix}: queued {len(result.queued)}, already seen "
        f"{len(result.already_seen)}; {result.queue_length} request(s) waiting"
    )


@main.command("sites")
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


@main.command("demo")
@archive_options
@click.option("--scale", default=1, show_default=True, help="Replica size (1 = 30 townships x 5 years).")
@click.option("--replica-dir", type=click.Path(file_okay=False), default=None, help="Where to build the replica (default: DATA_DIR/replica).")
def demo_command(paths: Paths, scale: int, replica_dir: str | None) -> None:
    """Build the replica county site, serve it on loopback, crawl it, and show what was archived.

    Example: gongkai demo --data-dir ./gongkai-data
    """
    from crawler.demo import run_demo
    from crawler.runner import CrawlError

    try:
        run_demo(paths, scale=scale, replica_dir=Path(replica_dir) if replica_dir else None)
    except CrawlError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("reprocess")
@archive_options
def reprocess_command(paths: Paths) -> None:
    """Re-run cleaning and extraction over the archived WARC records (no network).

    Stores a new version only where the results change, so an improved extractor needs no
    re-crawl; the changes appear in `gongkai changes` under a run of its own.

    Example: gongkai reprocess --data-dir ./gongkai-data
    """
    from archive.clock import utc_now
    from pipelines.reprocess import reprocess

    sessions = paths.sessions()
    summary = reprocess(sessions, paths.data_dir / "warc", clock=utc_now, software=f"gongkai/{__version__}")
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(summary.outcomes.items())) or "nothing"
    click.echo(f"reprocess run {summary.run_id}: {summary.pages} reports ({outcomes})")
    for problem in summary.problems[:20]:
        click.echo(f"problem: {problem}", err=True)
    if summary.problems:
        raise click.ClickException(f"{len(summary.problems)} report(s) could not be read back from the WARC")


@main.group("replica")
def replica_group() -> None:
    """The replica VSB county site used by the demo, the tests and the benchmarks."""


@replica_group.command("build")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--scale", default=1, show_default=True, help="Multiply the number of townships.")
@click.option("--seed", default=2019, show_default=True, help="Random seed (the site is deterministic per seed).")
@click.option("--variant", type=click.Choice(VARIANT_NAMES), default="renshou", show_default=True, help="Which county's templates.")
def replica_build(directory: str, scale: int, seed: int, variant: str) -> None:
    """Generate the replica site, its manifest and its ground truth into DIRECTORY.

    Example: gongkai replica build ./replica --scale 7
    """
    from crawler.replica.generate import build_site

    if scale < 1:
        raise click.BadParameter("must be at least 1", param_hint="--scale")
    summary = build_site(Path(directory), scale=scale, seed=seed, variant=variant)
    click.echo(f"replica built in {directory}: {summary}")


@replica_group.command("serve")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, show_default=True, help="0 picks a free port.")
def replica_serve(directory: str, host: str, port: int) -> None:
    """Serve a built replica until interrupted; prints its URL first.

    Example: gongkai replica serve ./replica --port 8000
    """
    from crawler.replica.server import serve_forever

    serve_forever(Path(directory), host=host, port=port, ready=lambda url: click.echo(f"REPLICA {url}", nl=True))


main.add_command(export_command)
main.add_command(verify_command)
main.add_command(changes_command)
main.add_command(spam_report_command)
main.add_command(diff_command)
main.add_command(trends_command)
main.add_command(similar_command)
main.add_command(dossier_command)
for _command in RESEARCH_COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
