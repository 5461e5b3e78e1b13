"""Clean a whole site's pages at once: the same answer however the pages arrive.

``clean_site(pages)`` is what the crawl and ``gongkai reprocess`` both mean by "clean these
reports": every page is cleaned with what the *other* pages of the site teach (their slot words,
their sentence templates), and with the earlier captures of the same report. The result is a
function of the set of pages, not of the order they came in:

1. every page is read alone (``site_text``): its text with the spam phrases the lexicon and the
   shapes find marked ``GAP`` (or put back where the known-replacement map says which word
   they replaced), line by line: body, the rest of the page, title, meta values;
2. the site context is built from those texts, ordered by a stable hash of the URL;
3. every page is cleaned again with that context, without its own text (``for_page``: a page
   is never evidence for itself), and with its own earlier captures.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipelines.cleaning.clean import clean_page
from pipelines.cleaning.context import GAP, SiteContext, page_lines
from pipelines.cleaning.detect import find_spam
from pipelines.cleaning.lexicon import Lexicon, default_lexicon
from pipelines.cleaning.model import CleanResult
from pipelines.cleaning.pinyin import simplified_text
from pipelines.cleaning.restore import decide_all
from pipelines.text import parse_html


@dataclass(frozen=True, slots=True)
class SitePage:
    """One report page of a site: its URL, its HTML as served, earlier captures of the same
    report (HTML or plain text; newest first)."""

    url: str
    html: str
    earlier: tuple[str, ...] = ()


def site_text(html: str, *, lexicon: Lexicon | None = None) -> str:
    """What a page teaches the site context: its lines (``context.page_lines``) with every spam
    phrase the page itself shows marked ``GAP``: what was left around it is not a sentence of
    the site, and no slot may read across it. Phrases the known-replacement map resolves are put
    back (必威体育平台,必威体育app -> 其他). A page in traditional script or glossed with pinyin
    is read in simplified script without the glosses, as the cleaner compares pages with the
    site (``pinyin.script_view``). Cheap: one parse, no element or field cleaning."""
    lexicon = lexicon or default_lexicon()
    doc = parse_html(html)
    if doc is None:
        return ""
    text = "\n".join(_gapped(line, lexicon) for line in page_lines(doc))
    return simplified_text(text)


def _gapped(text: str, lexicon: Lexicon) -> str:
    spans = find_spam(text, lexicon)
    if not spans:
        return text
    out, pos = [], 0
    for span, decision in zip(spans, decide_all(text, spans, lexicon, None), strict=True):
        out.append(text[pos : span.start])
        out.append(decision.replacement or GAP)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def site_context(first: Iterable[tuple[str, str]]) -> SiteContext:
    """The site context from ``(url, site text)`` pairs. They are ordered by a stable hash of the
    URL, so that when the corpus is capped every column and year of the site has its share, and
    any process builds the same corpus from the same pages."""
    ordered = sorted(first, key=lambda pair: (zlib.crc32(pair[0].encode("utf-8")), pair[0]))
    return SiteContext.from_texts((text for _url, text in ordered), keys=(url for url, _text in ordered))


def clean_site(pages: Sequence[SitePage], *, lexicon: Lexicon | None = None) -> list[CleanResult]:
    """Clean ``pages`` (one site) with each other's evidence; one result per page, in order."""
    lexicon = lexicon or default_lexicon()
    context = site_context((page.url, site_text(page.html, lexicon=lexicon)) for page in pages)
    return [
        clean_page(page.html, url=page.url, lexicon=lexicon, context=context.for_page(page.url, page.earlier))
        for page in pages
    ]
