"""Clean a whole site's pages at once: the same answer however the pages arrive.

``clean_site(pages)`` is what the crawl and ``gongkai reprocess`` both mean by "clean these
reports": every page is cleaned with what the *other* pages of the site teach (their slot words,
their sentence templates), and with the earlier captures of the same report. The result is a
function of the set of pages, not of the order they came in:

1. every page is cleaned alone (no site context): lexicon, shapes, elements, pinyin;
2. the site context is built from those first-pass texts (``site_text``: the body with each
   unrestored removal marked, then the short fields), ordered by a stable hash of the URL;
3. every page is cleaned again with that context, without its own text (``for_page``: a page
   is never evidence for itself), and with its own earlier captures.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipelines.cleaning.clean import clean_page
from pipelines.cleaning.context import GAP, SiteContext, page_text
from pipelines.cleaning.lexicon import Lexicon, default_lexicon
from pipelines.cleaning.model import BODY, Action, CleanResult


@dataclass(frozen=True, slots=True)
class SitePage:
    """One report page of a site: its URL, its HTML as served, earlier captures of the same
    report (HTML or plain text; newest first)."""

    url: str
    html: str
    earlier: tuple[str, ...] = ()


def first_pass(page: SitePage, *, lexicon: Lexicon | None = None) -> CleanResult:
    """A page cleaned without the site: what its own text and the lexicon show."""
    return clean_page(page.html, url=page.url, lexicon=lexicon or default_lexicon())


def site_text(result: CleanResult) -> str:
    """What a cleaned page teaches the site context (``context.page_text``): its body text, the
    rest of its text and its short fields, where a replaced word also stands. A phrase removed
    from the body without its original word is marked ``GAP``: what was left around it is not a
    sentence of the site, and no slot may read across it."""
    return page_text(result.clean_html, body=_gapped(result))


def _gapped(result: CleanResult) -> str:
    edits = sorted(
        (f for f in result.findings if f.field == BODY and f.start is not None and f.action is not Action.SUSPECTED),
        key=lambda f: f.start,
    )
    out, pos = [], 0
    for f in edits:
        out.append(result.raw_text[pos : f.start])
        out.append(f.replacement if f.action is Action.RESTORED and f.replacement else GAP)
        pos = f.end
    out.append(result.raw_text[pos:])
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
    firsts = [first_pass(page, lexicon=lexicon) for page in pages]
    context = site_context((page.url, site_text(result)) for page, result in zip(pages, firsts, strict=True))
    return [
        clean_page(page.html, url=page.url, lexicon=lexicon, context=context.for_page(page.url, page.earlier))
        for page in pages
    ]
