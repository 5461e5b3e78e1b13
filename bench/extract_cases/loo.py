"""Leave-one-out over the word lists extraction added for other templates.

For each entry of ``chrome.TOOL_WORDS`` (tool-row words) and ``fields.SENTENCE_STARTS`` (how a
sentence naming the report begins), the list is used without that entry, and pages are extracted
whose only use of the list is that entry:

* tool words, in a bracketed row (``【下载Word】【下载Word】``: the bracket rule should catch it
  whatever the word) and in an unbracketed row (``下载Word | 下载Word``: only the list can), each
  as the first line of the article container;
* sentence starts, as a short first body line without punctuation that names the report
  (``现公布2022年政府信息公开工作年度报告``), which must not be taken for the title.

A page passes when its title, visible title and period are read and no tool row is left among
the body lines. Scores per list and shape: pages passed without the entry / with the full list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipelines.extract import chrome, extract_report, fields
from pipelines.extract.page import read_page

TITLE = "临江县水利局2022年政府信息公开工作年度报告"
BODY = ("<p>本报告由临江县水利局编制，所列数据统计期限为2022年1月1日至2022年12月31日。</p>"
        "<p>2022年，我局主动公开政府信息58条，其中通过县政府网站公开41条。</p>"
        "<p>全年召开政务公开专题会议2次，举办培训班1次，培训人数30余人次。</p>")


@dataclass(frozen=True, slots=True)
class Score:
    list_name: str
    shape: str
    entries: int
    passed: int          # without the entry
    passed_full: int     # with the full list

    @property
    def rate(self) -> float:
        return self.passed / self.entries if self.entries else 1.0


def page_html(first_line: str) -> str:
    return ('<html><head><meta charset="utf-8"><title>临江县水利局</title></head><body>'
            '<div class="top"><h1>临江县人民政府</h1></div><div class="wrap">'
            f'<h2 class="news-title">{TITLE}</h2><div class="info">发布时间：2023-02-01</div>'
            f'<div class="news-body"><p>{first_line}</p>{BODY}</div></div></body></html>')


def passes(html: str, *, tool: str | None = None) -> bool:
    got = extract_report(html, url="http://example.gov.cn/loo.html")
    ok = got.title == TITLE and got.visible_title == TITLE and got.period_end is not None
    if tool is not None:
        ok = ok and not any(tool in line for line in read_page(html).body_lines)
    return ok


@contextmanager
def without(module, name: str, entry: str) -> Iterator[None]:
    full = getattr(module, name)
    setattr(module, name, tuple(e for e in full if e != entry))
    try:
        yield
    finally:
        setattr(module, name, full)


def _score(list_name: str, shape: str, module, attr: str, make) -> Score:
    entries = getattr(module, attr)
    passed = full = 0
    for entry in entries:
        html, tool = make(entry)
        full += passes(html, tool=tool)
        with without(module, attr, entry):
            passed += passes(html, tool=tool)
    return Score(list_name, shape, len(entries), passed, full)


def run() -> list[Score]:
    return [
        _score("TOOL_WORDS", "bracketed", chrome, "TOOL_WORDS", lambda w: (page_html(f"【{w}】【{w}】"), f"【{w}】")),
        _score("TOOL_WORDS", "unbracketed", chrome, "TOOL_WORDS", lambda w: (page_html(f"{w} | {w}"), f"{w} | {w}")),
        _score("SENTENCE_STARTS", "title-like sentence", fields, "SENTENCE_STARTS",
               lambda s: (page_html(f"{s}2022年政府信息公开工作年度报告"), None)),
    ]
