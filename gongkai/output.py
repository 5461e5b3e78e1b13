"""Output formats: the one place that turns a command's result into table, text, JSON, CSV or
HTML. A command declares its ``Formats`` (which formats, how each writes the result) and calls
``formats.write(fmt, result, output)``; ``--format`` offers exactly what the declaration holds."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

import click
from rich.console import Console

from gongkai.options import open_output

#: A writer gets the command's result, the open output and the command's own options.
Writer = Callable[..., None]


@dataclass(frozen=True, slots=True)
class Format:
    write: Writer
    newline: str | None = None  # how an output file is opened ("" for CSV: the writer ends rows)


class Formats:
    """The output formats of one command, by name."""

    def __init__(self, **formats: Format):
        self._formats = formats

    @property
    def names(self) -> list[str]:
        return list(self._formats)

    def option(self, default: str, *, help: str | None = None):
        """The command's ``--format`` option."""
        return click.option("--format", "fmt", type=click.Choice(self.names), default=default, show_default=True,
                            help=help)

    def write(self, fmt: str, result: Any, output: str | None = None, **options: Any) -> None:
        """Write ``result`` in format ``fmt`` to ``output`` (stdout when None)."""
        spec = self._formats[fmt]
        with open_output(output, newline=spec.newline) as out:
            spec.write(result, out, **options)


def json_format(shape: Callable[..., Any] = lambda result, **_: result, *, indent: int = 1) -> Format:
    """``shape(result)`` as indented JSON (UTF-8, not escaped), one trailing newline."""

    def write(result: Any, out: IO[str], **options: Any) -> None:
        out.write(json.dumps(shape(result, **options), ensure_ascii=False, indent=indent) + "\n")

    return Format(write)


def csv_format(fields: Sequence[str], rows: Callable[..., Iterable[dict]] = lambda result, **_: result, *,
               lineterminator: str = "\r\n") -> Format:
    """``rows(result)`` as CSV with a header of ``fields``; missing values are empty cells."""

    def write(result: Any, out: IO[str], **options: Any) -> None:
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator=lineterminator)
        writer.writeheader()
        for row in rows(result, **options):
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in fields})

    return Format(write, newline="")


def text_format(render: Callable[..., str]) -> Format:
    """``render(result)`` written as it is (plain text, HTML, a rendered table)."""

    def write(result: Any, out: IO[str], **options: Any) -> None:
        out.write(render(result, **options))

    return Format(write)


def rich_format(draw: Callable[..., None], **console: Any) -> Format:
    """``draw(result, console)`` on a rich console writing to the output."""

    def write(result: Any, out: IO[str], **options: Any) -> None:
        draw(result, Console(file=out, **console), **options)

    return Format(write)
