"""Statistics tables of the national template (trial 2019, revised 2021), read cell by cell.

Each ``<table>`` becomes a grid with rowspan/colspan expanded (a spanned cell repeats its text in
every slot it covers), so a value's row labels and column headers are the texts at its row and
column. Three kinds of table are recognised by their labels: 第二十条 items (信息内容 rows),
applications received and handled, and administrative reconsideration / litigation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from pipelines.extract.dates import normalise_digits
from pipelines.extract.metrics import METRICS
from pipelines.extract.model import StatRow

MAX_SPAN = 50
_NUMBER = re.compile(r"^([-+]?\d+(?:\.\d+)?)(?:件|条|项|个|万元|元|次)?$")

# 第二十条 rows: label keyword -> (metric prefix, section); checked in order
ITEM_ROWS: tuple[tuple[str, str, str], ...] = (
    ("规章", "rules", "art20-1"),
    ("规范性文件", "docs", "art20-1"),
    ("行政许可", "licences", "art20-5"),
    ("其他对外管理服务", "other_services", "art20-5"),
    ("行政处罚", "penalties", "art20-6"),
    ("行政强制", "compulsions", "art20-6"),
    ("行政事业性收费", "fees", "art20-8"),
    ("政府集中采购", "procurement", "art20-9"),
)
ITEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("新制作", "_issued"),
    ("制发", "_issued"),
    ("新公开", "_published"),
    ("对外公开总数", "_public_total"),
    ("废止", "_repealed"),
    ("现行有效", "_in_force"),
    ("上一年项目数", "_items_prev_year"),
    ("增/减", "_items_change"),
    ("增减", "_items_change"),
    ("处理决定数", ""),
    ("收费金额", ""),
    ("采购项目数", "_items"),
    ("采购总金额", "_amount"),
)
REVISED_MARKS = ("制发件数", "现行有效", "废止件数", "本年处理决定数量", "收费金额", "逾期不补正", "区分处理的")
TRIAL_MARKS = ("新制作数量", "对外公开总数量", "上一年项目数量", "新公开数量")

APPLICANT_HEADERS: tuple[tuple[str, str], ...] = (
    ("自然人", "natural"),
    ("商业企业", "commercial"),
    ("科研机构", "research"),
    ("社会公益组织", "nonprofit"),
    ("法律服务机构", "legal_service"),
    ("法人或其他组织", "legal"),
    ("总计", ""),
    ("合计", ""),
)
# a row's most specific label -> row id; first match wins
APPLICATION_LEAVES: tuple[tuple[str, str], ...] = (
    ("本年新收", "applications_new"),
    ("上年结转", "applications_carried_in"),
    ("结转下年度", "applications_carried_over"),
    ("部分公开", "applications_partial"),
    ("予以公开", "applications_granted"),
    ("国家秘密", "applications_refused_state_secret"),
    ("禁止公开", "applications_refused_law_prohibited"),
    ("三安全一稳定", "applications_refused_security_stability"),
    ("第三方", "applications_refused_third_party"),
    ("内部事务", "applications_refused_internal_affairs"),
    ("过程性", "applications_refused_process_info"),
    ("执法案卷", "applications_refused_enforcement_files"),
    ("查询事项", "applications_refused_query_matters"),
    ("不掌握", "applications_unavailable_not_held"),
    ("另行制作", "applications_unavailable_needs_creation"),
    ("仍不明确", "applications_unavailable_unclear"),
    ("信访", "applications_not_processed_complaint"),
    ("大量反复", "applications_not_processed_mass_repeat"),
    ("重复申请", "applications_not_processed_repeat"),
    ("出版物", "applications_not_processed_publication"),
    ("确认或重新出具", "applications_not_processed_confirmation"),
    ("逾期不补正", "applications_other_no_correction"),
    ("缴纳费用", "applications_other_unpaid_fee"),
    ("不予公开", "applications_refused"),
    ("无法提供", "applications_unavailable"),
    ("不予处理", "applications_not_processed"),
    ("其他处理", "applications_other_handling"),
    ("总计", "applications_handled"),
    ("合计", "applications_handled"),
)
REVIEW_RESULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("维持", "maintained"),
    ("纠正", "corrected"),
    ("其他", "other"),
    ("未审结", "pending"),
    ("总计", "total"),
    ("合计", "total"),
)


@dataclass(frozen=True, slots=True)
class TableResult:
    rows: tuple[StatRow, ...]
    template_hint: str | None


def grid(table) -> list[list[str]]:
    """Cell texts of an lxml ``<table>`` with spans expanded (nested tables are read separately).

    Whitespace inside a cell is dropped (cells hold labels and numbers, never prose)."""
    if next(table.iterdescendants("table"), None) is not None:
        return _grid_nested(table)
    out: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    row: list[str] | None = None
    r = -1
    tostring = etree.tostring
    for node in table.iter("tr", "td", "th"):      # one C iterator, document order
        if node.tag == "tr":
            if row is not None:
                if pending:
                    _fill(row, r, pending)
                out.append(row)
            row = []
            r += 1
            continue
        if row is None:                             # a cell before any <tr>
            row = []
            r += 1
        elif pending:
            _fill(row, r, pending)
        text = tostring(node, method="text", encoding="unicode", with_tail=False) if len(node) else node.text or ""
        if not text.isdigit():                      # digits only (most value cells): no whitespace to drop
            text = "".join(text.split())
        colspan = node.get("colspan")
        colspan = _span(colspan) if colspan else 1
        rowspan = node.get("rowspan")
        _put(row, r, text, _span(rowspan) if rowspan else 1, colspan, pending)
    if row is not None:
        _fill(row, r, pending)
        out.append(row)
    return out


def _fill(row: list[str], r: int, pending: dict[tuple[int, int], str]) -> None:
    """Append the cells spanned down into row ``r`` at the current column."""
    while (r, len(row)) in pending:
        row.append(pending.pop((r, len(row))))


def _put(row: list[str], r: int, text: str, rowspan: int, colspan: int,
         pending: dict[tuple[int, int], str]) -> None:
    """Append a cell of row ``r``, and leave its copies for the rows it spans down into."""
    if rowspan > 1:
        c = len(row)
        for dr in range(1, rowspan):
            for dc in range(colspan):
                pending[(r + dr, c + dc)] = text
    if colspan == 1:
        row.append(text)
    else:
        row.extend([text] * colspan)


def _grid_nested(table):
    def cells():
        for r, tr in enumerate(_rows(table)):
            yield r, None, 0, 0
            for cell in tr.iterchildren("td", "th"):
                rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
                yield (r, "".join(_cell_text(cell).split()), _span(rowspan) if rowspan else 1,
                       _span(colspan) if colspan else 1)
    return _expand(cells())


def _expand(cells) -> list[list[str]]:
    out: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    row: list[str] = []
    current = -1
    for r, text, rowspan, colspan in cells:
        while r > current:
            if current >= 0:
                if pending:
                    _fill(row, current, pending)
                out.append(row)
            row = []
            current += 1
        if text is None:
            continue
        if pending:
            _fill(row, r, pending)
        _put(row, r, text, rowspan, colspan, pending)
    if current >= 0:
        if pending:
            _fill(row, current, pending)
        out.append(row)
    return out


def _cell_text(cell) -> str:
    """All text of a cell (lxml's C text serialiser: four times faster than joining itertext)."""
    if len(cell) == 0:
        return cell.text or ""
    return etree.tostring(cell, method="text", encoding="unicode", with_tail=False)


def _rows(table):
    """The table's own rows (directly or in tbody/thead/tfoot), not those of nested tables."""
    for child in table.iterchildren("tr", "tbody", "thead", "tfoot"):
        if child.tag == "tr":
            yield child
        else:
            yield from child.iterchildren("tr")


@lru_cache(maxsize=256)
def _span(value: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int(value or 1)))
    except ValueError:
        return 1


@lru_cache(maxsize=4096)
def number(text: str) -> int | float | None:
    """A cell's number (``12``, ``1.50``, ``１２``, ``3件``); None for text, blanks and dashes."""
    cleaned = normalise_digits(text).replace(",", "").replace("，", "")
    match = _NUMBER.match(cleaned)
    if not match:
        return None
    raw = match.group(1)
    return float(raw) if "." in raw else int(raw)


def read_tables(tables, *, template: str) -> TableResult:
    """Statistics of every table; ``template`` labels rows unless a table shows otherwise."""
    grids = [g for g in (grid(t) for t in tables) if g]
    flats = ["".join(["".join(row) for row in g]) for g in grids]
    hint = _template_hint("".join(flats))
    label = hint or template
    rows: list[StatRow] = []
    for g, flat in zip(grids, flats):
        if "维持" in flat and ("行政复议" in flat or "行政诉讼" in flat):
            rows += _review(g, label)
        elif "本年新收" in flat or "予以公开" in flat:
            rows += _applications(g, label)
        elif "信息内容" in flat or "第二十条" in flat:
            rows += _items(g, label)
    return TableResult(tuple(rows), hint)


def _template_hint(text: str) -> str | None:
    """The template the tables' text shows by a header only one of them has, else None."""
    if any(mark in text for mark in REVISED_MARKS):
        return "revised-2021"
    if any(mark in text for mark in TRIAL_MARKS):
        return "trial-2019"
    return None


_NO_METRIC = object()


def _row(metric: str, value, section: str, template: str) -> StatRow | None:
    if value is None:
        return None
    unit = _UNITS.get(metric, _NO_METRIC)
    if unit is _NO_METRIC:
        return None
    return _stat(metric, value, unit, section, template)


def _stat(metric: str, value: int | float, unit: str | None, section: str, template: str) -> StatRow:
    if value == 0 and type(value) is int:
        return _zero_row(metric, unit, section, template)
    return StatRow(metric, value, unit, None, section, template)


@lru_cache(maxsize=4096)
def _zero_row(metric: str, unit: str | None, section: str, template: str) -> StatRow:
    """Most cells of a township's tables are 0 (nine in ten on the replica site); their rows are
    made once and shared between pages (StatRow is frozen): a frozen dataclass costs about 1.5 us
    to build, a cache hit a tenth of that."""
    return StatRow(metric, 0, unit, None, section, template)


_UNITS = {metric_id: metric.unit for metric_id, metric in METRICS.items()}


def _items(g: list[list[str]], template: str) -> list[StatRow]:
    rows: list[StatRow] = []
    headers: list[str] = []
    for cells in g:
        if not cells:
            continue
        first = cells[0]
        if first.startswith("信息内容") or (first == "" and any("数量" in c for c in cells)):
            headers = cells
            continue
        item = _item_row(first)
        if item is None:
            continue
        prefix, section = item
        seen: set[str] = set()
        for j in range(1, len(cells)):
            if j >= len(headers) or (j > 1 and headers[j] == headers[j - 1] and cells[j] == cells[j - 1]):
                continue
            suffix = _item_suffix(headers[j])
            if suffix is None:
                continue
            if prefix + suffix in seen:
                continue
            stat = _row(prefix + suffix, number(cells[j]), section, template)
            if stat:
                seen.add(stat.metric)
                rows.append(stat)
    return rows


@lru_cache(maxsize=1024)
def _item_row(label: str) -> tuple[str, str] | None:
    """(metric prefix, section) of a 第二十条 row label, by the first ITEM_ROWS keyword in it."""
    return next(((prefix, section) for key, prefix, section in ITEM_ROWS if key in label), None)


@lru_cache(maxsize=1024)
def _item_suffix(header: str) -> str | None:
    """Metric suffix of a 第二十条 column header, by the first ITEM_COLUMNS keyword in it."""
    return next((suffix for key, suffix in ITEM_COLUMNS if key in header), None)


def _header_split(g: list[list[str]]) -> int:
    """Index of the first row carrying a number outside its first cell."""
    for i, cells in enumerate(g):
        if any(number(c) is not None for c in cells[1:]):
            return i
    return len(g)


def _applications(g: list[list[str]], template: str) -> list[StatRow]:
    split = _header_split(g)
    columns: dict[int, str] = {}
    for cells in g[:split]:
        for j, text in enumerate(cells):
            key = _applicant_key(text)
            if key is not None:
                columns[j] = key       # later header rows are more specific
    if not columns:
        return []
    value_columns = tuple(columns.items())
    body = g[split:]
    label_columns = [j for j in range(max(map(len, body), default=0)) if j not in columns]
    rows: list[StatRow] = []
    seen: set[str] = set()
    for cells in body:
        width = len(cells)
        labels: list[str] = []
        for j in label_columns:
            if j >= width:
                break
            text = cells[j]
            if text and (not labels or labels[-1] != text):
                labels.append(text)
        row_id = _application_row(tuple(labels))
        if row_id is None:
            continue
        for j, metric, unit in _application_cells(row_id, value_columns):
            if j < width and metric not in seen:
                value = number(cells[j])
                if value is not None:
                    seen.add(metric)
                    rows.append(_stat(metric, value, unit, "applications", template))
    return rows


@lru_cache(maxsize=1024)
def _applicant_key(header: str) -> str | None:
    """Applicant key of an applications column header (``""`` for the total), None if none."""
    key = next((k for word, k in APPLICANT_HEADERS if word in header), None)
    if key is None and header == "其他":
        key = "other_org"
    return None if header.startswith("（本列") else key


@lru_cache(maxsize=1024)
def _application_cells(row_id: str,
                       columns: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str, str | None], ...]:
    """(column, metric id, unit) of the known metrics of row ``row_id`` under ``columns``
    ((index, applicant key) pairs), in column order; unknown ids are left out here, once."""
    out = []
    for j, key in columns:
        metric = f"{row_id}_{key}" if key else row_id
        if metric in _UNITS:
            out.append((j, metric, _UNITS[metric]))
    return tuple(out)


@lru_cache(maxsize=1024)
def _application_row(labels: tuple[str, ...]) -> str | None:
    for leaf in reversed(labels):
        if number(leaf) is not None:
            continue
        if leaf in ("3.其他", "3．其他", "3、其他", "其他"):
            return "applications_other_misc" if any("其他处理" in x for x in labels) else None
        for key, row_id in APPLICATION_LEAVES:
            if key in leaf:
                return row_id
        return None
    return None


def _review(g: list[list[str]], template: str) -> list[StatRow]:
    split = _header_split(g)
    if split >= len(g):
        return []
    head = g[:split]
    rows: list[StatRow] = []
    values = g[split]
    for j, cell in enumerate(values):
        texts = [h[j] for h in head if j < len(h) and h[j]]
        if not texts:
            continue
        joined = "".join(texts)
        if "复议后起诉" in joined:
            group = "litigation_after_review"
        elif "未经复议" in joined or "行政诉讼" in joined:
            group = "litigation"
        elif "行政复议" in joined:
            group = "review"
        else:
            continue
        result = next((r for key, r in REVIEW_RESULT_HEADERS if key in texts[-1]), None)
        if result is None:
            continue
        stat = _row(f"{group}_{result}", number(cell), "review_litigation", template)
        if stat:
            rows.append(stat)
    return rows
