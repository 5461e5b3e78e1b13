"""Diffs across years and captures, trends and copy-paste detection (pure core and SQL loaders)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.sql.engine import make_engine, make_sessionmaker
from archive.diff import api
from archive.diff.core import diff_reports
from archive.diff.model import Comparison, DiffKind, Op, Presence, ReportRef, ReportSnapshot, StatValue, to_json
from archive.diff.normalise import fingerprint, fingerprint_origins, normalise_text
from archive.diff.load import DiffLookupError
from archive.diff.render_html import render_diff, render_trends
from archive.diff.render_text import render_text
from archive.diff.similar import SimilarDoc, find_similar
from replica.synth import near_copy, synth_report, township_name
from archive.diff.text import char_ops, diff_texts, split_sections
from archive.sql.models import CrawlRun
from archive.sql.writes import VersionData, add_capture, get_or_create_page, save_version

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
BASE = "http://www.rs.gov.cn/info"
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def stats(template: str, **values) -> list[dict]:
    return [{"metric": m, "value": float(v), "unit": "条" if m == "active_total" else None,
             "qualifier": None, "section": None, "template": template} for m, v in values.items()]


STATS_2018 = stats("prose-2016", active_total=606, public_responses=4, meetings=3, trainings=4,
                   trainees=100, applications_new=2, applications_fees=0)
STATS_2019 = stats("trial-2019", active_total=702, public_responses=4, meetings=5, trainings=6,
                   trainees=120, applications_new=3, docs_issued=0)
EDITED_2019 = [dict(s, value=720.0) if s["metric"] == "active_total" else s for s in STATS_2019]
STATS_2021 = stats("revised-2021", active_total=655, meetings=4, trainings=5,
                   trainees=150, applications_new=1)


class Archive:
    """Writes synthetic report versions the way the crawl does: run, page, capture, version."""

    def __init__(self, db_url: str):
        self.sessions = make_sessionmaker(make_engine(db_url))
        self.serial = 0
        with self.sessions.begin() as session:
            run = CrawlRun(started_at=T0, software="gongkai-test")
            session.add(run)
            session.flush()
            self.run_id = run.id

    def store(self, url: str, text: str, *, township: str | None, year: int | None, statistics=(),
              findings=(), published: date | None = None, fetched_at: datetime = T0,
              unit: str | None = None, unit_kind: str | None = None) -> int:
        self.serial += 1
        with self.sessions.begin() as session:
            page_id = get_or_create_page(session, url, "report", fetched_at)
            capture_id = add_capture(
                session, run_id=self.run_id, page_id=page_id, url=url, fetched_at=fetched_at, status=200,
                record_type="response", warc_filename="gongkai-20240301080000-00001-1.warc.gz",
                warc_offset=1000 * self.serial, warc_length=900,
                warc_record_id=f"<urn:uuid:00000000-0000-0000-0000-{self.serial:012d}>")
            unit, unit_kind = (unit, unit_kind) if unit else (township, "township" if township else None)
            fields = {"title": f"仁寿县{unit}{year}年政府信息公开工作年度报告", "township": township,
                      "unit": unit, "unit_kind": unit_kind,
                      "report_year": year, "published_date": published, "raw_text": text, "clean_text": text}
            version, _ = save_version(session, page_id=page_id, capture_id=capture_id,
                                      data=VersionData(fields, list(findings), list(statistics)),
                                      created_at=fetched_at, extractor_version="test")
            return version.id


def xiangjia_archive(db_url: str) -> Archive:
    archive = Archive(db_url)
    archive.store(f"{BASE}/4519/112369.htm", fixture_text("xiangjia_2018.txt"), township="向家镇", year=2018,
                  statistics=STATS_2018, published=date(2019, 2, 28))
    archive.store(f"{BASE}/4516/120001.htm", fixture_text("xiangjia_2019.txt"), township="向家镇", year=2019,
                  statistics=STATS_2019, published=date(2020, 1, 20))
    archive.store(f"{BASE}/4694/130001.htm", fixture_text("xiangjia_2021.txt"), township="向家镇", year=2021,
                  statistics=STATS_2021, published=date(2022, 1, 15))
    other = synth_report("文林街道", 2019, 3)
    archive.store(f"{BASE}/4516/120002.htm", other.text, township="文林街道", year=2019,
                  statistics=stats("trial-2019", active_total=other.figures["active_total"]))
    return archive


def snap(text: str, year: int, statistics=(), **kw) -> ReportSnapshot:
    ref = ReportRef("向家镇", year, f"{BASE}/{year}.htm", 1, None, None, kw.pop("template", None), None)
    return ReportSnapshot(ref=ref, text=text, statistics=tuple(statistics), **kw)


# -- pure core ---------------------------------------------------------------------------------

def test_normalise_folds_width_and_whitespace():
    assert normalise_text("主动公开 606 条, 其中（一）: ＡＢ１２\n\n  二、 公开") == "主动公开606条，其中（一）：AB12\n二、公开"
    assert normalise_text("信息内容 \t 本年制发件数\t\t0") == "信息内容\t本年制发件数\t0"


def test_punctuation_style_is_not_a_change():
    sections, similarity = diff_texts("一、概述\n向家镇认真贯彻落实《条例》，主动公开信息(一)。",
                                      "一、概述\n向家镇认真贯彻落实《条例》, 主动公开信息（一）。")
    assert similarity == 1.0
    assert not any(s.changed for s in sections)


def test_char_ops_keep_numbers_whole():
    ops = char_ops("2018年主动公开信息606条。", "2019年主动公开信息702条。")
    assert ops == ((Op.DELETE, "2018"), (Op.INSERT, "2019"), (Op.EQUAL, "年主动公开信息"),
                   (Op.DELETE, "606"), (Op.INSERT, "702"), (Op.EQUAL, "条。"))


def test_sections_align_across_templates_prose_2018_to_table_2019():
    sections, similarity = diff_texts(fixture_text("xiangjia_2018.txt"), fixture_text("xiangjia_2019.txt"))
    pairs = [(s.from_heading, s.to_heading) for s in sections]
    assert pairs == [
        (None, None),
        ("一、概述", "一、总体情况"),                      # renamed: matched by body and number
        ("二、主动公开政府信息情况", "二、主动公开政府信息情况"),
        ("三、依申请公开政府信息情况", "三、收到和处理政府信息公开申请情况"),
        ("四、政府信息公开的收费及减免情况", None),        # dropped by the 2019 template
        (None, "四、政府信息公开行政复议、行政诉讼情况"),
        ("五、存在的主要问题及改进措施", "五、存在的主要问题及改进情况"),
        (None, "六、其他需要报告的事项"),
    ]
    assert 0.5 < similarity < 0.9
    active = sections[2].ops
    assert (Op.DELETE, "606") in active and (Op.INSERT, "702") in active
    assert any(op is Op.INSERT and "第二十条第（一）项" in text for op, text in active)
    # 2019 wrote ", " where 2018 wrote "，": punctuation style is no change
    overview = [op for op in sections[1].rows[0].ops if op[0] is not Op.EQUAL]
    assert overview == [(Op.DELETE, "2018"), (Op.INSERT, "2019"), (Op.INSERT, "新修订的")]
    improve = sections[6].ops
    assert improve == ((Op.EQUAL, "一是公开内容不够全面，二是村级公开不够及时。下一步将加强业务培训"),
                       (Op.INSERT, "，完善公开目录"), (Op.EQUAL, "。"))


def test_statistics_rows_change_and_presence():
    result = diff_reports(snap("a", 2018, [StatValue(**{k: v for k, v in s.items() if k != "section"})
                                           for s in STATS_2018], template="prose-2016"),
                          snap("b", 2019, [StatValue(**{k: v for k, v in s.items() if k != "section"})
                                           for s in STATS_2019], template="trial-2019"))
    rows = {s.metric: s for s in result.statistics}
    assert rows["active_total"].delta == 96 and rows["active_total"].pct == 15.84
    assert rows["meetings"].pct == 66.67
    assert rows["public_responses"].delta == 0
    assert rows["applications_fees"].presence is Presence.FROM_ONLY and rows["applications_fees"].delta is None
    assert rows["docs_issued"].presence is Presence.TO_ONLY
    # through the concordance: 2019's tables are new, 2018's fee paragraph has no successor
    assert rows["docs_issued"].comparison is Comparison.NEW
    assert rows["applications_fees"].comparison is Comparison.DROPPED
    assert rows["public_responses"].relation == "renamed"
    assert rows["active_total"].label_zh == "主动公开政府信息" and rows["active_total"].section == "active"
    sections = [s.section for s in result.statistics]
    assert sections.index("active") < sections.index("art20-1") < sections.index("fees")


def test_json_shape_is_stable():
    data = to_json(diff_reports(snap("一、概述\n甲乙丙丁。", 2018), snap("一、概述\n甲乙丙戊。", 2019)))
    assert set(data) >= {"from", "to", "statistics", "sections", "similarity"}
    assert data["sections"][0]["ops"] == [["equal", "甲乙丙"], ["delete", "丁"], ["insert", "戊"], ["equal", "。"]]
    assert set(data["from"]) >= {"township", "report_year", "url", "version", "capture"}


def test_text_rendering_plain_and_coloured():
    result = diff_reports(snap("一、概述\n主动公开信息606条。", 2018), snap("一、概述\n主动公开信息702条。", 2019))
    plain = render_text(result)
    assert "主动公开信息[-606-]{+702+}条。" in plain and "\x1b[" not in plain
    assert "\x1b[31m" in render_text(result, color=True)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="一二三、。，,.向家镇公开信息条\n 0123456789（）()ＡA\t", max_size=120),
       st.text(alphabet="一二三、。，,.向家镇公开信息条\n 0123456789（）()ＡA\t", max_size=120))
def test_diff_ops_rebuild_both_sides(a, b):
    sections, similarity = diff_texts(a, b)
    assert 0.0 <= similarity <= 1.0
    left = "".join(t for s in sections for r in s.rows for op, t in r.ops if op is not Op.INSERT)
    right = "".join(t for s in sections for r in s.rows for op, t in r.ops if op is not Op.DELETE)
    body = lambda text: "".join(  # noqa: E731 - sentences of every section, headings aside
        "".join(sec.sentences) for sec in split_sections(normalise_text(text)))
    assert left == body(a) and right == body(b)
    assert diff_texts(a, a)[1] == 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_fingerprint_origins_agree(text):
    fp, origin = fingerprint_origins(text)
    assert fp == fingerprint(text) and len(origin) == len(fp)
    assert origin == sorted(origin)


def test_html_escapes_report_text():
    payload = '<script>document.title="PWNED"</script><img src=x onerror=alert(1)>'
    result = diff_reports(snap(f"一、概述\n{payload}甲。", 2018), snap(f"一、概述\n{payload}乙。", 2019))
    html = render_diff(result)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html


def test_long_reports_diff_quickly():
    import time

    a = synth_report("向家镇", 2018, 1, sentences=850)
    b = near_copy(a, "向家镇", 2019, 2, edits=60)
    assert len(a.text) > 18_000
    start = time.perf_counter()
    result = diff_reports(snap(a.text, 2018), snap(b.text, 2019))
    assert time.perf_counter() - start < 1.0        # bench/diff_bench.py holds the real numbers
    assert 0.8 < result.similarity < 1.0
    # a 20,000-character line without punctuation is cut into clauses, not diffed char by char
    rng = random.Random(1)
    line = "".join(rng.choice("政府信息公开工作年度报告向家镇主动公开条次") for _ in range(20_000))
    start = time.perf_counter()
    sections, similarity = diff_texts(line, line[:5000] + "插入一些文字" + line[5000:])
    assert time.perf_counter() - start < 1.0 and similarity > 0.99


# -- copy-paste --------------------------------------------------------------------------------

def _corpus():
    docs, truth = [], set()
    reports = {(township_name(i), y): synth_report(township_name(i), y, 5) for i in range(10) for y in (2018, 2019, 2020)}
    reports[(township_name(7), 2019)] = near_copy(reports[(township_name(2), 2019)], township_name(7), 2019, 1, edits=3)
    reports[(township_name(4), 2020)] = near_copy(reports[(township_name(4), 2019)], township_name(4), 2020, 2, edits=2)
    truth = {frozenset({(township_name(2), 2019), (township_name(7), 2019)}),
             frozenset({(township_name(4), 2019), (township_name(4), 2020)})}
    for n, key in enumerate(sorted(reports)):
        docs.append(SimilarDoc(n, key[0], key[1], f"u{n}", reports[key].text))
    return docs, truth


def test_copies_found_and_honest_reports_not_flagged():
    docs, truth = _corpus()
    result = find_similar(docs, threshold=0.2)
    found = {frozenset({(p.a.township, p.a.year), (p.b.township, p.b.year)}) for p in result.pairs}
    assert found == truth
    for pair in result.pairs:
        assert pair.similarity > 0.4
        assert pair.passages and all(len(p) >= 10 for p in pair.passages)
    # every honest report's nearest neighbour stays far below the threshold
    flagged = {(p.a.township, p.a.year) for p in result.pairs} | {(p.b.township, p.b.year) for p in result.pairs}
    for ref, neighbours in result.neighbours:
        if (ref.township, ref.year) not in flagged and neighbours:
            assert neighbours[0].similarity < 0.15


def test_template_alone_is_not_copying():
    docs = [SimilarDoc(i, township_name(i), 2019, f"u{i}", synth_report(township_name(i), 2019, i, sentences=0).text)
            for i in range(8)]
    result = find_similar(docs)
    assert result.pairs == ()
    # what little distinctive text is left (a contact line) is too little evidence to flag
    assert all(not n.flagged and (n.shared_shingles or 0) < 80 for _, ns in result.neighbours for n in ns)


# -- SQL: years, captures, trends ----------------------------------------------------------------

def test_year_diff_from_the_archive(db_url):
    archive = xiangjia_archive(db_url)
    with archive.sessions() as session:
        report = api.diff_years(session, "向家镇", 2018, 2019)
        latest = api.diff_years(session, "向家镇")                       # default: last two years
        with pytest.raises(DiffLookupError, match="no 2017 report for 向家镇; archived years: 2018, 2019, 2021"):
            api.diff_years(session, "向家镇", 2017, 2019)
        with pytest.raises(DiffLookupError, match="no reports for township '新店镇'; archived townships: 向家镇, 文林街道"):
            api.diff_years(session, "新店镇", 2018, 2019)
        series = api.trends(session, townships=["向家镇"], metrics=["active_total", "meetings"])
    result = report.result
    assert (result.a.report_year, result.b.report_year) == (2018, 2019)
    assert result.a.capture.warc_filename.endswith(".warc.gz") and result.a.capture.warc_record_id
    assert result.warnings == ("template changed: prose-2016 -> trial-2019",)
    assert {s.metric: s.delta for s in result.statistics}["active_total"] == 96
    assert (latest.result.a.report_year, latest.result.b.report_year) == (2019, 2021)
    assert [(s.metric, s.points) for s in series] == [
        ("active_total", ((2018, 606), (2019, 702), (2021, 655))),
        ("meetings", ((2018, 3), (2019, 5), (2021, 4)))]
    assert {s.metric for s in report.trends} >= {"active_total", "meetings"}
    html = render_diff(result, trends=report.trends)
    assert html.count("<svg") >= 2 and "gongkai-20240301080000-00001-1.warc.gz" in html


def test_capture_diff_after_page_edit(db_url):
    archive = xiangjia_archive(db_url)
    url = f"{BASE}/4516/120001.htm"
    edited = fixture_text("xiangjia_2019.txt").replace("主动公开信息702条", "主动公开信息720条")
    spam = {"kind": "replaced_word", "rule": "lexicon", "action": "restored", "text": "必威体育平台",
            "replacement": "其他", "confidence": 0.9, "field": "body", "start": 10, "end": 16, "signal": "lexicon"}
    later = datetime(2024, 9, 1, tzinfo=UTC)
    archive.store(url, edited, township="向家镇", year=2019, statistics=EDITED_2019, findings=[spam],
                  published=date(2020, 6, 30), fetched_at=later)
    with archive.sessions() as session:
        report = api.diff_page(session, url)
        by_date = api.diff_page(session, url, "2024-03-31", "2024-09-02")
        with pytest.raises(DiffLookupError, match="was not yet archived on 2020-01-01"):
            api.diff_page(session, url, "2020-01-01", None)
        with pytest.raises(DiffLookupError, match="only one version"):
            api.diff_page(session, f"{BASE}/4519/112369.htm")
        with pytest.raises(DiffLookupError, match="no page archived at"):
            api.diff_page(session, f"{BASE}/nope.htm")
    result = report.result
    assert result.kind is DiffKind.CAPTURES and (result.a.version_no, result.b.version_no) == (1, 2)
    assert by_date.result.b.version_no == 2 and by_date.result.a.version_no == 1
    flags = {f.name: f for f in result.fields}
    assert flags["published_date"].red_flag and flags["published_date"].to_value == "2020-06-30"
    assert [(c.change, c.finding.text) for c in result.findings] == [("appeared", "必威体育平台")]
    ops = [op for s in result.sections for op in s.ops if op[0] is not Op.EQUAL]
    assert ops == [(Op.DELETE, "702"), (Op.INSERT, "720")]
    assert "警示" in render_diff(result) and "警示" in render_text(result)
    assert "RED FLAG" in render_diff(result, lang="en") and "RED FLAG" in render_text(result, lang="en")


def test_trends_page_and_similar_over_the_archive(tmp_path):
    archive = xiangjia_archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    source = synth_report("文林街道", 2019, 3)
    archive.store(f"{BASE}/4516/120003.htm", near_copy(source, "石咀乡", 2019, 9).text, township="石咀乡", year=2019)
    with archive.sessions() as session:
        series = api.trends(session, townships=None)
        result = api.similar_reports(session, year=2019)
        with pytest.raises(DiffLookupError, match="no figures for metric"):
            api.trends(session, townships=["向家镇"], metrics=["nope"])
    html = render_trends(series, title="all townships")
    charted = {s.metric for s in series if len(s.points) >= 2 and any(v for _, v in s.points)}
    assert "<script" not in html and html.count("<svg") == len(charted) == 6
    # 2019's docs_issued and 2018's fee paragraph are 0 in their only year: listed, not charted
    assert html.count("以下 1 项不足 2 年有数据，未绘图") == 2
    found = {(p.a.township, p.a.year, p.b.township, p.b.year, p.relation.value) for p in result.pairs}
    # the hand-written 2019 fixture reuses three of 2018's sentences: too little to call a copy
    assert found == {("文林街道", 2019, "石咀乡", 2019, "same_year_other_township")}
    assert all(ref.year == 2019 for ref, _ in result.neighbours)
