"""Taking the data away: ``gongkai export`` in every format of ``archive.reports.export``."""

from __future__ import annotations

import click

from archive.reports.export import EXPORT_FORMATS, export_records
from archive.search.query import QueryError, SearchFilters, parse_day
from gongkai.boundary import Command
from gongkai.options import ArchivePaths, archive_options, open_output, output_option


@click.command("export", cls=Command)
@archive_options
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), required=True,
              help="Output format (parquet needs pyarrow and --output).")
@click.option("--township", default=None, help="Only this township (e.g. 向家镇).")
@click.option("--unit", default=None, help="Only this reporting unit, as filed (e.g. 仁寿县教育和体育局, 向家镇).")
@click.option("--year", type=int, default=None, help="Only reports about this year.")
@click.option("--from", "date_from", default=None, metavar="DATE", help="Published on or after DATE (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, metavar="DATE", help="Published on or before DATE (YYYY-MM-DD).")
@output_option
def export_command(paths: ArchivePaths, fmt: str, township, unit, year, date_from, date_to,
                   output: str | None) -> None:
    """Export the latest version of every report, with its WARC citation (streamed).

    CSV columns are in the documented order of README "The CLI" (lists as JSON).

    Example: gongkai export --format csv --township 向家镇 --from 2019-01-01 -o xj.csv
    """
    try:
        filters = SearchFilters(
            township=township,
            unit=unit,
            year=year,
            date_from=parse_day(date_from, "--from") if date_from else None,
            date_to=parse_day(date_to, "--to") if date_to else None,
        )
    except QueryError as exc:
        raise click.BadParameter(str(exc)) from exc
    export = EXPORT_FORMATS[fmt]
    if export.to_path and not output:
        raise click.UsageError(f"--format {fmt} needs --output FILE")
    sessions = paths.sessions()
    with sessions() as session:
        records = export_records(session, filters)
        if export.to_path:
            count = export.write(records, output)
        else:
            with open_output(output, newline=export.newline) as out:
                count = export.write(records, out)
    if output:
        click.echo(f"exported {count} reports to {output}", err=True)


COMMANDS = (export_command,)
