"""Suspected spans are never silent: ``spam-report`` lists them apart and the crawl summary counts
them, and they never make a page count as infected."""

from __future__ import annotations

from datetime import UTC, datetime

from archive.reports.spam_report import as_json, page_rows, spam_report
from archive.sql import writes as store
from archive.sql.crawls import run_summary
from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import CrawlRun
from archive.sql.writes import VersionData

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def finding(text: str, action: str, kind: str = "replaced_word") -> dict:
    return {"text": text, "rule": f"{action}-rule", "kind": kind, "action": action, "replacement": None,
            "confidence": 0.5, "field": "body", "start": 0, "end": len(text), "signal": "register"}


def test_suspected_spans_are_listed_apart_and_counted(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    sessions = make_sessionmaker(engine)
    pages = {
        "http://x.gov.cn/info/1/1.htm": [finding("必威体育app", "removed"), finding("xyzabc", "suspected")],
        "http://x.gov.cn/info/1/2.htm": [finding("qwerty", "suspected")],
        "http://x.gov.cn/info/1/3.htm": [],
    }
    with sessions.begin() as session:
        run = CrawlRun(started_at=NOW, status="finished", software="test", start_urls=[])
        session.add(run)
        session.flush()
        for n, (url, findings) in enumerate(pages.items()):
            page_id = store.get_or_create_page(session, url, "report", NOW)
            capture_id = store.add_capture(session, run_id=run.id, page_id=page_id, url=url, fetched_at=NOW, status=200)
            data = VersionData(fields={"raw_text": f"正文{n}", "clean_text": f"正文{n}"}, findings=findings, statistics=[])
            store.save_version(session, page_id=page_id, capture_id=capture_id, data=data, created_at=NOW,
                               extractor_version="test")
        run_id = run.id
    with sessions() as session:
        report = spam_report(session)
        summary = run_summary(session, run_id)
    engine.dispose()
    assert (report.pages_crawled, report.pages_infected, report.pages_suspected) == (3, 1, 2)
    by_url = {p.url: p for p in report.pages}
    assert set(by_url) == {"http://x.gov.cn/info/1/1.htm", "http://x.gov.cn/info/1/2.htm"}
    assert by_url["http://x.gov.cn/info/1/1.htm"].infected and by_url["http://x.gov.cn/info/1/1.htm"].findings == 1
    assert not by_url["http://x.gov.cn/info/1/2.htm"].infected
    assert by_url["http://x.gov.cn/info/1/2.htm"].suspected == ["qwerty (register)"]
    assert [p for p, _n, _k in report.phrases] == ["必威体育app"]
    assert {p for p, _n, _k in report.suspects} == {"xyzabc", "qwerty"}
    assert {s["text"] for s in as_json(report)["suspected"]} == {"xyzabc", "qwerty"}
    assert page_rows(report)[1]["suspected"] == "qwerty (register)"
    assert (summary.infected, summary.suspected) == (1, 2)
