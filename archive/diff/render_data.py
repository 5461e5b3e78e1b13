"""JSON, CSV and plain-table renderings of trends and copy-paste results."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from archive.diff.model import TrendSeries
from archive.diff.similar import DocRef, SimilarResult


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _cite(series: TrendSeries, year: int) -> dict[str, Any]:
    source = next((src for src in series.sources if src.year == year), None)
    capture = source.ref.capture if source else None
    return {"template": source.template if source else None, "url": source.ref.url if source else None,
            "version": source.ref.version_no if source else None,
            "warc_filename": capture.warc_filename if capture else None,
            "warc_offset": capture.warc_offset if capture else None,
            "warc_record_id": capture.warc_record_id if capture else None,
            "definition_changed": year in series.breaks}


def trends_json(series: Sequence[TrendSeries]) -> list[dict[str, Any]]:
    return [{"township": s.township, "metric": s.metric, "label_zh": s.label_zh or s.metric,
             "label_en": s.label_en or s.metric, "section": s.section or None, "unit": s.unit,
             "points": [{"year": y, "value": _num(v), **_cite(s, y)} for y, v in s.points]} for s in series]


CSV_COLUMNS = ("township", "metric", "year", "value", "unit", "label_zh", "label_en", "section", "template",
               "definition_changed", "url", "warc_filename", "warc_offset", "warc_record_id")


def trends_csv(series: Sequence[TrendSeries]) -> str:
    """One row per point; the first five columns are the original ones, the rest were added."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in series:
        for year, value in s.points:
            cite = _cite(s, year)
            writer.writerow([s.township, s.metric, year, _num(value), s.unit or "", s.label_zh or s.metric,
                             s.label_en or s.metric, s.section, cite["template"] or "",
                             "1" if cite["definition_changed"] else "0", cite["url"] or "",
                             cite["warc_filename"] or "", "" if cite["warc_offset"] is None else cite["warc_offset"],
                             cite["warc_record_id"] or ""])
    return buffer.getvalue()


def _doc(ref: DocRef) -> dict[str, Any]:
    return {"version_id": ref.key, "township": ref.township, "report_year": ref.year, "url": ref.url}


def similar_json(result: SimilarResult, threshold: float) -> dict[str, Any]:
    return {
        "threshold": threshold,
        "reports": result.reports,
        "boilerplate_shingles": result.boilerplate_shingles,
        "pairs": [{"a": _doc(p.a), "b": _doc(p.b), "similarity": p.similarity,
                   "relation": p.relation.value, "shared_shingles": p.shared_shingles,
                   "shared_passages": list(p.passages)}
                  for p in result.pairs],
        "neighbours": [{"report": _doc(ref), "neighbours": [
            {**_doc(n.doc), "similarity": n.similarity, "relation": n.relation.value, "flagged": n.flagged,
             "shared_shingles": n.shared_shingles}
            for n in ns]} for ref, ns in result.neighbours],
    }


def _label(ref: DocRef) -> str:
    return f"{ref.township or '?'} {ref.year or '?'}"


def similar_table(result: SimilarResult, threshold: float, *, passages: int = 3) -> str:
    lines = [f"{result.reports} reports compared; {len(result.pairs)} pair(s) at or above {threshold:g}"]
    for pair in result.pairs:
        lines.append("")
        lines.append(f"COPY? {pair.similarity:.3f}  {_label(pair.a)}  <->  {_label(pair.b)}  ({pair.relation.value})")
        lines.append(f"  {pair.a.url}")
        lines.append(f"  {pair.b.url}")
        for text in pair.passages[:passages]:
            flat = " / ".join(part.strip() for part in text.splitlines() if part.strip())
            lines.append(f"  shared: {flat[:120]}{'…' if len(flat) > 120 else ''}")
    lines.append("")
    lines.append("nearest neighbours (similarity, distinctive shingles shared; * flagged):")
    for ref, neighbours in result.neighbours:
        shown = "; ".join(
            f"{_label(n.doc)} {n.similarity:.3f}"
            + (f" ({n.shared_shingles} shared)" if n.shared_shingles is not None else "")
            + (" *" if n.flagged else "") for n in neighbours)
        lines.append(f"  {_label(ref)}: {shown or '-'}")
    return "\n".join(lines) + "\n"
