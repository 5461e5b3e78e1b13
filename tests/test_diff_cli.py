"""``gongkai diff``, ``trends`` and ``similar`` through click's CliRunner."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from replica.synth import near_copy, synth_report
from gongkai.compare import diff_command, similar_command, trends_command
from tests.test_diff import BASE, EDITED_2019, fixture_text, xiangjia_archive


@pytest.fixture
def archive_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'gongkai.sqlite'}"
    archive = xiangjia_archive(url)
    edited = fixture_text("xiangjia_2019.txt").replace("主动公开信息702条", "主动公开信息720条")
    archive.store(f"{BASE}/4516/120001.htm", edited, township="向家镇", year=2019, statistics=EDITED_2019,
                  published=date(2020, 6, 30), fetched_at=datetime(2024, 9, 1, tzinfo=UTC))
    copy = near_copy(synth_report("文林街道", 2019, 3), "石咀乡", 2019, 9)
    archive.store(f"{BASE}/4516/120003.htm", copy.text, township="石咀乡", year=2019)
    return url


def run(command, *args):
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def test_diff_years_text(archive_db):
    result = run(diff_command, "--db", archive_db, "--township", "向家镇", "--from-year", "2018", "--to-year", "2019")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("--- 向家镇 2018 v1 http://www.rs.gov.cn/info/4519/112369.htm [gongkai-")
    assert lines[1].startswith("+++ 向家镇 2019 v2 ")
    assert "报告格式变化：文字报告（2016—2018年） → 2019年试行格式。统计数据按对照表比较，见每行的“可比性”。" in lines
    assert " [主动公开政府信息情况]" in lines
    assert any(line.startswith("  主动公开政府信息  ") and line.endswith(" 606 -> 720        +114 (+18.8%)")
               for line in lines)
    # zero rows collapse per section: 2018's 无…收费 (0) has no successor in the 2019 template
    assert " [政府信息公开的收费及减免情况]" in lines
    assert "  · 另有 1 行为零（双方均为零，或仅一方填报且为零）" in lines
    assert "@@ 一、概述 => 一、总体情况 (正文相似度 0.76)" in lines
    assert "\x1b[" not in result.output
    english = run(diff_command, "--db", archive_db, "--township", "向家镇", "--from-year", "2018", "--to-year", "2019",
                  "--lang", "en", "--context").output.splitlines()
    assert any(line.startswith("  Items disclosed proactively  ") and line.endswith(" 606 -> 720        +114 (+18.8%)")
               for line in english)
    assert any(line.startswith("  Fees charged for applications") and line.endswith("[no longer reported]")
               for line in english)


def test_diff_years_json_and_html_to_files(archive_db, tmp_path):
    out = tmp_path / "d.json"
    result = run(diff_command, "--db", archive_db, "--township", "向家镇", "--from-year", "2019",
                 "--to-year", "2021", "--format", "json", "--output", str(out))
    assert result.exit_code == 0 and result.output == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["from"]["report_year"], data["to"]["report_year"]) == (2019, 2021)
    assert data["from"]["capture"]["warc_record_id"].startswith("<urn:uuid:")
    row = next(s for s in data["statistics"] if s["metric"] == "active_total")
    assert row == {"metric": "active_total", "from": 720, "to": 655, "delta": -65, "pct": -9.03,
                   "unit": "条", "presence": "both", "label_zh": "主动公开政府信息",
                   "label_en": "Items disclosed proactively", "section": "active", "comparison": "comparable",
                   "relation": "same", "from_metrics": ["active_total"], "to_metrics": ["active_total"],
                   "wording": {"from": "总体情况：主动公开政府信息N条", "to": "总体情况：主动公开政府信息N条"},
                   "note_zh": None, "note_en": None}
    docs = next(s for s in data["statistics"] if s["metric"] == "docs_issued")
    # both templates have the row; the 2021 report does not state it, so it is named in 2019's words
    assert (docs["comparison"], docs["relation"], docs["label_zh"]) == ("one_side", None, "规范性文件：本年新制作数量")
    assert all(len(op) == 2 for s in data["sections"] for op in s["ops"])
    html = tmp_path / "d.html"
    assert run(diff_command, "--db", archive_db, "--township", "向家镇", "--format", "html", "-o", str(html)).exit_code == 0
    assert "<svg" in html.read_text(encoding="utf-8")


def test_diff_captures(archive_db):
    url = f"{BASE}/4516/120001.htm"
    result = run(diff_command, "--db", archive_db, "--url", url)
    assert result.exit_code == 0, result.output
    assert "发布日期: 2020-01-20 -> 2020-06-30 警示" in result.output
    assert "主动公开信息[-702-]{+720+}条" in result.output
    data = json.loads(run(diff_command, "--db", archive_db, "--url", url, "--from", "1", "--to", "2024-09-01",
                          "--format", "json").output)
    assert data["kind"] == "captures" and data["fields"][0]["red_flag"] is True


@pytest.mark.parametrize("args, message", [
    (["--township", "新店镇", "--from-year", "2018", "--to-year", "2019"],
     "Error: no reports for township '新店镇'; archived townships: 向家镇, 文林街道, 石咀乡\n"),
    (["--township", "向家镇", "--from-year", "2017", "--to-year", "2019"],
     "Error: no 2017 report for 向家镇; archived years: 2018, 2019, 2021\n"),
    (["--url", "http://www.rs.gov.cn/info/1/2.htm"],
     "Error: no page archived at http://www.rs.gov.cn/info/1/2.htm (check the exact URL, with its scheme)\n"),
    (["--url", f"{BASE}/4516/120001.htm", "--from", "v9"],
     f"Error: {BASE}/4516/120001.htm has no version 9; versions: 1-2\n"),
])
def test_diff_lookup_errors_are_one_line(archive_db, args, message):
    result = CliRunner().invoke(diff_command, ["--db", archive_db, *args])
    assert result.exit_code == 1 and result.output == message


def test_diff_usage_errors(archive_db, tmp_path):
    both = CliRunner().invoke(diff_command, ["--db", archive_db, "--township", "向家镇", "--url", "http://x/"])
    assert both.exit_code == 2 and "pass either --township" in both.output
    mixed = CliRunner().invoke(diff_command, ["--db", archive_db, "--township", "向家镇", "--from", "1"])
    assert mixed.exit_code == 2
    missing = CliRunner().invoke(diff_command, ["--data-dir", str(tmp_path / "none"), "--township", "向家镇"])
    assert missing.exit_code == 1 and missing.output.startswith("Error: no archive at ")


def test_trends_formats(archive_db, tmp_path):
    csv_out = run(trends_command, "--db", archive_db, "--township", "向家镇", "--metric", "active_total",
                  "--format", "csv")
    assert csv_out.exit_code == 0
    header, *rows = csv_out.output.splitlines()
    assert header == ("township,metric,year,value,unit,label_zh,label_en,section,template,definition_changed,"
                      "url,warc_filename,warc_offset,warc_record_id")
    assert [row.split(",")[:9] for row in rows] == [
        ["向家镇", "active_total", str(year), str(value), "条", "主动公开政府信息", "Items disclosed proactively",
         "active", template] for year, value, template in (
            (2018, 606, "prose-2016"), (2019, 720, "trial-2019"), (2021, 655, "revised-2021"))]
    assert rows[1].split(",")[9:] == ["0", f"{BASE}/4516/120001.htm", "gongkai-20240301080000-00001-1.warc.gz",
                                      "5000", "<urn:uuid:00000000-0000-0000-0000-000000000005>"]
    data = json.loads(run(trends_command, "--db", archive_db, "--all-townships", "--metric", "active_total",
                          "--format", "json").output)
    assert [s["township"] for s in data] == ["向家镇", "文林街道"]
    page = tmp_path / "t.html"
    assert run(trends_command, "--db", archive_db, "--all-townships", "-o", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    # one chart per metric with figures in two years or more; the rest are listed, not charted
    assert html.count("<svg") == 6 and "显示至少 2 年有数据的指标 6 项；另有 2 项只有一年的数据未绘图。" in html
    bad = CliRunner().invoke(trends_command, ["--db", archive_db, "--township", "向家镇", "--metric", "nope"])
    assert bad.exit_code == 1 and bad.output.startswith("Error: no figures for metric(s) nope; archived metrics: ")
    assert CliRunner().invoke(trends_command, ["--db", archive_db]).exit_code == 2


def test_similar_table_and_json(archive_db):
    table = run(similar_command, "--db", archive_db, "--year", "2019")
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0] == "5 reports compared; 1 pair(s) at or above 0.25"
    assert any(line.startswith("COPY? ") and "文林街道 2019  <->  石咀乡 2019" in line for line in lines)
    assert any(line.startswith("  shared: ") for line in lines)
    data = json.loads(run(similar_command, "--db", archive_db, "--township", "石咀乡", "--format", "json").output)
    assert [(p["a"]["township"], p["b"]["township"]) for p in data["pairs"]] == [("文林街道", "石咀乡")]
    assert data["neighbours"][0]["neighbours"][0]["flagged"] is True
    bad = CliRunner().invoke(similar_command, ["--db", archive_db, "--year", "1999"])
    assert bad.exit_code == 1 and bad.output == "Error: no reports for 1999; archived years: 2018, 2019, 2021\n"
