"""Timing: the year diff of two 20,000-character reports, and ``similar`` over 10,000 reports.

Usage: .venv/bin/python bench/diff_bench.py [--reports 10000] [--chars 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.diff.core import diff_reports  # noqa: E402
from archive.diff.model import ReportRef, ReportSnapshot  # noqa: E402
from archive.diff.render_html import render_diff  # noqa: E402
from archive.diff.similar import SimilarDoc, find_similar  # noqa: E402
from replica.synth import near_copy, synth_report, township_name  # noqa: E402

YEARS = (2016, 2017, 2018, 2019, 2020, 2021)


def _snapshot(report) -> ReportSnapshot:
    ref = ReportRef(report.township, report.year, "synthetic:", 1, None, None, report.template, None)
    return ReportSnapshot(ref=ref, text=report.text)


def _sized(township: str, year: int, chars: int, seed: int):
    sentences = 24
    report = synth_report(township, year, seed, sentences=sentences)
    while len(report.text) < chars:
        sentences = int(sentences * chars / len(report.text)) + 1
        report = synth_report(township, year, seed, sentences=sentences)
    return report, sentences


def bench_diff(chars: int, repeat: int) -> list[tuple[str, int, int, float, float, float]]:
    town = township_name(3)
    a, sentences = _sized(town, 2018, chars, 1)
    cases = {
        "edited (10% of sentences rewritten, figures changed)":
            near_copy(a, town, 2018, 2, edits=sentences // 10),
        "other year, all prose different (2018 prose -> 2019 table)":
            _sized(town, 2019, chars, 3)[0],
    }
    rows = []
    for name, b in cases.items():
        times, render = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            result = diff_reports(_snapshot(a), _snapshot(b))
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_diff(result)
            render.append(time.perf_counter() - start)
        rows.append((name, len(a.text), len(b.text), min(times), statistics.median(times), statistics.median(render)))
    return rows


def bench_similar(reports: int, sentences: int) -> tuple[int, float, float, int]:
    townships = reports // len(YEARS)
    start = time.perf_counter()
    docs = []
    for i in range(townships):
        for y in YEARS:
            r = synth_report(township_name(i), y, 11, sentences=sentences)
            docs.append(SimilarDoc(len(docs), r.township, r.year, "", r.text))
    # a few copies so there is something to find
    for n in range(0, len(docs) - len(YEARS), 997):
        src = docs[n]
        dst = docs[n + len(YEARS)]
        copy = near_copy(synth_report(src.township, src.year, 11, sentences=sentences), dst.township, dst.year, n)
        docs[n + len(YEARS)] = SimilarDoc(dst.key, dst.township, dst.year, "", copy.text)
    built = time.perf_counter() - start
    mean_chars = sum(len(d.text) for d in docs) // len(docs)
    start = time.perf_counter()
    result = find_similar(docs)
    elapsed = time.perf_counter() - start
    return len(docs), built, elapsed, mean_chars, len(result.pairs)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=120, help="prose sentences per report in the similar run")
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for name, la, lb, best, t, r in bench_diff(args.chars, args.repeat):
        print(f"diff  {name}: {la} vs {lb} chars: diff min {best * 1000:.1f} ms, median {t * 1000:.1f} ms; "
              f"html {r * 1000:.1f} ms (of {args.repeat} runs)")
    if args.reports <= 0:
        return
    n, built, elapsed, mean_chars, pairs = bench_similar(args.reports, args.sentences)
    print(f"similar  {n} reports (mean {mean_chars} chars): {elapsed:.1f} s "
          f"({pairs} pairs flagged; corpus generation {built:.1f} s not counted)")


if __name__ == "__main__":
    main()
