"""``gongkai discover``: infer a site profile from a county portal's home page alone.

``discover(url)`` fetches a few dozen pages politely (``fetch``: Scrapy, robots.txt, a delay),
then infers the hub, its columns, listing rows, pager, article body and 上一条/下一条 links from
the pages themselves (``infer`` over ``structure``, pure) and decides each profile field with a
confidence (``assemble``); ``toml.render_profile`` writes the profile ``gongkai crawl --site``
reads. Errors a user can act on are ``DiscoverError``s with one-line messages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.discover.assemble import DiscoverError, Discovery, NoHub, assemble

__all__ = ["DiscoverError", "Discovery", "NoHub", "discover"]


class Unreachable(DiscoverError):
    """The home page could not be fetched."""


class NotHtml(DiscoverError):
    """The home page is not an HTML page."""


def discover(url: str, *, delay: float = 1.0, max_pages: int = 40, log_level: str = "ERROR") -> Discovery:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DiscoverError(f"not an http(s) URL: {url!r} (give a portal's home page, e.g. http://www.rs.gov.cn/)")
    from crawler.discover.fetch import walk  # Scrapy and Twisted only when a walk runs

    journal = walk(url, delay=delay, max_pages=max_pages, log_level=log_level)
    if journal.home_error:
        raise Unreachable(f"cannot fetch {url}: {journal.home_error}")
    if journal.home_type is not None:
        raise NotHtml(f"{url} is not an HTML page ({journal.home_type}): give the portal's home page")
    if journal.home_url not in journal.pages:
        raise Unreachable(f"cannot fetch {url}: no response")
    return assemble(journal.home_url, journal.pages, journal.refused)
