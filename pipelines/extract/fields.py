"""Scalar fields: labelled values of the head (来源, 发布机构, 索引号, 文号, dates), titles, township.

Labelled values are read cell by cell: a value is the text after its label up to the next label
in the same cell, or, when the label fills a cell of its own, the next cell of the same line.
Nothing is ever read from the next line, so an empty ``来源：`` stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipelines.extract.dates import FoundDate, first_date

# label id -> pattern (spaces, full-width spaces allowed between characters of spaced labels)
LABELS: tuple[tuple[str, str], ...] = (
    ("source", r"(?:信息|文章|稿件)?来\s*源"),
    ("issuer", r"发\s*布\s*机\s*构|发文机关|发布单位"),
    ("index_no", r"索\s*引\s*号"),
    ("doc_no", r"发?文\s*字?\s*号"),
    ("written", r"(?:成\s*文|生\s*成|产\s*生)\s*日\s*期"),
    ("published", r"发\s*布\s*(?:时\s*间|日\s*期)|公\s*开\s*(?:时\s*间|日\s*期)|更新时间|日\s*期|时\s*间"),
    ("other", r"归档(?:时间|日期)|点\s*击(?:数|量|率)?|浏览(?:次数|量)?|阅读(?:次数|量)?|访问量|作\s*者|编\s*辑|责任编辑|"
              r"主题分类|公开方式|公开范围|体裁分类|组配分类|服务对象|字\s*号|分\s*类|有\s*效\s*性|关\s*键\s*词"),
)
_LABEL_RE = re.compile(
    "|".join(f"(?P<{name}>(?:{pattern})\\s*[:：])" for name, pattern in LABELS[:-1])
    + f"|(?P<other>(?:{LABELS[-1][1]})\\s*[:：]?)"
)
# a label alone in its cell needs no colon (索引号 | 6207…): the value is the next cell
_CELL_LABEL = re.compile(
    "^(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in LABELS[:-1])
    + f"|(?P<other>{LABELS[-1][1]}))\\s*$"
)
_CUT = re.compile(r"[【\[［]|\s[^\s\d:：]{1,6}[:：]|\s*\|")
_EMPTY_VALUES = frozenset(("", "-", "—", "无", "/", "暂无"))


@dataclass(frozen=True, slots=True)
class Labelled:
    label: str
    value: str          # may be "" (an empty field)
    raw: str
    line: int


def labelled_values(lines: Sequence[Sequence[str]]) -> list[Labelled]:
    """Every ``label：value`` pair in ``lines`` (each a sequence of cells)."""
    out: list[Labelled] = []
    for number, cells in enumerate(lines):
        for index, cell in enumerate(cells):
            bare = _CELL_LABEL.match(cell)
            if bare and len(cells) > 1:
                if bare.lastgroup != "other":
                    follows = cells[index + 1].strip() if index + 1 < len(cells) else ""
                    if _CELL_LABEL.match(follows) or _LABEL_RE.match(follows):
                        follows = ""
                    out.append(Labelled(bare.lastgroup, follows, f"{cell}\t{follows}", number))
                continue
            matches = list(_LABEL_RE.finditer(cell))
            for k, match in enumerate(matches):
                label = match.lastgroup or "other"
                if label == "other":
                    continue
                end = matches[k + 1].start() if k + 1 < len(matches) else len(cell)
                value = cell[match.end():end]
                cut = _CUT.search(value)
                if cut:
                    value = value[: cut.start()]
                value = value.strip(" ：:")
                raw = cell[match.start():end].strip()
                if not value and k + 1 == len(matches) and match.end() >= len(cell.rstrip()) \
                        and index + 1 < len(cells) and not _LABEL_RE.match(cells[index + 1]):
                    value = cells[index + 1].strip()
                    raw = f"{raw}\t{value}"
                out.append(Labelled(label, value, raw, number))
    return out


def first_value(pairs: Iterable[Labelled], label: str) -> Labelled | None:
    for pair in pairs:
        if pair.label == label:
            return pair
    return None


def is_empty(value: str | None) -> bool:
    return value is None or value.strip() in _EMPTY_VALUES


def unlabelled_date(lines: Sequence[Sequence[str]]) -> tuple[FoundDate, str] | None:
    """A date standing before any label on a date/source line (``2019年02月28日    来源：``)."""
    for cells in lines:
        for index, cell in enumerate(cells):
            if index and cells[index - 1].rstrip().endswith(("：", ":")):
                continue        # the value of a labelled cell (成文日期：| 2019-01-30) is not a date line
            match = _LABEL_RE.search(cell)
            lead = cell[: match.start()] if match else cell
            if not match and len(cell) > 40:
                continue
            found = first_date(lead)
            if found and (match or len(lead.strip()) <= len(found.raw) + 4):
                return found, cell
    return None


# ---- titles and townships -------------------------------------------------------------------

REPORT_TITLE = re.compile(r"(?:政府)?信息公开.{0,12}?(?:年度|工作)?报告|年度报告")
_TOWN_END = re.compile(r"(街道办事处|街道|镇|乡)")
_TOWN_BOUNDARY = "省市州盟县区旗年度"
_NOT_TOWN = ("乡镇", "城乡", "乡村", "镇村", "村镇")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff]{1,8}$")


#: How sentences that name the report begin (``现公布…年度报告``): such a line is no title.
SENTENCE_STARTS: tuple[str, ...] = ("根据", "按照", "依据", "依照", "现将", "现公布", "现予公布", "本报告", "本年度报告")


def looks_like_report_title(text: str | None) -> bool:
    """A report's title, not a sentence that names it (``现公布X年度报告。``)."""
    return (bool(text) and len(text) <= 80 and bool(REPORT_TITLE.search(text))
            and not _SENTENCE_MARK.search(text) and not text.startswith(SENTENCE_STARTS))


_SENTENCE_MARK = re.compile(r"[，。；！？]")


def township_in(text: str | None) -> str | None:
    """The township named in ``text``: 仁寿县向家镇2018年… -> 向家镇, 文林街道办事处 -> 文林街道."""
    if not text:
        return None
    for match in _TOWN_END.finditer(text):
        before = text[: match.start()]
        if any(before.endswith(w[:-1]) and match.group(1) == w[-1] for w in _NOT_TOWN):
            continue
        if text[match.start(): match.start() + 2] in _NOT_TOWN:
            continue
        start = len(before)
        while start > 0 and "\u4e00" <= before[start - 1] <= "\u9fff" and before[start - 1] not in _TOWN_BOUNDARY:
            start -= 1
        name = before[start:]
        if not name or not _NAME_CHARS.match(name):
            continue
        if len(name) > 6:
            name = name[-3:] if len(name) > 3 else name
        suffix = match.group(1)
        if suffix == "街道办事处":
            suffix = "街道"
        return name + suffix
    return None


_SUFFIX_SPLIT = re.compile(r"\s*[-—–_|｜]\s*")


def strip_site_suffix(title: str | None, site_name: str | None) -> str | None:
    if not title:
        return None
    parts = [p for p in _SUFFIX_SPLIT.split(title) if p]
    if len(parts) > 1:
        rest = "".join(parts[1:])
        if (site_name and site_name in rest) or re.search(r"政府|网站|门户|网$", rest):
            return parts[0]
    return title


_ISSUER_SENTENCE = re.compile(
    r"本(?:年度)?报告(?:是)?由([\u4e00-\u9fff（）()]{2,40}?)(?:根据|依据|按照|依照|编制|制定|负责)"
)


_ISSUER_LATE = re.compile(
    r"本(?:年度)?报告[^。]{0,80}?由([\u4e00-\u9fff]{2,30}?(?:人民政府|办事处|政府|委员会))(?:负责)?(?:编制|制定|编写)"
)


def issuer_in_body(lines: Sequence[str], *, limit: int = 12) -> tuple[str, str] | None:
    """The body's 本报告由…根据/编制 sentence: (issuer, matched text)."""
    for line in lines[:limit]:
        match = _ISSUER_SENTENCE.search(line) or _ISSUER_LATE.search(line)
        if match:
            return match.group(1), match.group(0)
    return None
