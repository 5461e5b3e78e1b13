"""Write docs/cli.md from the commands' own --help, so the reference cannot drift.

Run ``python -m gongkai.clidoc`` after changing a command; a test fails when the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gongkai.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = "# gongkai command reference\n\nGenerated from `--help` by `python -m gongkai.clidoc`; do not edit by hand.\n"


WIDTH = 88


def _context(command: click.Command, path: str) -> click.Context:
    return click.Context(
        command, info_name=path, terminal_width=WIDTH, max_content_width=WIDTH,
        help_option_names=["-h", "--help"],
    )


def _commands(group: click.Group, prefix: str):
    ctx = _context(group, prefix)
    yield prefix, group.get_help(ctx)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command.get_help(_context(command, path))


def render() -> str:
    parts = [HEADER]
    for path, text in _commands(main, "gongkai"):
        parts.append(f"\n## `{path}`\n\n```\n{text.rstrip()}\n```\n")
    return "".join(parts)


def main_entry(argv: list[str] | None = None) -> int:
    """Write docs/cli.md; with ``--check``, exit 1 when it differs from the commands' help."""
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        if DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is stale: run python -m gongkai.clidoc", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main_entry())
