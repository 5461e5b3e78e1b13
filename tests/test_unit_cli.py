"""Reporting units through the command line (issue 15): --unit on search, export, diff, trends,
similar and dossier, unit: in the query language, unit and unit_kind in every output."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from gongkai.compare import diff_command, similar_command, trends_command
from gongkai.dossier import dossier_command
from gongkai.export import export_command
from gongkai.research import search_command, show_command
from replica.synth import synth_report
from tests.test_diff import BASE, STATS_2019, STATS_2021, stats, xiangjia_archive

BUREAU = "仁寿县教育和体育局"
SPORTS = "乐山市体育局"


@pytest.fixture
def units_db(tmp_path):
    """向家镇 and 文林街道 (tests.test_diff), an education-and-sports bureau's 2019 and 2021 reports and a
    city sports bureau's 2021 report."""
    url = f"sqlite:///{tmp_path / 'gongkai.sqlite'}"
    archive = xiangjia_archive(url)
    for year, figures in ((2019, STATS_2019), (2021, STATS_2021)):
        text = synth_report(BUREAU, year, 11).text + "\n学校体育和校园足球信息公开情况良好。"
        archive.store(f"{BASE}/5101/{year}01.htm", text, township=None, year=year, statistics=figures,
                      unit=BUREAU, unit_kind="department")
    archive.store(f"{BASE}/5102/202101.htm", synth_report(SPORTS, 2021, 12).text + "\n全民健身信息公开。",
                  township=None, year=2021, statistics=stats("revised-2021", active_total=88),
                  unit=SPORTS, unit_kind="department")
    return url


def run(command, *args):
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def test_search_by_unit_option_and_query_filter(units_db):
    by_option = json.loads(run(search_command, "公开", "--db", units_db, "--unit", BUREAU, "--format", "json").output)
    by_query = json.loads(run(search_command, f"公开 unit:{BUREAU}", "--db", units_db, "--format", "json").output)
    assert by_option == by_query
    assert sorted(h["url"] for h in by_option) == [f"{BASE}/5101/201901.htm", f"{BASE}/5101/202101.htm"]
    assert {(h["unit"], h["unit_kind"], h["township"]) for h in by_option} == {(BUREAU, "department", None)}
    table = run(search_command, "全民健身", "--db", units_db).output
    assert table.splitlines()[0].startswith(f"1. {SPORTS} 2021  ")
    header = run(search_command, "公开", "--db", units_db, "--format", "csv").output.splitlines()[0]
    assert header.startswith("url,version_no,title,unit,unit_kind,township,report_year,")


def test_export_carries_and_filters_the_unit(units_db):
    rows = [json.loads(line) for line in
            run(export_command, "--db", units_db, "--format", "jsonl", "--unit", SPORTS).output.splitlines()]
    assert [(r["unit"], r["unit_kind"], r["township"], r["report_year"]) for r in rows] == [(SPORTS, "department", None, 2021)]
    table = list(csv.DictReader(io.StringIO(run(export_command, "--db", units_db, "--format", "csv").output)))
    assert list(table[0])[:5] == ["url", "title", "unit", "unit_kind", "township"]
    assert {r["unit"] for r in table} == {"向家镇", "文林街道", BUREAU, SPORTS}
    assert {r["unit_kind"] for r in table if r["unit"] == "文林街道"} == {"township"}   # as the test archive stores it


def test_show_prints_the_unit(units_db):
    out = run(show_command, f"{BASE}/5101/202101.htm", "--db", units_db).output
    assert f"\nunit            {BUREAU}\n" in out and "\nunit_kind       department\n" in out


def test_diff_trends_similar_and_dossier_by_unit(units_db, tmp_path):
    diff = json.loads(run(diff_command, "--db", units_db, "--unit", BUREAU, "--format", "json").output)
    assert (diff["from"]["unit"], diff["from"]["report_year"], diff["to"]["report_year"]) == (BUREAU, 2019, 2021)
    assert diff["from"]["township"] is None
    text = run(diff_command, "--db", units_db, "--unit", BUREAU).output
    assert text.startswith(f"--- {BUREAU} 2019 v1 ")
    series = json.loads(run(trends_command, "--db", units_db, "--unit", BUREAU, "--metric", "active_total",
                            "--format", "json").output)
    assert [(s["township"], [p["year"] for p in s["points"]]) for s in series] == [(BUREAU, [2019, 2021])]
    similar = run(similar_command, "--db", units_db, "--unit", SPORTS, "--format", "json")
    assert similar.exit_code == 0
    out = tmp_path / "d.html"
    dossier = run(dossier_command, "--db", units_db, "--unit", BUREAU, "-o", str(out))
    assert dossier.output == f"wrote {out}: 2 reports, 0 silent edits, 0 spam findings, 0 copy-paste matches\n"
    assert BUREAU in out.read_text(encoding="utf-8")


def test_unknown_unit_is_one_line_naming_the_archived_units(units_db):
    result = CliRunner().invoke(trends_command, ["--db", units_db, "--unit", "仁寿县审计局"])
    assert result.exit_code == 1
    assert result.output == f"Error: no reports for unit '仁寿县审计局'; archived units: {SPORTS}, {BUREAU}, 向家镇, 文林街道\n"
    diff = CliRunner().invoke(diff_command, ["--db", units_db, "--unit", "仁寿县审计局"])
    assert diff.exit_code == 1 and diff.output.startswith("Error: no reports for unit '仁寿县审计局'")
    both = CliRunner().invoke(diff_command, ["--db", units_db, "--unit", BUREAU, "--township", "向家镇"])
    assert both.exit_code == 2 and "pass either --township or --unit" in both.output
    both = CliRunner().invoke(similar_command, ["--db", units_db, "--unit", BUREAU, "--township", "向家镇"])
    assert both.exit_code == 2
