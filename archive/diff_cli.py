"""``gongkai diff``, ``gongkai trends`` and ``gongkai similar``: thin commands over ``archive.diff``.

Each command parses, calls one library function, and formats; lookup errors become one-line
``click.ClickException`` messages here.
"""

from __future__ import annotations

import json
import os
import sys

import click

from archive.cli import Paths, archive_options, open_output, output_option
from archive.diff import api
from archive.diff.dossier import build_dossier
from archive.diff.i18n import word
from archive.diff.model import to_json
from archive.diff.queries import DiffLookupError
from archive.diff.render_data import similar_json, similar_table, trends_csv, trends_json
from archive.diff.render_dossier import render_dossier
from archive.diff.render_html import render_diff, render_trends
from archive.diff.render_text import render_text

lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of the labels and page text (html and text formats).")


def _use_color(output: str | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@click.command("diff")
@archive_options
@click.option("--township", metavar="NAME", help="Compare this township's reports of two years.")
@click.option("--from-year", type=int, metavar="YEAR", help="Older report year (default: the year before --to-year).")
@click.option("--to-year", type=int, metavar="YEAR", help="Newer report year (default: the latest archived).")
@click.option("--url", metavar="URL", help="Compare two captured versions of this page instead.")
@click.option("--from", "from_spec", metavar="VERSION|DATE", help="With --url: version number or date (YYYY-MM-DD).")
@click.option("--to", "to_spec", metavar="VERSION|DATE", help="With --url: version number or date (default: latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text", show_default=True)
@click.option("--context", is_flag=True, help="Text format: also print unchanged sentences and zero rows.")
@lang_option
@output_option
def diff_command(paths: Paths, township, from_year, to_year, url, from_spec, to_spec, fmt, context, lang,
                 output) -> None:
    """Compare a township's reports across years, or one page across captures.

    Statistics (value, change, percent) per metric, compared across the 2019 and 2021 template
    changes through the concordance (docs/concordance.md); sections aligned by heading, sentences,
    then characters. With --url: also changed fields (a changed publication date is flagged) and
    spam findings that appeared or vanished.

    Example: gongkai diff --township 向家镇 --from-year 2018 --to-year 2019 --format html -o diff.html
    """
    if bool(township) == bool(url):
        raise click.UsageError("pass either --township (with --from-year/--to-year) or --url")
    if url is None and (from_spec or to_spec):
        raise click.UsageError("--from/--to go with --url; use --from-year/--to-year with --township")
    if url is not None and (from_year or to_year):
        raise click.UsageError("--from-year/--to-year go with --township; use --from/--to with --url")
    sessions = paths.sessions()
    try:
        with sessions() as session:
            if url is not None:
                report = api.diff_page(session, url, from_spec, to_spec)
            else:
                report = api.diff_years(session, township, from_year, to_year)
    except DiffLookupError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        text = _dump(to_json(report.result))
    elif fmt == "html":
        text = render_diff(report.result, trends=report.trends, lang=lang)
    else:
        text = render_text(report.result, color=_use_color(output), context=context, lang=lang)
    with open_output(output) as out:
        out.write(text)


@click.command("trends")
@archive_options
@click.option("--township", metavar="NAME", help="The township to chart.")
@click.option("--all-townships", is_flag=True, help="Every township, one line each.")
@click.option("--metric", "metrics", multiple=True, metavar="METRIC", help="Metric id (repeatable; default: all).")
@click.option("--format", "fmt", type=click.Choice(["html", "json", "csv"]), default="html", show_default=True)
@click.option("--min-years", type=click.IntRange(1), default=2, show_default=True,
              help="HTML: chart only metrics with figures in at least this many years.")
@lang_option
@output_option
def trends_command(paths: Paths, township, all_townships, metrics, fmt, min_years, lang, output) -> None:
    """Each metric across every archived report year, through the concordance of templates: SVG
    charts grouped by section, each point labelled and linked to its report's WARC citation, a table
    under each chart; printable.

    Example: gongkai trends --township 向家镇 --metric active_total --output trends.html
    """
    if bool(township) == bool(all_townships):
        raise click.UsageError("pass either --township NAME or --all-townships")
    sessions = paths.sessions()
    try:
        with sessions() as session:
            series = api.trends(session, townships=None if all_townships else [township],
                                metrics=list(metrics) or None)
    except DiffLookupError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        text = _dump(trends_json(series))
    elif fmt == "csv":
        text = trends_csv(series)
    else:
        name = word("trends_all", lang) if all_townships else township
        text = render_trends(series, title=word("trends_title", lang, unit=name), lang=lang, min_years=min_years)
    with open_output(output, newline="" if fmt == "csv" else None) as out:
        out.write(text)


@click.command("similar")
@archive_options
@click.option("--year", type=int, help="Only report on this year's reports.")
@click.option("--township", metavar="NAME", help="Only report on this township's reports.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.25, show_default=True,
              help="Flag pairs whose distinctive-text Jaccard similarity is at least this.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@output_option
def similar_command(paths: Paths, year, township, threshold, fmt, output) -> None:
    """Flag copy-paste (雷同) reports: nearest neighbours among the same township's other years
    and other townships' same-year reports, template boilerplate discounted.

    Example: gongkai similar --year 2019 --threshold 0.25
    """
    sessions = paths.sessions()
    try:
        with sessions() as session:
            result = api.similar_reports(session, year=year, township=township, threshold=threshold)
    except DiffLookupError as exc:
        raise click.ClickException(str(exc)) from exc
    text = _dump(similar_json(result, threshold)) if fmt == "json" else similar_table(result, threshold)
    with open_output(output) as out:
        out.write(text)


@click.command("dossier")
@archive_options
@click.option("--township", metavar="NAME", help="The township (镇, 乡, 街道) whose reports to gather.")
@click.option("--unit", metavar="NAME", help="The reporting unit (a township, department or government).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.25, show_default=True,
              help="Copy-paste similarity threshold (as `gongkai similar`).")
@lang_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The HTML file to write.")
def dossier_command(paths: Paths, township, unit, threshold, lang, output) -> None:
    """Write one self-contained HTML page about one reporting unit: every year's report with its
    title, dates, source and WARC citation; its figures across years through the concordance; what
    changed between captures of the same report; the spam removed or restored on its pages, with
    the evidence; copy-paste (雷同) matches with other units. No script; works offline; prints.

    Example: gongkai dossier --township 向家镇 --output 向家镇.html
    """
    if bool(township) == bool(unit):
        raise click.UsageError("pass either --township NAME or --unit NAME")
    sessions = paths.sessions()
    try:
        with sessions() as session:
            dossier = build_dossier(session, township=township, unit=unit, threshold=threshold)
    except DiffLookupError as exc:
        raise click.ClickException(str(exc)) from exc
    if dossier.requested == "unit" and dossier.matched_on == "township":
        click.echo("note: this archive has no unit column yet; --unit was matched against township names", err=True)
    with open_output(output) as out:
        out.write(render_dossier(dossier, lang=lang))
    click.echo(f"wrote {output}: {len(dossier.pages)} reports, {dossier.silent_edits} silent edits, "
               f"{dossier.spam_findings} spam findings, {len(dossier.similar.pairs)} copy-paste matches", err=True)
