"""Migration 0003 (issue 15): an archive made before the unit columns upgrades, keeps its rows,
gets the township's unit backfilled, and a store of unchanged content fills the rest in place."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, select, text

from archive.sql.engine import downgrade, make_engine, make_sessionmaker
from archive.sql.models import CrawlRun, ReportVersion
from archive.sql.writes import VersionData, add_capture, content_hash, get_or_create_page, save_version

T0 = datetime(2024, 3, 1, 8, tzinfo=UTC)
BASE = "http://www.rs.gov.cn/info"


def fields(township: str | None, title: str, **extra) -> dict:
    return {"title": title, "township": township, "report_year": 2021, "raw_text": title, "clean_text": title, **extra}


def store(sessions, url: str, data: dict, serial: int) -> int:
    with sessions.begin() as session:
        run = CrawlRun(started_at=T0, software="gongkai-test")
        session.add(run)
        session.flush()
        page_id = get_or_create_page(session, url, "report", T0)
        capture_id = add_capture(session, run_id=run.id, page_id=page_id, url=url, fetched_at=T0, status=200,
                                 record_type="response", warc_filename="a.warc.gz", warc_offset=serial * 100,
                                 warc_length=90, warc_record_id=f"<urn:uuid:{serial:036d}>")
        version, _ = save_version(session, page_id=page_id, capture_id=capture_id, data=VersionData(data, [], []),
                                  created_at=T0, extractor_version="test")
        return version.id


def test_an_archive_from_before_the_unit_columns_upgrades_and_is_filled(db_url):
    engine = make_engine(db_url)
    indexes = {ix["name"] for ix in inspect(engine).get_indexes("report_versions")}
    assert {"ix_report_versions_unit", "ix_report_versions_unit_kind", "ix_report_versions_unit_year"} <= indexes
    downgrade(engine, "0002")                           # the schema of an archive made before issue 15
    assert "unit" not in {c["name"] for c in inspect(engine).get_columns("report_versions")}
    with engine.begin() as connection:
        assert connection.execute(text("select count(*) from report_versions")).scalar() == 0
    engine.dispose()

    old = make_sessionmaker(make_engine(db_url, migrate=False))
    # rows as the old code wrote them: ORM inserts only of the columns 0002 knew
    town = fields("文林街道", "仁寿县文林街道办事处2021年政府信息公开工作年度报告")
    bureau = fields(None, "仁寿县教育和体育局2021年政府信息公开工作年度报告")
    ids = []
    with old.begin() as session:
        run_id = session.execute(text("insert into crawl_runs (started_at, status, software, start_urls, pages_fetched, "
                                      "reports_seen, versions_new, errors, warc_bytes, not_modified, revisits, "
                                      "reports_new, reports_changed, reports_removed, stats) values (:t, 'finished', "
                                      "'old', '[]', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '{}') returning id"),
                                 {"t": T0}).scalar()
        for serial, (url, data) in enumerate(((f"{BASE}/4694/1.htm", town), (f"{BASE}/5101/1.htm", bureau)), 1):
            page_id = get_or_create_page(session, url, "report", T0)
            capture_id = add_capture(session, run_id=run_id, page_id=page_id, url=url, fetched_at=T0, status=200,
                                     record_type="response", warc_filename="a.warc.gz", warc_offset=serial * 100,
                                     warc_length=90, warc_record_id=f"<urn:uuid:{serial:036d}>")
            digest = content_hash(VersionData(data, [], []))
            ids.append(session.execute(text(
                "insert into report_versions (page_id, version_no, capture_id, last_capture_id, content_hash, "
                "created_at, extractor_version, title, township, report_year, attachments, raw_text, clean_text, "
                "provenance, conflicts) values (:p, 1, :c, :c, :h, :t, 'old', :title, :township, 2021, '[]', "
                ":title, :title, '{}', '[]') returning id"),
                {"p": page_id, "c": capture_id, "h": digest, "t": T0, "title": data["title"],
                 "township": data["township"]}).scalar())

    engine = make_engine(db_url)                        # upgrades to head: 0003 adds and backfills
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        rows = {v.id: (v.unit, v.unit_kind, v.township) for v in session.scalars(select(ReportVersion))}
    assert rows == {ids[0]: ("文林街道", "subdistrict", "文林街道"), ids[1]: (None, None, None)}

    # what reprocess stores for the bureau: the same content, now with its unit -> filled in place
    filled = dict(bureau, unit="仁寿县教育和体育局", unit_kind="department",
                  provenance={"unit": {"rule": "title", "raw": bureau["title"], "confidence": 0.9}})
    assert store(sessions, f"{BASE}/5101/1.htm", filled, 3) == ids[1]
    with sessions() as session:
        version = session.get(ReportVersion, ids[1])
        assert (version.version_no, version.unit, version.unit_kind) == (1, "仁寿县教育和体育局", "department")
        assert version.provenance["unit"]["rule"] == "title"
        assert session.scalar(select(ReportVersion.id).where(ReportVersion.unit == "仁寿县教育和体育局")) == ids[1]
    engine.dispose()
