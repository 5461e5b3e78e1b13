"""Commands for researchers: search, show (cite and read), index (CDXJ), wacz, browse (Datasette)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from archive.clock import iso_utc
from archive.reports.cite import ReportView, raw_response, report_view
from archive.reports.export import replay_pages
from archive.search import Hit, Query, QueryError, SearchFilters, parse_day, parse_query
from archive.sql.search import search
from archive.warc.cdx import write_cdxj, write_wacz
from gongkai.boundary import Command, Failure
from gongkai.options import ArchivePaths, archive_options, output_option
from gongkai.output import Formats, csv_format, json_format, rich_format, text_format

HIT_FIELDS = ("url", "version_no", "title", "unit", "unit_kind", "township", "report_year", "published_date", "source",
              "score", "snippet", "captured_at", "warc_filename", "warc_offset", "warc_record_id")
METADATA_FILE = Path(__file__).resolve().parent.parent / "archive" / "sql" / "datasette_metadata.json"
METADATA_DB = "gongkai"
HIGHLIGHT = "bold reverse"


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_day(value, param.opts[0])
    except QueryError as exc:
        raise click.BadParameter(str(exc)) from exc


def _hit_record(hit: Hit) -> dict:
    record = {k: v for k, v in asdict(hit).items() if k in HIT_FIELDS}
    record["snippet"] = hit.snippet.text
    record["published_date"] = hit.published_date.isoformat() if hit.published_date else None
    record["captured_at"] = iso_utc(hit.captured_at)
    record["score"] = round(hit.score, 4)
    return record


def _draw_hits(hits: list[Hit], console: Console) -> None:
    if not hits:
        console.print("no matching reports")
        return
    for n, hit in enumerate(hits, 1):
        head = Text(f"{n}. ")
        head.append(" ".join(str(x) for x in (hit.unit or hit.township, hit.report_year) if x), style="bold")
        head.append(f"  {hit.title or ''}  v{hit.version_no}  score {hit.score:.2f}")
        snippet = Text("   " + hit.snippet.text)
        for start, end in hit.snippet.spans:
            snippet.stylize(HIGHLIGHT, start + 3, end + 3)
        console.print(head)
        console.print(Text(f"   {hit.url}", style="dim"))
        console.print(snippet)
    console.print(Text(f"{len(hits)} report(s)", style="dim"))


SEARCH_FORMATS = Formats(
    table=rich_format(_draw_hits, highlight=False, soft_wrap=True),
    json=json_format(lambda hits: [_hit_record(h) for h in hits]),
    csv=csv_format(HIT_FIELDS, lambda hits: [_hit_record(h) for h in hits], lineterminator="\n"),
)


@click.command("search", cls=Command)
@click.argument("query")
@click.option("--township", default=None, help="Only this township (short name, e.g. 向家镇).")
@click.option("--unit", default=None, help="Only this reporting unit, as filed (e.g. 仁寿县教育和体育局, 向家镇).")
@click.option("--year", type=int, default=None, help="Only reports about this year.")
@click.option("--from", "date_from", callback=_date, default=None, metavar="DATE", help="Published on or after DATE (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_date, default=None, metavar="DATE", help="Published on or before DATE.")
@click.option("--source", default=None, help="Source field contains this text.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@SEARCH_FORMATS.option("table")
@archive_options
def search_command(paths: ArchivePaths, query, township, unit, year, date_from, date_to, source, limit, fmt) -> None:
    """Full-text search over the latest clean text of every report.

    QUERY: terms are substrings (行政复议), "quoted phrases" may hold spaces; AND, OR, NOT and
    parentheses combine them; title:TERM searches titles; township:, unit:, year:, from:, to: and
    source: filter like the options.

    Example: gongkai search '"行政复议" NOT 诉讼' --township 向家镇 --year 2018
    """
    try:
        parsed = parse_query(query)
        filters = parsed.filters.merged(SearchFilters(township, year, date_from, date_to, source, unit))
    except QueryError as exc:
        raise Failure(f"bad query: {exc}") from exc
    sessions = paths.sessions()
    with sessions() as session:
        hits = search(session, Query(parsed.node, filters), limit=limit)
    SEARCH_FORMATS.write(fmt, hits)


def format_view(view: ReportView) -> str:
    lines = [f"{view.url}  (version {view.version_no} of {len(view.versions)})", ""]
    lines += [f"{name:15} {value}" for name, value in view.fields.items() if value not in (None, "")]
    lines += ["", "── clean text ──", view.clean_text, ""]
    if view.findings:
        lines.append(f"── spam findings ({len(view.findings)}) ──")
        lines += [f"{f['kind']:14} {f['action']:9} {f['text']!r}" + (f" -> {f['replacement']!r}" if f["replacement"] else "")
                  for f in view.findings]
        lines.append("")
    if view.statistics:
        lines.append(f"── statistics ({len(view.statistics)}) ──")
        lines += [f"{s['metric']:40} {s['value']:>12g} {s['unit'] or ''}" for s in view.statistics]
        lines.append("")
    if view.conflicts:
        lines += ["── conflicts ──", *map(str, view.conflicts), ""]
    lines.append("── versions ──")
    lines += [f"v{v.version_no:<3} created {v.created_at}  captured {v.first_captured_at} .. {v.last_captured_at}"
              for v in view.versions]
    c = view.citation
    lines += ["", "── citation ──", f"WARC file      {c.warc_filename}", f"offset         {c.warc_offset}",
              f"record id      {c.warc_record_id}", f"payload digest {c.payload_digest}",
              f"captured at    {c.captured_at}", "", c.line()]
    return "\n".join(lines)


SHOW_FORMATS = Formats(
    text=text_format(lambda view: format_view(view) + "\n"),
    json=json_format(lambda view: view.as_json()),
)


@click.command("show", cls=Command)
@click.argument("ref", metavar="URL|ID")
@click.option("--version", "version_no", type=int, default=None, help="Version number (default: the latest).")
@click.option("--raw", is_flag=True, help="Write the archived HTTP response (status line, headers, body) as stored.")
@SHOW_FORMATS.option("text")
@archive_options
def show_command(paths: ArchivePaths, ref, version_no, raw, fmt) -> None:
    """Show one archived report with its versions, findings, statistics and WARC citation.

    URL|ID is the page URL or the page's id (pages.id).

    Example: gongkai show http://www.rs.gov.cn/info/1013/12345.htm --raw > page.http
    """
    sessions = paths.sessions()
    with sessions() as session:
        view = report_view(session, ref, version_no)
    if raw:
        data = raw_response(paths.data_dir, view)
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    SHOW_FORMATS.write(fmt, view)


@click.command("index", cls=Command)
@click.option("--force", is_flag=True, help="Re-index files whose index looks up to date.")
@archive_options
def index_command(paths: ArchivePaths, force: bool) -> None:
    """Write a CDXJ index of every WARC file into DATA_DIR/index/ (for pywb and other replay tools).

    Example: gongkai index --data-dir ./gongkai-data
    """
    result = write_cdxj(paths.data_dir, force=force)
    click.echo(f"indexed {len(result.written)} WARC file(s), {result.lines} line(s); "
               f"{len(result.unchanged)} up to date, in {paths.data_dir / 'index'}")


@click.command("wacz", cls=Command)
@output_option
@click.option("--title", default="gongkai archive", show_default=True)
@archive_options
def wacz_command(paths: ArchivePaths, output: str | None, title: str) -> None:
    """Package the archive (WARC files, CDXJ index, report pages) as one WACZ file.

    Example: gongkai wacz --output renshou.wacz
    """
    target = Path(output) if output else paths.data_dir / "gongkai.wacz"
    sessions = paths.sessions()
    with sessions() as session:
        pages = replay_pages(session)
    write_wacz(paths.data_dir, target, pages, title=title)
    click.echo(f"wrote {target}")


def datasette_metadata(db_name: str) -> dict:
    """The metadata of archive/sql/datasette_metadata.json, for a database file named ``db_name``."""
    metadata = json.loads(METADATA_FILE.read_text(encoding="utf-8"))
    metadata["databases"] = {db_name: metadata["databases"][METADATA_DB]}
    return metadata


@click.command("browse", cls=Command)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8001, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open a web browser.")
@archive_options
def browse_command(paths: ArchivePaths, host: str, port: int, open_browser: bool) -> None:
    """Open the SQLite archive in Datasette: tables, full-text search and canned queries.

    Needs the optional extra: pip install 'gongkai[browse]'.

    Example: gongkai browse --data-dir ./gongkai-data --port 8001
    """
    db_path = paths.sqlite_file
    if db_path is None:
        raise Failure("browse works on the SQLite archive only; export from PostgreSQL with `gongkai export`")
    paths.engine()  # checks the file exists and brings the schema up to date
    if importlib.util.find_spec("datasette") is None:
        raise Failure("Datasette is not installed; pip install 'gongkai[browse]'")
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(datasette_metadata(db_path.stem), f, ensure_ascii=False)
    args = [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", f.name,
            "--host", host, "--port", str(port)] + (["--open"] if open_browser else [])
    try:
        raise SystemExit(subprocess.call(args))
    finally:
        Path(f.name).unlink(missing_ok=True)


COMMANDS = (search_command, show_command, index_command, wacz_command, browse_command)
