"""Nightly benchmark: a second crawl over an unchanged replica should cost little.

Builds a replica (scale 7: ~1,050 reports of 10-27 KB HTML), serves it on loopback, crawls it
twice into a fresh data dir through the CLI, and prints for each run: seconds, pages fetched,
304s, revisit records, WARC bytes, and full article responses archived; then the ratios of the
second run to the first. Targets (issue "Nightly crawls"): second run archives no article body
in full, writes < 15 % of the first run's WARC bytes and takes < 40 % of its time.

    .venv/bin/python bench/nightly_bench.py [--scale 7]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from replica.generate import build_site
from replica.server import ReplicaServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


def crawl(url: str, data: Path) -> float:
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "gongkai", "crawl", "--start-url", url, "--data-dir", str(data), *FAST],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return time.monotonic() - began


def figures(data: Path, run_id: int) -> dict[str, int]:
    with sqlite3.connect(data / "gongkai.sqlite") as db:
        one = lambda sql: db.execute(sql, (run_id,)).fetchone()[0]  # noqa: E731
        return {
            "pages fetched": one("select pages_fetched from crawl_runs where id=?"),
            "304 not modified": one("select not_modified from crawl_runs where id=?"),
            "revisit records": one("select revisits from crawl_runs where id=?"),
            "WARC bytes": one("select warc_bytes from crawl_runs where id=?"),
            "article bodies archived in full": one(
                "select count(*) from captures where run_id=? and record_type='response' "
                "and status=200 and url like '%/info/%'"
            ),
            "new versions": one("select versions_new from crawl_runs where id=?"),
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        replica = Path(tmp) / "replica"
        summary = build_site(replica, scale=args.scale)
        print(f"replica: {summary}")
        data = Path(tmp) / "data"
        with ReplicaServer(replica) as server:
            seconds = [crawl(server.url, data), crawl(server.url, data)]
        runs = [figures(data, 1), figures(data, 2)]
    print(f"{'':34} {'run 1':>12} {'run 2':>12} {'ratio':>8}")
    print(f"{'seconds':34} {seconds[0]:12.1f} {seconds[1]:12.1f} {seconds[1] / seconds[0]:8.1%}")
    for name in runs[0]:
        a, b = runs[0][name], runs[1][name]
        ratio = f"{b / a:8.1%}" if a else f"{'-':>8}"
        print(f"{name:34} {a:12d} {b:12d} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
