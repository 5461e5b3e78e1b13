"""``gongkai dossier``: one cited, offline HTML page about one reporting unit (``archive.diff``)."""

from __future__ import annotations

import click

from archive.diff import api
from archive.diff.render_dossier import render_dossier
from gongkai.boundary import Command
from gongkai.options import ArchivePaths, archive_options, lang_option, output_option
from gongkai.output import Formats, text_format

DOSSIER_FORMATS = Formats(html=text_format(lambda dossier, *, lang: render_dossier(dossier, lang=lang)))


@click.command("dossier", cls=Command)
@archive_options
@click.option("--township", metavar="NAME", help="The township (镇, 乡, 街道) whose reports to gather.")
@click.option("--unit", metavar="NAME", help="The reporting unit (a township, department or government).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.25, show_default=True,
              help="Copy-paste similarity threshold (as `gongkai similar`).")
@lang_option
@output_option(required=True, help="The HTML file to write.")
def dossier_command(paths: ArchivePaths, township, unit, threshold, lang, output) -> None:
    """Write one self-contained HTML page about one reporting unit: every year's report with its
    title, dates, source and WARC citation; its figures across years through the concordance; what
    changed between captures of the same report; the spam removed or restored on its pages, with
    the evidence; copy-paste (雷同) matches with other units. No script; works offline; prints.

    Example: gongkai dossier --township 向家镇 --output 向家镇.html
    """
    if bool(township) == bool(unit):
        raise click.UsageError("pass either --township NAME or --unit NAME")
    sessions = paths.sessions()
    with sessions() as session:
        dossier = api.build_dossier(session, township=township, unit=unit, threshold=threshold)
    DOSSIER_FORMATS.write("html", dossier, output, lang=lang)
    click.echo(f"wrote {output}: {len(dossier.pages)} reports, {dossier.silent_edits} silent edits, "
               f"{dossier.spam_findings} spam findings, {len(dossier.similar.pairs)} copy-paste matches", err=True)


COMMANDS = (dossier_command,)
