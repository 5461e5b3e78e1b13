"""The evidence that a site was hacked: ``gongkai spam-report``."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from archive.reports.spam_report import PAGE_COLUMNS, SpamReport, as_json, page_rows, spam_report
from gongkai.boundary import Command
from gongkai.options import ArchivePaths, archive_options, output_option
from gongkai.output import Formats, csv_format, json_format, rich_format

#: Phrases shown in the table form.
TOP_PHRASES = 20


def draw_report(report: SpamReport, console: Console) -> None:
    share = report.pages_infected / report.pages_crawled if report.pages_crawled else 0.0
    console.print(f"[bold]{report.pages_infected} of {report.pages_crawled} report pages infected ({share:.1%})[/]")
    phrases = Table(title="injected phrases, by findings")
    for column in ("phrase", "findings", "pages"):
        phrases.add_column(column)
    for phrase, count, pages in report.phrases[:TOP_PHRASES]:
        phrases.add_row(phrase, str(count), str(pages))
    console.print(phrases)
    if report.suspects:
        console.print(f"[bold]{report.pages_suspected} report pages hold spans the cleaner suspects but left in place[/]")
        suspects = Table(title="suspected, left in place (check by hand)")
        for column in ("text", "findings", "pages"):
            suspects.add_column(column)
        for text, count, pages in report.suspects[:TOP_PHRASES]:
            suspects.add_row(text, str(count), str(pages))
        console.print(suspects)
    pages = Table(title="infected and suspected pages")
    for column in ("url", "kinds", "findings", "suspected", "first seen", "last seen"):
        pages.add_column(column)
    for page in report.pages:
        kinds = ", ".join(page.kinds) or ("(cleared)" if page.first_seen else "-")
        pages.add_row(page.url, kinds, str(page.findings), "; ".join(page.suspected) or "-", page.first_seen or "-",
                      page.last_seen or "-")
    console.print(pages)


FORMATS = Formats(
    table=rich_format(draw_report),
    json=json_format(lambda report: as_json(report)),
    csv=csv_format(PAGE_COLUMNS, lambda report: page_rows(report)),
)


@click.command("spam-report", cls=Command)
@archive_options
@FORMATS.option("table")
@output_option
def spam_report_command(paths: ArchivePaths, fmt: str, output: str | None) -> None:
    """Which pages carry injected spam: kinds, phrases, first and last capture seen, site totals.

    Example: gongkai spam-report --format json --output infection.json
    """
    sessions = paths.sessions()
    with sessions() as session:
        report = spam_report(session)
    FORMATS.write(fmt, report, output)


COMMANDS = (spam_report_command,)
