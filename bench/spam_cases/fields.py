"""The text fields of a page, read the same way from the truth, the served page and the cleaner's
output, so that the three can be aligned character by character.

Fields: ``title`` (``<title>``), ``meta:<name>`` (named meta tags), ``visible_title`` (the title
element the template shows), ``source`` (the value after 来源：), ``body`` (``pipelines.text.
body_text``, the project's one rendering of the article body) and ``page`` (the rest of the page
text outside the body, the visible title and the date/source line: banners above the title, the
footer, link blocks after the body; only for templates whose body is a part of the page).

This is the evaluation's own reading of a page, not the cleaner's: it names the fields by the
templates the set is built from (``Layout``), and knows nothing of findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.text import body_text, element_text, find_body, parse_html

META_NAMES = ("keywords", "description", "articletitle", "contentsource", "sitename")
FIELDS = (
    "title",
    *(f"meta:{n}" for n in META_NAMES),
    "visible_title",
    "source",
    "body",
    "page",
)
_SPACES = re.compile(r"\s+")
_SOURCE = re.compile(r"来源\s*[:：]")
_SOURCE_END = re.compile(r"\s{2,}|浏览|点击|字体|【|\|")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a template keeps its fields (XPath expressions)."""

    name: str
    visible_title: str
    info: str
    page_field: bool  # False when body_text renders the whole page (no separate body element)


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def extract(html: str, layout: Layout) -> dict[str, str]:
    """Every field of ``html`` as text (an absent field is the empty string)."""
    out = dict.fromkeys(FIELDS, "")
    out["body"] = body_text(html)
    doc = parse_html(html)
    if doc is None:
        return out
    titles = doc.xpath("//title")
    if titles:
        out["title"] = _norm(titles[0].text_content())
    for meta in doc.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        if name in META_NAMES:
            out[f"meta:{name}"] = _norm(meta.get("content") or "")
    visible = doc.xpath(layout.visible_title)
    if visible:
        out["visible_title"] = _norm(element_text(visible[0]))
    info = doc.xpath(layout.info)
    if info:
        line = element_text(info[0]).replace("\n", "  ")
        m = _SOURCE.search(line)
        if m:
            rest = line[m.end() :]
            end = _SOURCE_END.search(rest)
            out["source"] = _norm(rest[: end.start()] if end else rest)
    if layout.page_field:
        drop = [find_body(doc), *visible[:1], *info[:1]]
        for element in drop:
            if element is not None and element.getparent() is not None:
                element.drop_tree()
        bodies = doc.xpath("//body")
        out["page"] = element_text(bodies[0]) if bodies else ""
    return out
