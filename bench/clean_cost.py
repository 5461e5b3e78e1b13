"""What cleaning costs: CPU ms per page of ``clean_site`` on the realistic set, this tree against another.

The realistic set (``bench/spam_cases/sites.generate()``: 36 sites, 416 pages) is generated once
and pickled; every measurement is a fresh process that puts one tree first on ``sys.path``,
loads the lexicon, then cleans the sites one by one with that tree's ``clean_site`` and prints
the CPU time (``time.process_time``) of the cleaning alone. With ``--inner N`` the process cleans
the set N times and keeps the best: the first time pays what a process pays once (imports,
dictionaries, patterns), the later ones find the strings every page repeats (nav, footer)
remembered, as a crawl does after its first pages; but they also find every page body the
lexicon scanned in the pass before, which a crawl never does. ``--fresh`` empties the lexicon's
per-string caches before each pass: every page text is new to the process, while what it learned
once (imports, dictionaries, compiled patterns, judged words) stays; this is the measure of a
crawl's steady state (``docs/cleaning.md``, "Cost"). With ``--against`` the two trees run
alternately, so both see the same load on a shared machine; the best and the median of the
rounds are printed with their ratio. ``--dump`` writes what the tree's cleaner made of every page
(clean text, clean HTML, findings as JSON) so that two trees can be compared byte for byte.

Examples::

    python bench/clean_cost.py --rounds 5
    python bench/clean_cost.py --rounds 7 --against /work/wt-before
    python bench/clean_cost.py --rounds 7 --inner 3 --against /work/wt-before
    python bench/clean_cost.py --rounds 7 --inner 3 --fresh --against /work/wt-before
    python bench/clean_cost.py --dump /tmp/now.json && cmp /tmp/now.json /tmp/then.json
    python bench/clean_cost.py --callgrind --against /work/wt-before   # instructions per page
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE.parent
CALLGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")


def pages_file(folder: Path) -> Path:
    """The realistic set as ``[[(url, html, earlier), ...] per site]``, pickled once."""
    sys.path.insert(0, str(HERE))
    from spam_cases import sites

    path = folder / "sites.pickle"
    sets = [[(p.url, p.html, tuple(p.earlier)) for p in site.pages] for site in sites.generate()]
    path.write_bytes(pickle.dumps(sets))
    return path


def child(tree: str, pickled: str, dump: str | None, limit: int | None, inner: int = 1, fresh: bool = False) -> None:
    """Clean the pickled sites with ``tree``'s cleaner (``inner`` times); print the best
    ``ms_total pages``."""
    sys.path.insert(0, tree)
    from pipelines.cleaning import SitePage, clean_site, default_lexicon, findings_to_json

    sets = pickle.loads(Path(pickled).read_bytes())[:limit]
    lexicon = default_lexicon()
    sites = [[SitePage(url, html, earlier) for url, html, earlier in pages] for pages in sets]
    elapsed = float("inf")
    for _ in range(inner):
        if fresh:  # every text new to the process, as in a crawl; what it learned once stays
            for cache in ("spans", "long_spans"):
                getattr(lexicon, cache, {}).clear()
        results = []
        started = time.process_time()
        for pages in sites:
            results.append(clean_site(pages, lexicon=lexicon))
        elapsed = min(elapsed, time.process_time() - started)
    n_pages = sum(len(pages) for pages in sites)
    print(f"{1000 * elapsed:.3f} {n_pages}")
    if dump:
        out = [
            {"url": page.url, "clean_text": r.clean_text, "clean_html": r.clean_html, "findings": findings_to_json(r.findings)}
            for pages, found in zip(sites, results, strict=True)
            for page, r in zip(pages, found, strict=True)
        ]
        Path(dump).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def run(
    tree: Path, pickled: Path, *, dump: str | None = None, limit: int | None = None, inner: int = 1, fresh: bool = False,
    prefix=(),
) -> float:
    """One fresh process over ``tree``: CPU ms per page (or, under callgrind, its instructions)."""
    args = [sys.executable, __file__, "--child", str(tree), str(pickled), "--inner", str(inner)]
    args += ["--dump", dump] if dump else []
    args += ["--fresh"] if fresh else []
    args += ["--limit", str(limit)] if limit is not None else []
    done = subprocess.run([*prefix, *args], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"})
    if prefix:
        return instructions(done.stderr)
    ms, pages = done.stdout.split()
    return float(ms) / int(pages)


def instructions(log: str) -> float:
    """Instructions executed, from callgrind's summary on stderr."""
    for line in log.splitlines():
        if "Collected :" in line:
            return float(line.split(":")[-1])
    raise RuntimeError(f"no callgrind summary in:\n{log[-2000:]}")


def callgrind_per_page(tree: Path, pickled: Path, n_pages: int) -> float:
    """Instructions per page: the run over every site minus the same run over none (imports,
    lexicon, unpickling), divided by the pages."""
    return (run(tree, pickled, prefix=CALLGRIND) - run(tree, pickled, limit=0, prefix=CALLGRIND)) / n_pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--inner", type=int, default=1, help="times each process cleans the set (the best counts)")
    parser.add_argument(
        "--fresh", action="store_true",
        help="empty the lexicon's per-string caches before each inner pass (page texts new to the process)",
    )
    parser.add_argument("--against", type=Path, help="another tree (e.g. a worktree at an older commit)")
    parser.add_argument("--tree", type=Path, default=TREE, help="the tree measured (default: this one)")
    parser.add_argument("--dump", help="write every page's clean text, HTML and findings to this JSON file")
    parser.add_argument("--callgrind", action="store_true", help="instructions per page under valgrind")
    parser.add_argument("--child", nargs=2, metavar=("TREE", "PICKLE"), help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, args.dump, args.limit, args.inner, args.fresh)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        pickled = pages_file(Path(folder))
        if args.dump:
            run(args.tree, pickled, dump=args.dump)
            print(f"wrote {args.dump}")
            return 0
        trees = [args.tree] + ([args.against] if args.against else [])
        if args.callgrind:
            n_pages = sum(len(s) for s in pickle.loads(pickled.read_bytes()))
            counts = [callgrind_per_page(tree, pickled, n_pages) for tree in trees]
            for tree, count in zip(trees, counts, strict=True):
                print(f"{tree}: {count / 1e6:.1f} M instructions per page")
            if len(counts) == 2:
                print(f"ratio: {counts[0] / counts[1]:.3f}")
            return 0
        times: dict[Path, list[float]] = {tree: [] for tree in trees}
        for n in range(args.rounds):
            for tree in trees if n % 2 == 0 else trees[::-1]:
                times[tree].append(run(tree, pickled, inner=args.inner, fresh=args.fresh))
        for tree in trees:
            values = times[tree]
            print(f"{tree}: best {min(values):.2f} median {statistics.median(values):.2f} ms/page ({len(values)} rounds)")
        if args.against:
            best = min(times[args.tree]) / min(times[args.against])
            median = statistics.median(times[args.tree]) / statistics.median(times[args.against])
            print(f"ratio: best {best:.3f} median {median:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
