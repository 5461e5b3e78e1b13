"""What ``bench/process_bench.py`` and its workers exchange (standard library only: the peer's
worker runs in a venv of its own, without gongkai's packages).

The benchmark writes the pages once, as JSON lines (``key``, ``url``, ``html``, ``column_name``);
each worker is a fresh process that reads them, processes every page with the CPU clock running
(``time.process_time``: this process's user + system time, imports and reading excluded) and
prints one JSON object: ``cpu_seconds``, ``parts`` (named CPU seconds inside that total) and
``results``, one ``{"text": ..., "date": "YYYY-MM-DD" or null}`` per page, in order.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def write_pages(path: Path, pages: Iterable[dict]) -> int:
    """Write ``pages`` (dicts with key, url, html, column_name) as JSON lines; how many."""
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        for page in pages:
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_pages(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class CpuClock:
    """Process CPU seconds spent inside ``with clock.part(name):`` blocks, by name."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    def part(self, name: str) -> _Part:
        return _Part(self, name)

    @property
    def total(self) -> float:
        return sum(self.parts.values())


class _Part:
    def __init__(self, clock: CpuClock, name: str):
        self.clock, self.name = clock, name

    def __enter__(self) -> None:
        self.began = time.process_time()

    def __exit__(self, *exc) -> None:
        spent = time.process_time() - self.began
        self.clock.parts[self.name] = self.clock.parts.get(self.name, 0.0) + spent


def report(clock: CpuClock, results: list[dict]) -> None:
    """Print the worker's one JSON line."""
    json.dump({"cpu_seconds": clock.total, "parts": clock.parts, "results": results}, sys.stdout,
              ensure_ascii=False)
    sys.stdout.write("\n")


def run_worker(process: Callable[[list[dict], CpuClock], list[dict]], argv: list[str] | None = None) -> int:
    """The workers' ``main``: ``worker.py PAGES.jsonl``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: worker PAGES.jsonl", file=sys.stderr)
        return 2
    pages = read_pages(Path(args[0]))
    clock = CpuClock()
    results = process(pages, clock)
    report(clock, results)
    return 0
