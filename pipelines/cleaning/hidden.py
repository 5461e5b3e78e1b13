"""Hidden spam blocks and off-site link farms.

An element is *hidden* when its inline style hides it (``display:none``, ``visibility:hidden``,
zero width/height or font size, a large negative offset or text indent) or it carries the
``hidden`` attribute. Pages hide legitimate things too (menus, share widgets), so a hidden element
is spam only with evidence inside it: a link to an off-site host that is not a government/safe
host, or a spam phrase in its text.

A visible *link farm* is an element holding at least ``min_links`` links to off-site hosts, most of
them to betting-looking hosts or with spam anchor text, and little text besides the links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from pipelines.cleaning.detect import find_spam
from pipelines.cleaning.lexicon import Lexicon

_HIDING_STYLE = (
    (re.compile(r"display\s*:\s*none", re.I), "display-none"),
    (re.compile(r"visibility\s*:\s*hidden", re.I), "visibility-hidden"),
    (re.compile(r"(?<![-\w])(?:width|height)\s*:\s*0(?:px|em|%)?\s*(?:;|$|!)", re.I), "zero-size"),
    (re.compile(r"font-size\s*:\s*0(?:px|em|%)?\s*(?:;|$|!)", re.I), "zero-size"),
    (re.compile(r"(?:left|top|margin-left|margin-top|text-indent)\s*:\s*-\d{3,}", re.I), "off-screen"),
)
_SKIP = frozenset(("html", "body", "head", "form"))


@dataclass(frozen=True, slots=True)
class Flag:
    element: object
    rule: str
    signal: str
    confidence: float


def host_of(url: str | None) -> str:
    if not url:
        return ""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def offsite_hosts(element, page_host: str, lexicon: Lexicon) -> list[str]:
    """Hosts of links in ``element`` that are off-site and not safe (government, analytics)."""
    hosts = []
    for a in element.iter("a"):
        host = host_of(a.get("href"))
        if host and host != page_host and not lexicon.is_safe_host(host):
            hosts.append(host)
    return hosts


def hiding_rule(element) -> str | None:
    if element.get("hidden") is not None:
        return "hidden-attribute"
    style = element.get("style")
    return _style_rule(style) if style else None


@lru_cache(maxsize=4096)
def _style_rule(style: str) -> str | None:
    for pattern, rule in _HIDING_STYLE:
        if pattern.search(style):
            return rule
    return None


def find_hidden(doc, page_host: str, lexicon: Lexicon, *, protect=()) -> list[Flag]:
    """Hidden elements with spam evidence, outermost first; never an element in ``protect``."""
    flags = []
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag.lower() in _SKIP or element in protect:
            continue
        rule = hiding_rule(element)
        if rule is None:
            continue
        hosts = offsite_hosts(element, page_host, lexicon)
        spam_text = find_spam(element.text_content(), lexicon)
        if hosts or spam_text:
            evidence = "offsite-links" if hosts else "lexicon"
            flags.append(Flag(element, rule, f"hidden-style+{evidence}", 0.97))
    return flags


def find_link_farms(doc, page_host: str, lexicon: Lexicon, *, min_links: int = 3, protect=()) -> list[Flag]:
    """Visible blocks of off-site betting links (outermost element that is mostly such links)."""
    flags: list[Flag] = []
    # anchor -> (characters of its text, whether it is a spam link): judged once per anchor
    links = {a: _link(a, page_host, lexicon) for a in doc.iter("a")}
    if sum(spam for _chars, spam in links.values()) < min_links:
        return flags  # no element can hold enough spam links
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag.lower() in _SKIP or element in protect:
            continue
        anchors = list(element.iter("a"))
        if len(anchors) < min_links:
            continue
        spammy = 0
        link_chars = 0
        for a in anchors:
            chars, spam = links[a]
            link_chars += chars
            spammy += spam
        if spammy < min_links or spammy * 2 < len(anchors):
            continue
        total = len(element.text_content().strip())
        if total - link_chars > max(20, total // 5):
            continue
        flags.append(Flag(element, "offsite-link-block", "offsite-links", 0.95))
    return flags


def _link(a, page_host: str, lexicon: Lexicon) -> tuple[int, bool]:
    host = host_of(a.get("href"))
    text = a.text_content()
    offsite = bool(host) and host != page_host and not lexicon.is_safe_host(host)
    return len(text.strip()), offsite and bool(lexicon.is_spam_host(host) or find_spam(text, lexicon))
