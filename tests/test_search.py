"""Search: the query language, the index kept with save_version, and exact results on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text

from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import CrawlRun, ReportVersion
from archive.search.hits import make_snippet
from archive.search.query import And, Not, Or, Query, QueryError, SearchFilters, Term, parse_query
from archive.sql.filters import filter_clause
from archive.sql.search import rebuild_index, search
from archive.sql.writes import VersionData, add_capture, get_or_create_page, save_version

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

# Real report sentences (rewritten in the manner of county township reports).
REPORTS = {
    "http://rs.example/xjz/2018.htm": ("向家镇", 2018, "仁寿县人民政府",
        "一、总体情况\n2018年，向家镇认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息126条。\n"
        "二、依申请公开情况\n全年共收到政府信息公开申请3件，均已按时答复。\n三、行政复议情况\n未发生行政复议和行政诉讼。"),
    "http://rs.example/xjz/2019.htm": ("向家镇", 2019, "仁寿县人民政府",
        "一、总体情况\n2019年，向家镇主动公开政府信息148条，其中规范性文件2件。\n"
        "二、收到和处理政府信息公开申请情况\n本年度未收到公开申请。\n三、存在的主要问题及改进情况\n公开内容不够全面。"),
    "http://rs.example/wljd/2018.htm": ("文林街道", 2018, "文林街道办事处",
        "一、总体情况\n文林街道办事处高度重视政务公开工作，围绕脱贫攻坚、乡村振兴公开信息。\n"
        "二、因政府信息公开被申请行政复议1件，维持原行政行为。\n三、收费及减免情况\n未收取任何费用。"),
    "http://rs.example/wljd/2020.htm": ("文林街道", 2020, "文林街道办事处",
        "一、总体情况\n2020年文林街道做好新冠肺炎疫情防控信息发布，发布疫情防控通知35条。\n"
        "二、政府信息公开行政诉讼情况\n无。\n三、其他需要报告的事项\n无。"),
    "http://rs.example/fjz/2016.htm": ("富加镇", 2016, None,
        "富加镇2016年政府信息公开工作年度报告。本年度通过政府网站公开信息89条，"
        "召开新闻发布会1次。下一步将加强政策解读，做好“放管服”改革信息公开。"),
    "http://rs.example/fjz/2021.htm": ("富加镇", 2021, "富加镇人民政府",
        "富加镇认真落实乡村振兴战略，公开惠农补贴信息。政务新媒体发布信息210条。"
        "Office of ABC; 100% 完成; a_b 下划线; 引号\"在文中\"。"),
}


def _store(session, url, township, year, source, body, *, when=T0, title=None):
    run = session.get(CrawlRun, 1) or CrawlRun(id=1, started_at=T0, software="test")
    session.add(run)
    session.flush()
    page_id = get_or_create_page(session, url, "report", when)
    capture_id = add_capture(
        session, run_id=1, page_id=page_id, url=url, fetched_at=when, status=200,
        warc_filename="test.warc.gz", warc_offset=0, warc_record_id=f"<urn:uuid:{url}-{when.timestamp()}>",
        payload_digest="sha1:X",
    )
    fields = {
        "title": title or f"{township}{year}年政府信息公开工作年度报告", "township": township,
        "report_year": year, "published_date": date(year + 1, 1, 15), "source": source,
        "raw_text": body, "clean_text": body,
    }
    return save_version(session, page_id=page_id, capture_id=capture_id,
                        data=VersionData(fields, [], []), created_at=when, extractor_version="test")[0]


@pytest.fixture
def corpus(db_url):
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        for url, (township, year, source, body) in REPORTS.items():
            _store(session, url, township, year, source, body)
    yield sessions
    engine.dispose()


def _urls(sessions, query, **filters):
    with sessions() as session:
        q = parse_query(query)
        q = type(q)(q.node, q.filters.merged(SearchFilters(**filters)))
        return {hit.url for hit in search(session, q, limit=100)}


def _expected(predicate):
    return {url for url, (_, _, _, body) in REPORTS.items() if predicate(body)}


@pytest.mark.parametrize("phrase", [
    "政府信息公开", "行政复议", "乡村振兴", "疫情防控", "公开", "复议", "镇", "条", "信息公开申请",
    "放管服", "abc", "100%", "a_b", "%", "_", "依申请公开情况", "不存在的短语", "的",
])
def test_every_report_containing_a_phrase_is_found_and_no_other(corpus, phrase):
    assert _urls(corpus, f'"{phrase}"') == _expected(lambda b: phrase.lower() in b.lower())


def test_boolean_operators(corpus):
    has = lambda w: lambda b: w in b  # noqa: E731
    assert _urls(corpus, "行政复议 乡村振兴") == _expected(lambda b: "行政复议" in b and "乡村振兴" in b)
    assert _urls(corpus, "疫情防控 OR 放管服") == _expected(lambda b: has("疫情防控")(b) or has("放管服")(b))
    assert _urls(corpus, "政府信息 NOT 行政复议") == _expected(lambda b: "政府信息" in b and "行政复议" not in b)
    assert _urls(corpus, "NOT 公开") == _expected(lambda b: "公开" not in b)
    assert _urls(corpus, "(复议 OR 诉讼) AND NOT 镇") == _expected(
        lambda b: ("复议" in b or "诉讼" in b) and "镇" not in b)
    assert _urls(corpus, "信息 (疫情 OR NOT 申请)") == _expected(
        lambda b: "信息" in b and ("疫情" in b or "申请" not in b))
    assert _urls(corpus, '"AND"') == set()
    assert _urls(corpus, "乡村振兴 (公开 OR 行政复议)") == _expected(
        lambda b: "乡村振兴" in b and ("公开" in b or "行政复议" in b))
    assert _urls(corpus, "镇 (行政复议 OR NOT 公开信息)") == _expected(
        lambda b: "镇" in b and ("行政复议" in b or "公开信息" not in b))
    assert _urls(corpus, "行政复议 公开 township:文林街道") == {"http://rs.example/wljd/2018.htm"}


def test_filters_in_query_and_as_options(corpus):
    assert _urls(corpus, "公开 township:向家镇") == {"http://rs.example/xjz/2018.htm", "http://rs.example/xjz/2019.htm"}
    assert _urls(corpus, "公开", township="向家镇", year=2019) == {"http://rs.example/xjz/2019.htm"}
    assert _urls(corpus, "year:2018") == {"http://rs.example/xjz/2018.htm", "http://rs.example/wljd/2018.htm"}
    assert _urls(corpus, "信息 from:2021-01-01 to:2021-12-31") == {"http://rs.example/wljd/2020.htm"}
    assert _urls(corpus, "信息", source="街道") == {"http://rs.example/wljd/2018.htm", "http://rs.example/wljd/2020.htm"}
    assert _urls(corpus, 'title:"文林街道2020"') == {"http://rs.example/wljd/2020.htm"}


INJECTIONS = [
    "'; DROP TABLE report_versions; --", '" OR 1=1', "\" OR 1=1 --", "公开\" OR \"1\"=\"1",
    "*", "NEAR(a b)", "clean_text:abc", "{title}: x", "^开", "a + b", "-公开", "公开*", "'", "\\",
]


@pytest.mark.parametrize("query", INJECTIONS)
def test_injection_strings_are_data(corpus, query):
    try:
        q = parse_query(query)
    except QueryError as exc:
        assert "\n" not in str(exc)
    else:
        with corpus() as session:
            search(session, q)
    with corpus() as session:
        for hostile in (query, "'; DROP TABLE report_versions; --"):
            session.execute(select(ReportVersion.id).where(filter_clause(SearchFilters(township=hostile, source=hostile))))
            assert search(session, Query(Term("公开"), SearchFilters(township=hostile))) == []
        assert session.scalar(select(func.count()).select_from(ReportVersion)) == len(REPORTS)
    assert _urls(corpus, '"公开"') == _expected(lambda b: "公开" in b)


def test_only_the_latest_version_is_searchable(corpus):
    url = "http://rs.example/xjz/2018.htm"
    with corpus.begin() as session:
        _store(session, url, "向家镇", 2018, "仁寿县人民政府", "改版后的报告：本年度开展了网格化管理。",
               when=datetime(2026, 11, 2, tzinfo=UTC))
    assert url not in _urls(corpus, "行政复议")
    assert _urls(corpus, "网格化") == {url}
    assert url in _urls(corpus, "网格")  # 2-character path too
    with corpus.begin() as session:
        assert rebuild_index(session) in (0, len(REPORTS))
    assert _urls(corpus, "网格化") == {url}
    assert url not in _urls(corpus, "复议")


def test_hits_carry_ranked_snippets_and_citation(corpus):
    with corpus() as session:
        hits = search(session, parse_query("行政复议"))
    assert hits and all("行政复议" in h.snippet.text for h in hits)
    h = hits[0]
    assert h.warc_filename == "test.warc.gz" and h.warc_record_id.startswith("<urn:uuid:")
    a, b = h.snippet.spans[0]
    assert h.snippet.text[a:b] == "行政复议"


@pytest.mark.parametrize("query, message", [
    ("", "empty query"), ('"未闭合', "unterminated phrase"), ("(公开", "never closed"),
    ("公开)", "unexpected"), ("公开 OR", "trailing operator"), ("OR 公开", "needs a term"),
    ("year:20x8", "not a year"), ("from:2018-13-01", "not a date"),
    ("公开 OR township:向家镇", "filters the whole query"), ('""', "empty term"),
])
def test_malformed_queries_are_one_line_errors(query, message):
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_parse_tree():
    assert parse_query('a "b c" OR NOT d').node == Or((And((Term("a"), Term("b c"))), Not(Term("d"))))
    assert parse_query("title:公开 year:2018").node == Term("公开", "title")
    assert parse_query("year:2018").node is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_parser_never_crashes(query):
    try:
        parse_query(query)
    except QueryError as exc:
        assert "\n" not in str(exc)


def test_snippet_marks_terms():
    s = make_snippet("甲" * 50 + "行政复议" + "乙" * 50, ["复议"], width=30)
    assert s.text.startswith("…") and s.text.endswith("…")
    assert [s.text[a:b] for a, b in s.spans] == ["复议"]


def test_tables_intact_after_hostile_queries(corpus):
    with corpus() as session:
        for query in INJECTIONS:
            try:
                search(session, parse_query(query))
            except QueryError:
                pass
        names = set(inspect(session.get_bind()).get_table_names())
        assert {"report_versions", "pages", "captures", "spam_findings", "statistics"} <= names
        assert session.execute(text("SELECT count(*) FROM report_versions")).scalar_one() == len(REPORTS)


def test_migration_backfills_the_index_from_existing_reports(tmp_path):
    from archive.sql.engine import downgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        for page_url, (township, year, source, body) in REPORTS.items():
            _store(session, page_url, township, year, source, body)
        _store(session, "http://rs.example/fjz/2016.htm", "富加镇", 2016, None, "第二版：网格员队伍。",
               when=datetime(2026, 11, 2, tzinfo=UTC))
    downgrade(engine, "0001")
    engine.dispose()
    engine = make_engine(url)  # upgrades to head again: 0002 indexes the latest versions
    sessions = make_sessionmaker(engine)
    assert _urls(sessions, "网格") == {"http://rs.example/fjz/2016.htm"}
    assert _urls(sessions, "放管服") == set()
    assert _urls(sessions, "复议") == _expected(lambda b: "复议" in b)
    engine.dispose()


def test_benchmark_smoke_matches_a_brute_force_scan(tmp_path):
    """The benchmark's corpus builder and bulk index path, at 1,000 reports, against Python `in`."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("search_bench", Path(__file__).parent.parent / "bench" / "search_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    db = tmp_path / "bench.sqlite"
    bench.build_corpus(db, 1000, batch=250)
    engine = make_engine(f"sqlite:///{db}")
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        texts = dict(session.execute(select(ReportVersion.id, ReportVersion.clean_text)).all())
        for query in ("政务", "乡村振兴", "镇", "低保 信访", "政策解读 NOT 疫情防控"):
            got = {h.version_id for h in search(session, parse_query(query), limit=5000)}
            terms = query.replace("NOT ", "-").split()
            want = {i for i, t in texts.items()
                    if all((w[1:] not in t) if w.startswith("-") else (w in t) for w in terms)}
            assert got == want, query
    rows = bench.measure(db, queries=3)
    assert {kind for kind, *_ in rows} >= {"2-character term", "4-character phrase"}
    engine.dispose()


@pytest.mark.parametrize("query", ["公开 township:向家镇", "行政复议 year:2018", "镇 year:2018", "信息 source:街道",
                                   "政府信息 NOT 复议 from:2019-01-01"])
def test_filtered_queries_agree_on_every_path(corpus, query):
    """Few candidates are scanned, more go through FTS5 with the candidates as a rowid set."""
    with corpus() as session:
        q = parse_query(query)
        paths = [{h.url for h in search(session, q, limit=100, **kw)}
                 for kw in ({}, {"max_scanned": 0}, {"max_scanned": 0, "max_listed": 0})]
    assert paths[0] == paths[1] == paths[2] and paths[0]
