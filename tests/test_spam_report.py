"""gongkai spam-report on a crawled replica: every infected page, none of the clean ones."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.spam_kinds import finding_kind

pytestmark = pytest.mark.e2e
GONGKAI = [sys.executable, "-m", "gongkai"]


def test_spam_report_matches_ground_truth(replica_server, replica_dir, tmp_path):
    data = tmp_path / "data"
    crawl = subprocess.run(
        [*GONGKAI, "crawl", "--start-url", replica_server.url, "--data-dir", str(data),
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"],
        capture_output=True, text=True, timeout=600,
    )
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    result = subprocess.run([*GONGKAI, "spam-report", "--data-dir", str(data), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    truth = [json.loads(line) for line in (replica_dir / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = [t for t in truth if t["kind"] == "article" and not t.get("disallowed")]
    infected = {t["path"] for t in articles if t.get("spam")}
    reported = {urlsplit(p["url"]).path for p in report["pages"] if p["infected"]}
    assert reported == infected
    assert report["pages_crawled"] == len(articles)
    assert report["pages_infected"] == len(infected)
    assert report["phrases"] and report["phrases"][0]["findings"] >= report["phrases"][-1]["findings"]
    assert any("必威体育" in p["phrase"] for p in report["phrases"])
    # every kind of injection the replica made is reported, under the cleaner's name for it
    injected = {finding_kind(s["kind"]) for t in articles for s in t["spam"]}
    assert injected <= {kind for p in report["pages"] for kind in p["kinds"]}
    for page in report["pages"]:
        assert page["first_seen"].endswith("Z") and page["first_capture_id"]
    csv_out = subprocess.run([*GONGKAI, "spam-report", "--data-dir", str(data), "--format", "csv"],
                             capture_output=True, text=True, timeout=120)
    assert csv_out.returncode == 0 and csv_out.stdout.startswith("url,infected,kinds")
