"""The processing peer: trafilatura + htmldate, as a user would put them together instead of
gongkai's cleaning and extraction. Runs in bench/.venvs/trafilatura
(bench/requirements-trafilatura.txt) as a worker of bench/process_bench.py.

Per page: ``trafilatura.extract(html, url=url)`` for the body text (its defaults: tables kept,
plain text out) and ``htmldate.find_date(html, url=url, original_date=True)`` for the
publication date (the original date, not the latest one htmldate finds by default). Both get
the page as gongkai does, decoded to ``str``; the decoding is not timed for either.

Run: ``bench/.venvs/trafilatura/bin/python bench/process_trafilatura.py PAGES.jsonl``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import htmldate  # noqa: E402
import trafilatura  # noqa: E402
from process_protocol import CpuClock, run_worker  # noqa: E402


def process(pages: list[dict], clock: CpuClock) -> list[dict]:
    results = []
    with clock.part("pages"):
        for page in pages:
            text = trafilatura.extract(page["html"], url=page["url"])
            date = htmldate.find_date(page["html"], url=page["url"], original_date=True)
            results.append({"text": text or "", "date": date})
    return results


if __name__ == "__main__":
    sys.exit(run_worker(process))
