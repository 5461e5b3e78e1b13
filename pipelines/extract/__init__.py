"""Extraction of a township report page's fields and statistics, with provenance (pure).

Input is the cleaned page HTML; the document is parsed once (``page.read_page``). See
docs/extraction.md for the rules, the metric table and the evaluation.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from pipelines.extract import fields as F
from pipelines.extract.damaged import read_date
from pipelines.extract.dates import FoundDate, first_date, parse_meta_datetime, year_in
from pipelines.extract.metrics import METRICS
from pipelines.extract.model import Extraction, Provenance, StatRow, Template
from pipelines.extract.page import Page, read_page
from pipelines.extract.period import find_period
from pipelines.extract.stats_prose import read_prose
from pipelines.extract.stats_tables import read_tables
from pipelines.extract.unit import TOWNSHIP_KINDS, Candidate, find_unit, names_in_body

__all__ = ["Extraction", "Provenance", "StatRow", "Template", "METRICS", "extract_report"]

logger = logging.getLogger(__name__)

TITLE_LINES = 4          # body lines searched for the report title
ISSUER_LINES = 12        # body lines searched for 本报告由…编制
SHORT_LINE = 12          # a body line this short may end a title broken over two lines
_INDEX_LABEL = re.compile(r"索\s*(?:&nbsp;|\s)*引")


def extract_report(html: str, *, url: str, column_name: str | None = None) -> Extraction:
    """Fields, statistics, provenance and conflicts of one cleaned report page."""
    page = read_page(html or "")
    prov: dict[str, Provenance] = {}
    conflicts: list[str] = []
    pairs = F.labelled_values(page.head)
    
    visible_title = page.visible_title
    if visible_title:
        prov["visible_title"] = Provenance(page.visible_title_rule or "visible", visible_title, 0.9)

    title = _title(page, visible_title, prov)
    outer_pairs: list[F.Labelled] = []
    if F.first_value(pairs, "index_no") is None and _INDEX_LABEL.search(html or ""):
        outer_pairs = F.labelled_values(page.outer())     # an index block above the article form
    published_date, published_at = _published(page, pairs, outer_pairs, prov, conflicts)
    source = _source(page, pairs, prov, conflicts)
    issuer = _issuer(page, pairs, outer_pairs, prov)
    index_no = _plain(pairs, outer_pairs, "index_no", prov)
    doc_no = _plain(pairs, outer_pairs, "doc_no", prov)

    period_start, period_end = _period(page, title, column_name or page.meta.get("ColumnName"), prov)

    report_year = _report_year(title, period_start, period_end, column_name or page.meta.get("ColumnName"),
                               prov, conflicts)
    unit, unit_kind = _unit(page, title, visible_title, pairs, outer_pairs, column_name, prov, conflicts)
    township = unit if unit_kind in TOWNSHIP_KINDS else None
    if township:
        prov["township"] = prov["unit"]
    statistics = _statistics(page, report_year, prov)
    if published_date and report_year and published_date.year < report_year:
        conflicts.append(f"published_date: {published_date} is before the report year {report_year}")
    if conflicts:
        logger.debug("%s: %d conflicts: %s", url, len(conflicts), "; ".join(conflicts))
    return Extraction(
        title=title, visible_title=visible_title, unit=unit, unit_kind=unit_kind, township=township,
        report_year=report_year,
        published_date=published_date, published_at=published_at, source=source, issuer=issuer,
        index_no=index_no, doc_no=doc_no, period_start=period_start, period_end=period_end,
        provenance=prov, conflicts=tuple(conflicts), statistics=statistics,
    )


def _title(page: Page, visible: str | None, prov: dict[str, Provenance]) -> str | None:
    previous = ""
    for line in page.body_lines[:TITLE_LINES]:
        line = line.strip()
        joined = previous + line            # a title broken over two lines
        if previous and len(line) < SHORT_LINE and F.looks_like_report_title(joined) and len(joined) <= 60:
            prov["title"] = Provenance("body-first-lines", f"{previous}\n{line}", 0.85)
            return joined
        if F.looks_like_report_title(line) and len(line) <= 60:
            prov["title"] = Provenance("body-first-line", line, 0.95)
            return line
        previous = line
    article = page.meta.get("ArticleTitle") or None
    for text, rule in ((visible, "visible-title"), (article, "meta:ArticleTitle")):
        if F.looks_like_report_title(text):
            prov["title"] = Provenance(rule, text, 0.9)
            return text
    if article:
        prov["title"] = Provenance("meta:ArticleTitle", article, 0.7)
        return article
    for cells in page.head:                 # a title in a plain cell (an old table layout)
        line = " ".join(cells).strip()
        if F.looks_like_report_title(line) and len(line) <= 60:
            prov["title"] = Provenance("head-line", line, 0.8)
            return line
    stripped = F.strip_site_suffix(page.title_tag, page.meta.get("SiteName"))
    if stripped:
        prov["title"] = Provenance("title-tag", page.title_tag, 0.6)
        return stripped
    if visible:
        prov["title"] = Provenance("visible-title", visible, 0.5)
    return visible


def _published(page, pairs, outer_pairs, prov, conflicts) -> tuple[date | None, datetime | None]:
    meta_raw = page.meta.get("PubDate")
    meta = parse_meta_datetime(meta_raw) if meta_raw else None
    visible = None
    damaged = None
    for pair in (*pairs, *outer_pairs):
        if pair.label == "published" and pair.value:
            label = f"label:{pair.raw.split('：')[0].split(':')[0].strip()}"
            found = first_date(pair.value)
            if found:
                visible = (found, label, pair.raw)
                break
            if damaged is None:
                damaged = (_damaged_date(pair, page.head if pair in pairs else []), label, pair.raw)
    if visible is None and damaged is not None and damaged[0] is None:
        prov["published_date"] = Provenance(f"{damaged[1]}-unreadable", damaged[2], 0.0)
    elif visible is None and damaged is not None:
        reading, label, raw = damaged
        visible = (FoundDate(reading.start, None, raw, 0, 0, True),
                   f"{label}+repaired({','.join(reading.repairs)})", raw)
    if visible is None:
        hit = F.unlabelled_date(page.head)
        if hit:
            visible = (hit[0], "date-line", hit[1])
    if visible is None:
        written = F.first_value(pairs, "written") or F.first_value(outer_pairs, "written")
        found = first_date(written.value) if written and written.value else None
        if found:
            visible = (found, "label:成文日期", written.raw)
    if meta:
        day, when = meta
        if visible and visible[0].value != day:
            conflicts.append(f"published_date: meta PubDate {day} vs visible {visible[0].value}")
        prov["published_date"] = Provenance("meta:PubDate", meta_raw, 0.95)
        shown = visible[0].time if visible and visible[0].value == day else None
        if shown and (when is None or shown.replace(second=0) == when.replace(second=0)):
            # the visible line agrees and may be more precise (seconds)
            prov["published_at"] = Provenance(visible[1], visible[2], 0.9)
            return day, shown
        if shown and when and shown != when:
            conflicts.append(f"published_at: meta PubDate {when} vs visible {shown}")
        if when:
            prov["published_at"] = Provenance("meta:PubDate", meta_raw, 0.95)
        return day, when
    if visible:
        found, rule, raw = visible
        confidence = 0.8 if found.repaired else 0.9 if rule.startswith("label") else 0.85
        prov["published_date"] = Provenance(rule, raw, confidence, found.repaired)
        if found.time:
            prov["published_at"] = Provenance(rule, raw, 0.85)
        return found.value, found.time
    return None, None


def _damaged_date(pair: F.Labelled, head: list[tuple[str, ...]]):
    """A labelled date read through lost separators, or through a line break (the value's
    line ends inside the date and the next line goes on with it)."""
    reading = read_date(pair.value)
    if reading is None and pair.line + 1 < len(head) and head[pair.line + 1]:
        reading = read_date(f"{pair.value} {head[pair.line + 1][0]}")
    return reading


def _source(page, pairs, prov, conflicts) -> str | None:
    meta = (page.meta.get("ContentSource") or "").strip()
    pair = F.first_value(pairs, "source")
    visible = pair.value.strip() if pair and not F.is_empty(pair.value) else None
    if meta and not F.is_empty(meta):
        if visible and visible != meta:
            conflicts.append(f"source: meta ContentSource {meta!r} vs visible {visible!r}")
        prov["source"] = Provenance("meta:ContentSource", meta, 0.95)
        return meta
    if visible:
        prov["source"] = Provenance("label:来源", pair.raw, 0.9)
        return visible
    if pair:
        prov["source"] = Provenance("label:来源-empty", pair.raw, 0.95)
    return None


def _issuer(page, pairs, outer_pairs, prov) -> str | None:
    for found, rule in ((pairs, "label:发布机构"), (outer_pairs, "outer-label:发布机构")):
        pair = F.first_value(found, "issuer")
        if pair and not F.is_empty(pair.value):
            prov["issuer"] = Provenance(rule, pair.raw, 0.9)
            return pair.value
    hit = F.issuer_in_body(page.body_lines, limit=ISSUER_LINES)
    if hit:
        prov["issuer"] = Provenance("body:本报告由", hit[1], 0.85)
        return hit[0]
    return None


def _plain(pairs, outer_pairs, label, prov) -> str | None:
    for found, rule in ((pairs, "label"), (outer_pairs, "outer-label")):
        pair = F.first_value(found, label)
        if pair and not F.is_empty(pair.value):
            prov[label] = Provenance(f"{rule}:{label}", pair.raw, 0.9)
            return pair.value
    return None


def _period(page: Page, title, column, prov) -> tuple[date | None, date | None]:
    hint = year_in(title) or year_in(column) or _bare_year(column)
    period = find_period("\n".join(page.body_lines), year_hint=hint[0] if hint else None)
    if period is None:
        return None, None
    if period.start is None:
        prov["period_start"] = prov["period_end"] = Provenance("period-sentence-unreadable", period.raw, 0.0)
        return None, None
    rule = "period-sentence" + (f"+repaired({','.join(period.repairs)})" if period.repaired else "") + (
        "+end-year-implied" if period.end_year_implied else "")
    confidence = 0.8 if period.repaired else 0.95
    prov["period_start"] = prov["period_end"] = Provenance(rule, period.raw, confidence, period.repaired)
    return period.start, period.end


def _report_year(title, start, end, column, prov, conflicts) -> int | None:
    candidates: list[tuple[str, int, str]] = []
    hit = year_in(title)
    if hit:
        candidates.append(("title", hit[0], hit[1]))
    if start and end and start.year == end.year:
        candidates.append(("period", start.year, f"{start}..{end}"))
    column_year = year_in(column) or _bare_year(column)
    if column_year:
        candidates.append(("column", column_year[0], column or ""))
    if not candidates:
        return None
    name, year, raw = candidates[0]
    for other, value, _ in candidates[1:]:
        if value != year:
            conflicts.append(f"report_year: {name} {year} vs {other} {value}")
    agree = sum(1 for _, value, _ in candidates if value == year)
    prov["report_year"] = Provenance(name, raw, min(0.99, 0.7 + 0.1 * agree))
    return year


def _bare_year(text: str | None) -> tuple[int, str] | None:
    match = re.search(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)", text or "")
    return (int(match[1]), match[0]) if match else None


def _unit(page, title, visible, pairs, outer_pairs, column, prov, conflicts) -> tuple[str | None, str | None]:
    """The reporting unit, voted on by every place that names it (``pipelines.extract.unit``)."""
    issuer_pair = F.first_value(pairs, "issuer") or F.first_value(outer_pairs, "issuer")
    source_pair = F.first_value(pairs, "source")
    sentence = F.issuer_in_body(page.body_lines, limit=ISSUER_LINES)
    joined, alone = names_in_body(page.body_lines, limit=ISSUER_LINES)
    tag = F.strip_site_suffix(page.title_tag, page.meta.get("SiteName"))
    if tag == page.title_tag and not F.looks_like_report_title(tag):
        tag = None                      # a bare <title> names the site (the portal), not the author
    candidates = (
        Candidate("title", title), Candidate("visible-title", visible),
        Candidate("meta:ArticleTitle", page.meta.get("ArticleTitle")),
        Candidate("body:本报告由", sentence[0] if sentence else None),
        Candidate("label:发布机构", issuer_pair.value if issuer_pair else None),
        Candidate("label:来源", source_pair.value if source_pair else None),
        Candidate("meta:ContentSource", page.meta.get("ContentSource")),
        Candidate("title-tag", tag),
        Candidate("column", column or page.meta.get("ColumnName")),
        Candidate("body:结合", joined), Candidate("body:name-line", alone),
    )
    unit, found = find_unit(candidates)
    conflicts.extend(found)
    if unit is None:
        return None, None
    prov["unit"] = Provenance(unit.rule, unit.raw, unit.confidence)
    prov["unit_kind"] = Provenance("name-suffix", unit.name, unit.confidence)
    return unit.name, str(unit.kind)


def _statistics(page: Page, report_year: int | None, prov) -> tuple[StatRow, ...]:
    if report_year and report_year >= 2021:
        default = Template.REVISED
    elif report_year and report_year >= 2019:
        default = Template.TRIAL
    else:
        default = Template.PROSE
    tables = read_tables(page.tables, template=str(default)) if page.tables else None
    table_rows = tables.rows if tables else ()
    if table_rows:
        template = tables.template_hint or str(default)
    else:
        template = str(Template.PROSE)
    prose_rows = read_prose("\n".join(page.body_lines), template=template)
    seen = {row.metric for row in table_rows}
    rows = list(table_rows) + [row for row in prose_rows if row.metric not in seen]
    prov["statistics"] = Provenance(
        f"template:{template}", f"table-cells={len(table_rows)} prose={len(rows) - len(table_rows)}",
        0.9 if rows else 0.0,
    )
    return tuple(rows)
