"""Clean a whole site's pages at once: the same answer however the pages arrive.

``clean_site(pages)`` is what the crawl and ``gongkai reprocess`` both mean by "clean these
reports": every page is cleaned with what the *other* pages of the site teach (their slot words,
their sentence templates), and with the earlier captures of the same report. The result is a
function of the set of pages, not of the order they came in:

1. every page is cleaned alone (no site context): lexicon, shapes, elements, pinyin;
2. the site context is built from those first-pass clean texts, in URL order;
3. every page is cleaned again with that context and its own earlier captures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipelines.cleaning.clean import clean_page
from pipelines.cleaning.context import SiteContext
from pipelines.cleaning.lexicon import Lexicon, default_lexicon
from pipelines.cleaning.model import CleanResult


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


def site_context(first: Iterable[tuple[str, str]]) -> SiteContext:
    """The site context from ``(url, first-pass clean text)`` pairs, in URL order."""
    return SiteContext.from_texts(text for _url, text in sorted(first))


def clean_site(pages: Sequence[SitePage], *, lexicon: Lexicon | None = None) -> list[CleanResult]:
    """Clean ``pages`` (one site) with each other's evidence; one result per page, in order."""
    lexicon = lexicon or default_lexicon()
    firsts = [first_pass(page, lexicon=lexicon) for page in pages]
    context = site_context((page.url, result.clean_text) for page, result in zip(pages, firsts, strict=True))
    return [
        clean_page(page.html, url=page.url, lexicon=lexicon, context=context.with_captures(page.earlier))
        for page in pages
    ]
