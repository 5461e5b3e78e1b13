"""``gongkai dossier``: one unit's reports, figures, silent edits, spam evidence and copy-paste matches."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from archive.diff.api import build_dossier
from archive.diff.html import anchor
from archive.diff.load import DiffLookupError
from archive.diff.model import SUSPECTED
from archive.diff.render_dossier import render_dossier
from gongkai.dossier import dossier_command
from replica.synth import near_copy, synth_report
from tests.test_diff import BASE, EDITED_2019, fixture_text, xiangjia_archive
from tests.test_diff_pages_browser import _NOT_PROSE, PROGRAM_IDS, Dom

SPAM = {"kind": "replaced_word", "rule": "replaced-word", "action": "restored", "text": "必威体育平台",
        "replacement": "其他", "confidence": 0.9, "field": "body", "start": 10, "end": 16, "signal": "site-context"}
#: a span the cleaner suspected and left in place: shown as such, never counted as spam
SUSPECT = dict(SPAM, rule="rare-brand-pair", action=SUSPECTED, text="体育彩", replacement=None, confidence=0.4,
               start=60, end=63, signal="site-rarity")


def archive_with_history(db_url: str):
    """向家镇 2018/2019/2021, the 2019 page edited and hacked after publication; 石咀乡 2019 a near
    copy of 文林街道's 2019 report."""
    archive = xiangjia_archive(db_url)
    text = fixture_text("xiangjia_2019.txt").replace("主动公开信息702条", "主动公开信息720条")
    hacked = text[:10] + "必威体育平台" + text[16:]
    archive.store(f"{BASE}/4516/120001.htm", hacked, township="向家镇", year=2019, statistics=EDITED_2019,
                  findings=[SPAM, SUSPECT, dict(SPAM, start=40, end=46)], published=date(2020, 6, 30),
                  fetched_at=datetime(2024, 9, 1, tzinfo=UTC))
    copy = near_copy(synth_report("文林街道", 2019, 3), "石咀乡", 2019, 9)
    archive.store(f"{BASE}/4516/120003.htm", copy.text, township="石咀乡", year=2019)
    return archive


def test_dossier_gathers_one_unit(db_url):
    archive = archive_with_history(db_url)
    with archive.sessions() as session:
        dossier = build_dossier(session, township="向家镇")
        with pytest.raises(DiffLookupError, match="no reports for township '新店镇'; archived townships: 向家镇, 文林街道, 石咀乡"):
            build_dossier(session, township="新店镇")
    assert [p.year for p in dossier.pages] == [2018, 2019, 2021]
    assert (dossier.requested, dossier.silent_edits, dossier.spam_findings) == ("township", 1, 2)
    edited = dossier.pages[1]
    assert [v.ref.version_no for v in edited.versions] == [1, 2]
    edit = edited.edits[0]
    assert {f.name: f.red_flag for f in edit.fields}["published_date"] is True
    assert {s.metric: s.delta for s in edit.statistics}["active_total"] == 18
    evidence, suspect = edited.versions[1].evidence    # two identical findings shown once, then the suspect
    assert (evidence.count, evidence.replacement, evidence.before) == (2, "其他", fixture_text("xiangjia_2019.txt")[:10])
    assert (suspect.action, suspect.count, edited.versions[1].findings, edited.versions[1].suspected) == (
        SUSPECTED, 1, 2, 1)
    assert {s.metric: s.points for s in dossier.series}["active_total"] == ((2018, 606), (2019, 720), (2021, 655))
    with archive.sessions() as session:
        copied = build_dossier(session, township="石咀乡")
    assert [(p.a.township, p.b.township) for p in copied.similar.pairs] == [("文林街道", "石咀乡")]


def test_suspected_is_the_stored_action():
    from archive.sql.models import SUSPECTED as STORED

    assert SUSPECTED == STORED


def test_dossier_page(tmp_path):
    archive = archive_with_history(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with archive.sessions() as session:
        dossier = build_dossier(session, township="向家镇")
        html = render_dossier(dossier)
        english = render_dossier(build_dossier(session, unit="向家镇"), lang="en")
    assert "<script" not in html and 'http-equiv="Content-Security-Policy"' in html
    for heading in ("历年报告", "历年数据", "同一报告的改动（静默修改）", "垃圾信息及证据", "雷同比对"):
        assert f">{heading}</h2>" in html
    assert "报告 3 份（2018、2019、2021），存档版本 4 个；静默修改 1 处；垃圾信息 2 条，涉及 1 份报告；雷同匹配 0 对。" in html
    assert "<mark>必威体育平台</mark>" in html and "词语被替换" in html and "与同站其他页面比对" in html
    assert "发布日期" in html and '<span class="flag">警示</span>' in html
    assert "：2 条；另有疑似 1 处，未改动" in html and ">疑似，未改动</td>" in html   # suspected, not counted
    # every in-page link lands on an element of the page; every version is cited once
    targets = set(re.findall(r'href="#([^"]+)"', html))
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert targets and targets <= ids
    assert html.count('class="citation"') == 4
    assert {anchor(v.ref) for p in dossier.pages for v in p.versions} <= ids
    assert "Changes between captures (silent edits)" in english
    for page in (html, english):                                 # the page's own words carry no program id
        dom = Dom()
        dom.feed(page)
        words = set(re.findall(r"[A-Za-z0-9_-]+", _NOT_PROSE.sub(" ", " ".join(dom.text))))
        assert not [w for w in words if "_" in w]
        assert page is english or not words & PROGRAM_IDS     # English labels use words such as "meetings"


def test_dossier_command(tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    archive_with_history(db)
    out = tmp_path / "d.html"
    result = CliRunner().invoke(dossier_command, ["--db", db, "--township", "向家镇", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == (f"wrote {out}: 3 reports, 1 silent edits, 2 spam findings, 0 copy-paste matches\n")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    unit = CliRunner().invoke(dossier_command, ["--db", db, "--unit", "向家镇", "-o", str(out), "--lang", "en"])
    assert unit.exit_code == 0
    assert unit.output == f"wrote {out}: 3 reports, 1 silent edits, 2 spam findings, 0 copy-paste matches\n"
    missing = CliRunner().invoke(dossier_command, ["--db", db, "--township", "新店镇", "-o", str(out)])
    assert missing.exit_code == 1
    assert missing.output == "Error: no reports for township '新店镇'; archived townships: 向家镇, 文林街道, 石咀乡\n"
    both = CliRunner().invoke(dossier_command, ["--db", db, "--township", "a", "--unit", "b", "-o", str(out)])
    assert both.exit_code == 2 and "pass either --township NAME or --unit NAME" in both.output
    assert CliRunner().invoke(dossier_command, ["--db", db, "--township", "向家镇"]).exit_code == 2
