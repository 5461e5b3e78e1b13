"""``gongkai diff``, ``gongkai trends`` and ``gongkai similar``: thin commands over ``archive.diff``
(``gongkai dossier`` is ``gongkai.dossier``)."""

from __future__ import annotations

import os
from typing import IO

import click

from archive.diff import api
from archive.diff.i18n import word
from archive.diff.model import to_json
from archive.diff.render_data import similar_json, similar_table, trends_csv, trends_json
from archive.diff.render_html import render_diff, render_trends
from archive.diff.render_text import render_text
from gongkai.boundary import Command
from gongkai.options import ArchivePaths, archive_options, lang_option, output_option
from gongkai.output import Format, Formats, json_format, text_format


def _use_color(out: IO[str]) -> bool:
    return out.isatty() and "NO_COLOR" not in os.environ


def _diff_text(report: api.DiffReport, out: IO[str], *, context: bool, lang: str) -> None:
    out.write(render_text(report.result, color=_use_color(out), context=context, lang=lang))


DIFF_FORMATS = Formats(
    text=Format(_diff_text),
    html=text_format(lambda report, *, lang, **_: render_diff(report.result, trends=report.trends, lang=lang)),
    json=json_format(lambda report, **_: to_json(report.result), indent=2),
)
TRENDS_FORMATS = Formats(
    html=text_format(lambda series, *, title, lang, min_years: render_trends(
        series, title=title, lang=lang, min_years=min_years)),
    json=json_format(lambda series, **_: trends_json(series), indent=2),
    csv=Format(text_format(lambda series, **_: trends_csv(series)).write, newline=""),
)
SIMILAR_FORMATS = Formats(
    table=text_format(lambda result, *, threshold: similar_table(result, threshold)),
    json=json_format(lambda result, *, threshold: similar_json(result, threshold), indent=2),
)


@click.command("diff", cls=Command)
@archive_options
@click.option("--township", metavar="NAME", help="Compare this township's reports of two years.")
@click.option("--unit", metavar="NAME", help="Compare this reporting unit's reports of two years (a township, "
              "department, zone or government, as filed: 仁寿县教育和体育局).")
@click.option("--from-year", type=int, metavar="YEAR", help="Older report year (default: the year before --to-year).")
@click.option("--to-year", type=int, metavar="YEAR", help="Newer report year (default: the latest archived).")
@click.option("--url", metavar="URL", help="Compare two captured versions of this page instead.")
@click.option("--from", "from_spec", metavar="VERSION|DATE", help="With --url: version number or date (YYYY-MM-DD).")
@click.option("--to", "to_spec", metavar="VERSION|DATE", help="With --url: version number or date (default: latest).")
@DIFF_FORMATS.option("text")
@click.option("--context", is_flag=True, help="Text format: also print unchanged sentences and zero rows.")
@lang_option
@output_option
def diff_command(paths: ArchivePaths, township, unit, from_year, to_year, url, from_spec, to_spec, fmt, context,
                 lang, output) -> None:
    """Compare a unit's (or township's) reports across years, or one page across captures.

    Statistics (value, change, percent) per metric, compared across the 2019 and 2021 template
    changes through the concordance (docs/concordance.md); sections aligned by heading, sentences,
    then characters. With --url: also changed fields (a changed publication date is flagged) and
    spam findings that appeared or vanished.

    Example: gongkai diff --township 向家镇 --from-year 2018 --to-year 2019 --format html -o diff.html
    """
    if sum(map(bool, (township, unit, url))) != 1:
        raise click.UsageError("pass either --township or --unit (with --from-year/--to-year), or --url")
    if url is None and (from_spec or to_spec):
        raise click.UsageError("--from/--to go with --url; use --from-year/--to-year with --township or --unit")
    if url is not None and (from_year or to_year):
        raise click.UsageError("--from-year/--to-year go with --township or --unit; use --from/--to with --url")
    sessions = paths.sessions()
    with sessions() as session:
        if url is not None:
            report = api.diff_page(session, url, from_spec, to_spec)
        else:
            report = api.diff_years(session, township, from_year, to_year, unit=unit)
    DIFF_FORMATS.write(fmt, report, output, context=context, lang=lang)


@click.command("trends", cls=Command)
@archive_options
@click.option("--township", metavar="NAME", help="The township to chart.")
@click.option("--unit", metavar="NAME", help="The reporting unit to chart (as filed: 仁寿县教育和体育局, 向家镇).")
@click.option("--all-townships", is_flag=True, help="Every reporting unit, one line each.")
@click.option("--metric", "metrics", multiple=True, metavar="METRIC", help="Metric id (repeatable; default: all).")
@TRENDS_FORMATS.option("html")
@click.option("--min-years", type=click.IntRange(1), default=2, show_default=True,
              help="HTML: chart only metrics with figures in at least this many years.")
@lang_option
@output_option
def trends_command(paths: ArchivePaths, township, unit, all_townships, metrics, fmt, min_years, lang, output) -> None:
    """Each metric across every archived report year, through the concordance of templates: SVG
    charts grouped by section, each point labelled and linked to its report's WARC citation, a table
    under each chart; printable.

    Example: gongkai trends --township 向家镇 --metric active_total --output trends.html
    """
    if sum(map(bool, (township, unit, all_townships))) != 1:
        raise click.UsageError("pass either --township NAME, --unit NAME or --all-townships")
    sessions = paths.sessions()
    with sessions() as session:
        series = api.trends(session, townships=[township] if township else None,
                            units=[unit] if unit else None, metrics=list(metrics) or None)
    title = word("trends_title", lang, unit=word("trends_all", lang) if all_townships else unit or township)
    TRENDS_FORMATS.write(fmt, series, output, title=title, lang=lang, min_years=min_years)


@click.command("similar", cls=Command)
@archive_options
@click.option("--year", type=int, help="Only report on this year's reports.")
@click.option("--township", metavar="NAME", help="Only report on this township's reports.")
@click.option("--unit", metavar="NAME", help="Only report on this reporting unit's reports.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.25, show_default=True,
              help="Flag pairs whose distinctive-text Jaccard similarity is at least this.")
@SIMILAR_FORMATS.option("table")
@output_option
def similar_command(paths: ArchivePaths, year, township, unit, threshold, fmt, output) -> None:
    """Flag copy-paste (雷同) reports: nearest neighbours among the same unit's other years and
    other units' same-year reports, template boilerplate discounted.

    Example: gongkai similar --year 2019 --threshold 0.25
    """
    if township and unit:
        raise click.UsageError("pass either --township NAME or --unit NAME")
    sessions = paths.sessions()
    with sessions() as session:
        result = api.similar_reports(session, year=year, township=township, unit=unit, threshold=threshold)
    SIMILAR_FORMATS.write(fmt, result, output, threshold=threshold)


COMMANDS = (diff_command, trends_command, similar_command)
