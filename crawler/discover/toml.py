"""A discovered site written as a profile a person can read and adjust: the TOML
``gongkai crawl --site FILE`` reads (``crawler.profile``), each inferred line under a comment
saying what it was inferred from and how sure discovery is."""

from __future__ import annotations

import json
from datetime import datetime

from crawler.discover.assemble import ATTACHMENT_URL, NEVER_FETCH, Discovery
from crawler.profile import Politeness


def quoted(value: str) -> str:
    """A TOML string: a literal string (no escapes, good for patterns) unless it holds a quote
    or a line break."""
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def array(values) -> str:
    return "[" + ", ".join(quoted(v) for v in values) + "]"


def render_profile(found: Discovery, *, name: str, generated: datetime,
                   politeness: Politeness = Politeness(download_delay=2.0, concurrent_requests_per_domain=1)) -> str:
    def why(item: str) -> str:
        f = found.finding(item)
        return f"{f.evidence} (confidence {f.confidence:.2f})"

    lines = [
        f"# Site profile written by `gongkai discover {found.home_url}` on {generated:%Y-%m-%d %H:%M} UTC",
        f"# from {found.pages_fetched} pages. Every value below was inferred from the pages themselves;",
        "# read it, adjust what looks wrong, then try it: gongkai crawl --site THIS_FILE (docs/sites.md).",
        "# Columns found on the hub:",
        *(f"#   {c.kind:<10} {c.text}  {c.url}" for c in found.columns),
    ]
    if found.sub_hubs:
        lines.append(f"# Pages of further columns the hub links (followed by report_link_text): {', '.join(found.sub_hubs)}.")
    if found.refused:
        lines.append(f"# Not fetched (robots.txt or errors): {', '.join(found.refused)}.")
    lines += [
        "",
        f"name = {quoted(name)}",
        f"title = {quoted(found.site_title)}",
        f"# The annual-report hub. {why('hub')}",
        f"start_urls = {array(found.start_urls)}",
        f"allowed_hosts = {array(found.allowed_hosts)}",
        "",
        "[politeness]",
        f"download_delay = {politeness.download_delay}",
        f"concurrent_requests_per_domain = {politeness.concurrent_requests_per_domain}",
        f"autothrottle_target_concurrency = {politeness.autothrottle_target_concurrency}",
        "",
        "[links]",
        f"# Link text the crawl follows from the hub to its columns. {why('report_link_text')}",
        f"report_link_text = {quoted(found.report_link_text)}",
        f"# Report pages (matched against the URL path). {why('article_url')}",
        f"article_url = {quoted(found.article_url)}",
        f"# Column pages (path and query). {why('listing_url')}",
        f"listing_url = {quoted(found.listing_url)}",
        "# Attachments and never-fetched URLs: the VSB defaults, not inferred.",
        f"attachment_url = {quoted(ATTACHMENT_URL)}",
        f"never_fetch = {array(NEVER_FETCH)}",
        f"# Labels of the 上一条/下一条 links on report pages. {why('prev_next')}",
        f"prev_text = {quoted(found.prev_text)}",
        f"next_text = {quoted(found.next_text)}",
        f"# Text of the pager's next-page link. {why('pager')}",
        f"next_page_text = {quoted(found.next_page_text)}",
        "",
        "[selectors]",
        f"# Rows of a column page. {why('listing_rows')}",
        f"listing_rows = {array(found.listing_rows)}",
        f"row_link = {quoted(found.row_link)}",
        "# Where the pager's next-page link is (the first link whose text matches next_page_text).",
        f"pager_links = {array(found.pager_links)}",
        f"# The element holding the whole article, and its body. {why('article_body')}",
        f"article_form = {quoted(found.article_form)}",
        f"article_body = {quoted(found.article_body)}",
        "",
    ]
    return "\n".join(lines)
