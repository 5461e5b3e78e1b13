"""The processing benchmark (``bench/process_bench.py``) measures what it claims to.

Its scoring against the replica's truth, its reading of report pages from WARC records (the same
text as from the replica's files), and its gongkai worker: a fresh process whose output is what
``process_page`` gives for the same pages.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.process import process_page
from replica.generate import build_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import process_bench  # noqa: E402
from process_gongkai import report_page  # noqa: E402
from process_protocol import write_pages  # noqa: E402
from process_score import Score, letters, spam_left  # noqa: E402

TRUTH = {
    "path": "/info/1/1.htm",
    "clean_text": "仁寿县满井镇2019年政府信息公开工作年度报告\n一、总体情况\n规章 | 0 |",
    "published_date": "2020-02-09",
    "spam": [
        {"kind": "source_field", "text": "速发彩票app", "original": None},
        {"kind": "hidden_links", "text": "鑫博体育官网\n真人娱乐", "original": None},
        {"kind": "traditional_script", "text": "縣", "original": "县"},
        {"kind": "pinyin_gloss", "text": "政(zheng)府(fu)", "original": "政府"},
    ],
}


@pytest.fixture(scope="module")
def replica(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("replica")
    build_site(out, scale=1)
    return out


def test_letters_keep_only_letters_and_numbers():
    assert letters("| 规章 | 0 |\n一、总体 情况 (A1)") == "规章0一总体情况A1"


def test_the_truth_itself_scores_perfectly():
    score = Score()
    score.add("a", TRUTH, TRUTH["clean_text"].replace("\n", "  "), "2020-02-09")
    assert (score.recall, score.precision, score.dates_right) == (1.0, 1.0, 1)
    assert (score.phrases, score.phrases_left, score.script_items, score.script_left) == (2, 0, 2, 0)
    assert score.pages_spam_left == 0


def test_spam_left_and_lost_text_are_counted():
    half = TRUTH["clean_text"][:24]
    output = f"来源：速发彩票app {half.replace('县', '縣')} 政(zheng)府 真人"
    score = Score()
    score.add("a", TRUTH, output, None)
    assert score.phrases_left == 1  # the source brand; 真人 alone is not the hidden block's 真人娱乐
    assert score.script_left == 2  # 縣 and the gloss
    assert score.pages_spam_left == 1
    assert score.dates_right == 0 and score.wrong_dates == ["a: None (2020-02-09)"]


def test_recall_and_precision_count_characters_in_order():
    score = Score()
    score.add("a", dict(TRUTH, clean_text="甲乙，丙丁\n戊己", spam=[]), "甲 乙 庚 丙丁己 辛", "2020-02-09")
    assert (score.truth_chars, score.output_chars, score.matched) == (6, 7, 5)  # 戊 lost, 庚 and 辛 added
    assert (score.recall, score.precision) == (5 / 6, 5 / 7)
    score.add("b", dict(TRUTH, clean_text="壬癸", spam=[]), "", "2020-02-09")
    assert (score.recall, score.precision) == (5 / 8, 5 / 7)


def test_a_character_the_clean_text_has_is_not_counted_as_traditional_spam():
    item = {"kind": "traditional_script", "text": "於", "original": "于"}
    assert not spam_left(item, "於是", truth_text="於是")
    assert spam_left(item, "於是", truth_text="于是")


def test_pages_read_from_a_warc_are_the_pages_served(replica, tmp_path):
    """Records as nginx sends them (no charset in Content-Type for every page), one GB18030 page
    among them: decoded to the same text as the replica's own files with its server's headers."""
    truths = process_bench.report_truths(replica)
    from_files = {p["key"]: p for p in process_bench.pages_from_files(replica, truths)}
    gb = next(k for k in sorted(truths) if truths[k]["encoding"] == "gb18030")
    chosen = [gb, next(k for k in sorted(truths) if truths[k]["encoding"] == "utf-8")]
    warc = tmp_path / "crawl.warc.gz"
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        manifest = json.loads((replica / "manifest.json").read_text(encoding="utf-8"))
        for key in chosen:
            body = (replica / "site" / manifest[key]["file"]).read_bytes()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(f"http://127.0.0.1:9/{key.lstrip('/')}", "response",
                                               payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)
    pages = process_bench.pages_from_warcs(replica, truths, [tmp_path])
    assert [p["key"] for p in pages] == sorted(chosen)
    for page in pages:
        assert page["html"] == from_files[page["key"]]["html"]
        assert page["column_name"] and page["column_name"] == from_files[page["key"]]["column_name"]
    assert {p["key"]: p["encoding"] for p in pages}[gb] == "gb18030"


def test_the_gongkai_worker_gives_what_process_page_gives(replica, tmp_path):
    truths = process_bench.report_truths(replica)
    spammed = [k for k in sorted(truths) if truths[k]["spam"]][:3]
    pages = [p for p in process_bench.pages_from_files(replica, truths) if p["key"] in spammed]
    pages_file = tmp_path / "pages.jsonl"
    write_pages(pages_file, pages)
    out, whole = process_bench.run_worker("gongkai-page", pages_file)
    assert out["cpu_seconds"] > 0 and whole >= out["cpu_seconds"]
    assert set(out["parts"]) == {"pages"}
    for number, (page, result) in enumerate(zip(pages, out["results"], strict=True), start=1):
        fields = process_page(report_page(number, page), None).data.fields
        assert result == {"text": fields["clean_text"], "date": fields["published_date"].isoformat()}
    site, _whole = process_bench.run_worker("gongkai", pages_file)
    assert set(site["parts"]) == {"context", "pages"} and len(site["results"]) == len(pages)
