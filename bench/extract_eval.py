"""Accuracy and throughput of ``pipelines.extract.extract_report`` on labelled pages.

Pages: the seeded generator in bench/extract_cases/ plus the hand-written fixtures in
tests/fixtures/extract/ (``<name>.html`` with ``<name>.json`` holding the expected values).
Prints per-field accuracy, statistics cell precision/recall and pages/second on one core.

Example: .venv/bin/python bench/extract_eval.py --pages 180 --seconds 3
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent / "extract_cases"))

from gen_pages import Case, cases  # noqa: E402

from pipelines.extract import extract_report  # noqa: E402
from pipelines.extract.page import parse  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
FIELDS = ("title", "visible_title", "township", "report_year", "published_date", "published_at", "source",
          "issuer", "index_no", "doc_no", "period_start", "period_end")


def _as_json(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def fixture_cases() -> list[Case]:
    out = []
    for path in sorted(FIXTURES.glob("*.html")):
        spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        html = path.read_bytes().decode(spec.get("encoding", "utf-8"))
        stats = {k: float(v) for k, v in spec.get("statistics", {}).items()}
        out.append(Case(f"fixture-{path.stem}", html, spec["url"], spec.get("column_name"), spec["expected"], stats))
    return out


def evaluate(all_cases: list[Case], *, verbose: bool = False) -> dict:
    correct = {f: 0 for f in FIELDS}
    counted = {f: 0 for f in FIELDS}
    tp = fp = fn = 0
    misses: list[str] = []
    for case in all_cases:
        got = extract_report(case.html, url=case.url, column_name=case.column_name)
        for name in FIELDS:
            if name not in case.expected:
                continue
            counted[name] += 1
            want, have = _as_json(case.expected[name]), _as_json(getattr(got, name))
            if want == have:
                correct[name] += 1
            else:
                misses.append(f"{case.name} {name}: got {have!r} want {want!r}")
        if case.expected.get("period_repaired") and "repaired" not in got.provenance["period_start"].rule:
            misses.append(f"{case.name} period: repair not flagged")
        if "statistics" in case.expected or case.statistics:
            have = {(s.metric, float(s.value)) for s in got.statistics}
            want = {(k, float(v)) for k, v in case.statistics.items()}
            tp += len(have & want)
            fp += len(have - want)
            fn += len(want - have)
            for metric, value in sorted(have - want):
                misses.append(f"{case.name} stat extra {metric}={value}")
            for metric, value in sorted(want - have):
                misses.append(f"{case.name} stat missing {metric}={value}")
    if verbose:
        for line in misses[:60]:
            print("  MISS", line)
    return {"fields": {f: (correct[f], counted[f]) for f in FIELDS}, "tp": tp, "fp": fp, "fn": fn,
            "misses": misses}


BANDS = (("< 15 KB (prose reports)", 0, 15_000), ("15-40 KB (template tables)", 15_000, 40_000),
         (">= 40 KB (word-processor table markup)", 40_000, 10**9))


def _rate(subset: list[Case], work, seconds: float) -> float:
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for case in subset:
            work(case)
        done += len(subset)
    return done / (time.process_time() - start)


def throughput(all_cases: list[Case], seconds: float) -> list[tuple[str, int, float, float, float]]:
    """Per size band: (band, pages, mean KB, extraction pages/s, lxml-parse-only pages/s), CPU time."""
    pages = [c for c in all_cases if c.name.startswith("gen-")]
    rows = []
    for name, low, high in (("all generated pages", 0, 10**9), *BANDS):
        subset = [c for c in pages if low <= len(c.html.encode("utf-8")) < high]
        if not subset:
            continue
        kb = sum(len(c.html.encode("utf-8")) for c in subset) / len(subset) / 1024
        extract = _rate(subset, lambda c: extract_report(c.html, url=c.url), seconds / 4)
        ceiling = _rate(subset, lambda c: parse(c.html), seconds / 8)
        rows.append((name, len(subset), kb, extract, ceiling))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=180, help="generated pages (default 180)")
    parser.add_argument("--seed", type=int, default=20240129)
    parser.add_argument("--seconds", type=float, default=3.0, help="throughput run time")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the misses")
    args = parser.parse_args(argv)
    all_cases = cases(args.pages, args.seed) + fixture_cases()
    result = evaluate(all_cases, verbose=args.verbose)
    print(f"pages: {len(all_cases)} ({args.pages} generated, {len(all_cases) - args.pages} fixtures)")
    print(f"{'field':16} {'accuracy':>8}  correct/labelled")
    for name, (ok, total) in result["fields"].items():
        print(f"{name:16} {ok / total if total else 1.0:8.4f}  {ok}/{total}")
    tp, fp, fn = result["tp"], result["fp"], result["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"statistics cells: precision {precision:.4f} recall {recall:.4f} (tp {tp}, fp {fp}, fn {fn})")
    start = time.process_time()
    total = 0
    for i in range(1_000_000):
        total += i
    print(f"machine: a 1M-iteration Python loop takes {(time.process_time() - start) * 1000:.0f} ms of CPU")
    print("throughput (one core, CPU time; ceiling = lxml parsing alone on the same pages):")
    for name, count, kb, rate, ceiling in throughput(all_cases, args.seconds):
        print(f"  {name:40} {count:4} pages, mean {kb:5.1f} KB: {rate:6.0f} pages/s (ceiling {ceiling:5.0f})")
    print(f"misses: {len(result['misses'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
