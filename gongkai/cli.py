"""The ``gongkai`` command: one click group; each command parses, calls the library, formats.

The commands live in one module per user task: archiving a site (``crawl``: crawl, seed,
sites; ``changes``), keeping the archive sound (``verify``, ``reprocess``), taking data away
(``export``), research (``research``: search, show, index, wacz, browse), NGO work
(``compare``: diff, trends, similar; ``dossier``; ``spam``: spam-report), and the replica site
and the demo.
"""

from __future__ import annotations

import click

from crawler import __version__
from gongkai import (
    changes,
    compare,
    crawl,
    demo,
    discover,
    dossier,
    export,
    replica_site,
    reprocess,
    research,
    spam,
    verify,
)
from gongkai.boundary import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def main() -> None:
    """gongkai (公开): archive county government disclosure reports into WARC and SQL."""


for _module in (crawl, discover, changes, export, verify, spam, research, compare, dossier, reprocess, demo, replica_site):
    for _command in _module.COMMANDS:
        main.add_command(_command)
