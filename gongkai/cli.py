"""The ``gongkai`` command: one click group; each command parses, calls the library, formats.

The commands live in one module per user task: archiving a site (``crawl``: crawl, seed,
sites; ``changes``), keeping the archive sound (``verify``, ``reprocess``), taking data away
(``export``), research (``research``: search, show, index, wacz, browse), NGO work
(``compare``: diff, trends, similar; ``dossier``; ``spam``: spam-report), and the replica site
and the demo.

A command's module is imported only when that command runs: importing them all (numpy for the
diff commands, the search and report modules...) cost every ``gongkai crawl`` about 0.3 s of CPU
before it started. ``COMMAND_TABLE`` names each command's module and the help ``gongkai --help`` shows
for it, so the group's help imports none of them (tests/test_cli.py checks it against the
commands' own help).
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import click

from crawler import __version__
from gongkai.boundary import Group

#: What click >= 8.4 raises for an unknown command, suggesting close names from the commands it
#: holds; older click suggests nothing, and ``except ()`` catches nothing.
NO_SUCH_COMMAND = getattr(click.exceptions, "NoSuchCommand", ())


class Entry(NamedTuple):
    #: The module whose ``COMMANDS`` holds the command.
    module: str
    #: The first paragraph of the command's docstring: all that click reads for the group's help.
    help: str


COMMAND_TABLE: dict[str, Entry] = {
    "browse": Entry("gongkai.research", "Open the SQLite archive in Datasette: tables, full-text search and canned "
                    "queries."),
    "changes": Entry("gongkai.changes", "What changed: new, changed, removed, unlisted, reappeared, spam and failure "
                     "events."),
    "crawl": Entry("gongkai.crawl", "Crawl a site: listings, reports, prev/next chains and attachments, into WARC "
                   "and SQL."),
    "demo": Entry("gongkai.demo", "Build the replica county site, serve it on loopback, crawl it, and show what was "
                  "archived."),
    "diff": Entry("gongkai.compare", "Compare a unit's (or township's) reports across years, or one page across "
                  "captures."),
    "discover": Entry("gongkai.discover", "Infer a site profile from a county portal's home page: the annual-report "
                      "hub, its columns, listing rows, pager, article body and 上一条/下一条 links."),
    "dossier": Entry("gongkai.dossier", "Write one self-contained HTML page about one reporting unit: every year's "
                     "report with its title, dates, source and WARC citation; its figures across years through the "
                     "concordance; what changed between captures of the same report; the spam removed or restored "
                     "on its pages, with the evidence; copy-paste (雷同) matches with other units. No script; works "
                     "offline; prints."),
    "export": Entry("gongkai.export", "Export the latest version of every report, with its WARC citation (streamed)."),
    "index": Entry("gongkai.research", "Write a CDXJ index of every WARC file into DATA_DIR/index/ (for pywb and "
                   "other replay tools)."),
    "replica": Entry("gongkai.replica_site", "The replica VSB county site used by the demo, the tests and the "
                     "benchmarks."),
    "reprocess": Entry("gongkai.reprocess", "Re-run cleaning and extraction over the archived WARC records (no "
                       "network)."),
    "search": Entry("gongkai.research", "Full-text search over the latest clean text of every report."),
    "seed": Entry("gongkai.crawl", "Queue start URLs on a shared Redis frontier for `gongkai crawl --redis-url` "
                  "workers."),
    "show": Entry("gongkai.research", "Show one archived report with its versions, findings, statistics and WARC "
                  "citation."),
    "similar": Entry("gongkai.compare", "Flag copy-paste (雷同) reports: nearest neighbours among the same unit's "
                     "other years and other units' same-year reports, template boilerplate discounted."),
    "sites": Entry("gongkai.crawl", "List the site profiles that `gongkai crawl --site NAME` can use."),
    "spam-report": Entry("gongkai.spam", "Which pages carry injected spam: kinds, phrases, first and last capture "
                         "seen, site totals."),
    "trends": Entry("gongkai.compare", "Each metric across every archived report year, through the concordance of "
                    "templates: SVG charts grouped by section, each point labelled and linked to its report's WARC "
                    "citation, a table under each chart; printable."),
    "verify": Entry("gongkai.verify", "Check that every WARC record the database points at is there, whole and "
                    "unchanged."),
    "wacz": Entry("gongkai.research", "Package the archive (WARC files, CDXJ index, report pages) as one WACZ file."),
}


class LazyGroup(Group):
    """A group whose commands are named in a table and imported when one is asked for
    (click's "lazily loading subcommands"); its help is drawn from the table alone."""

    def __init__(self, *args, lazy_commands: dict[str, Entry], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.lazy_commands, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        entry = self.lazy_commands.get(cmd_name)
        if command is not None or entry is None:
            return command
        for command in importlib.import_module(entry.module).COMMANDS:
            if command.name == cmd_name:
                return command
        raise LookupError(f"gongkai.cli.COMMAND_TABLE says {entry.module} defines {cmd_name!r}; its COMMANDS does not")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own listing, over stand-ins that carry the table's help (the loaded ones as they are)
        stand_ins = {name: click.Command(name, help=entry.help) for name, entry in self.lazy_commands.items()}
        click.Group(commands={**stand_ins, **self.commands}).format_commands(ctx, formatter)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except NO_SUCH_COMMAND as exc:  # suggest from every command's name, not only the loaded ones
            raise type(exc)(exc.command_name, exc.message, self.list_commands(ctx), exc.ctx) from None


@click.group(cls=LazyGroup, lazy_commands=COMMAND_TABLE, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def main() -> None:
    """gongkai (公开): archive county government disclosure reports into WARC and SQL."""
