"""gongkai's processing of archived report pages, as a worker of bench/process_bench.py.

``site`` (what a crawl and ``gongkai reprocess`` do, ``pipelines/siterun.py``): the site text of
every page (``site_text``), the site context built from them in the crawl's order (a stable hash
of the URL, at most ``GONGKAI_CONTEXT_TEXTS`` texts), then every page cleaned with the context
seen from it (``SiteContext.for_page``) and extracted (``process_page``: the version's row
values, findings and WARC metadata payload, everything but the SQL). ``page``: each page alone,
with no site context (what a page cleaned on its own gets). A first crawl: no page has an
earlier capture.

Run: ``.venv/bin/python bench/process_gongkai.py site|page PAGES.jsonl``
"""

from __future__ import annotations

import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from process_protocol import CpuClock, run_worker  # noqa: E402

from archive.runs.incremental import CaptureInfo  # noqa: E402
from crawler.settings import GONGKAI_CONTEXT_TEXTS  # noqa: E402
from pipelines.cleaning import SiteContext  # noqa: E402
from pipelines.cleaning.site import site_text  # noqa: E402
from pipelines.items import ReportPage  # noqa: E402
from pipelines.process import process_page  # noqa: E402

MODES = ("site", "page")
#: what the pages were fetched at, for the capture they cite (processing does not read it)
FETCHED_AT = datetime(2026, 12, 1, tzinfo=UTC)


def report_page(number: int, page: dict) -> ReportPage:
    capture = CaptureInfo(capture_id=number, warc_filename=None, warc_offset=None, warc_record_id=None,
                          payload_digest=None, fetched_at=FETCHED_AT)
    return ReportPage(url=page["url"], html=page["html"], encoding=page.get("encoding", "utf-8"), capture=capture,
                      column_id=None, column_name=page.get("column_name"), via="listing", prev_url=None,
                      next_url=None, attachments=())


def site_context(pages: list[dict]) -> SiteContext | None:
    """The context a crawl builds once it has every page (``siterun.site_context_of``)."""
    ordered = sorted(pages, key=lambda p: (zlib.crc32(p["url"].encode("utf-8")), p["url"]))
    texts = [(p["url"], site_text(p["html"])) for p in ordered]
    texts = [(url, text) for url, text in texts if text][:GONGKAI_CONTEXT_TEXTS]
    if not texts:
        return None
    return SiteContext.from_texts([t for _u, t in texts], keys=[u for u, _t in texts])


def processor(mode: str):
    def process(pages: list[dict], clock: CpuClock) -> list[dict]:
        context = None
        if mode == "site":
            with clock.part("context"):
                context = site_context(pages)
        results = []
        with clock.part("pages"):
            for number, page in enumerate(pages, start=1):
                view = context.for_page(page["url"]) if context is not None else None
                fields = process_page(report_page(number, page), view).data.fields
                results.append({"text": fields["clean_text"], "date": _iso(fields["published_date"])})
        return results

    return process


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in MODES:
        print(f"usage: process_gongkai.py {'|'.join(MODES)} PAGES.jsonl", file=sys.stderr)
        sys.exit(2)
    sys.exit(run_worker(processor(sys.argv[1]), sys.argv[2:]))
