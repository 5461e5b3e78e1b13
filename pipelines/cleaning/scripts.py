"""Script-injected links and off-site frames.

* ``<script src>`` on an off-site host that is neither a government host nor a listed safe host
  (analytics, CDNs: ``safehost`` in ``lexicon.txt``);
* inline scripts that write markup or navigate (``document.write``, ``innerHTML``,
  ``createElement('a')``, ``location=``) and name an off-site unsafe host or a spam phrase, after
  undoing ``%xx``, ``\\xNN`` and ``\\uNNNN`` escapes (so the usual analytics snippets, which write a
  script tag for a safe host, survive);
* ``<iframe>``, ``<frame>``, ``<embed>``, ``<object>`` loading an off-site unsafe host.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from pipelines.cleaning.detect import find_spam
from pipelines.cleaning.hidden import Flag, host_of
from pipelines.cleaning.lexicon import Lexicon

_WRITES = re.compile(
    r"document\s*\.\s*write|innerHTML|outerHTML|insertAdjacentHTML|createElement\s*\(\s*['\"]a['\"]"
    r"|location(?:\s*\.\s*href)?\s*=|window\s*\.\s*open|\.href\s*=",
    re.I,
)
_URL = re.compile(r"(?:https?:)?//([A-Za-z0-9][A-Za-z0-9.\-]*\.[A-Za-z]{2,})", re.I)
_HEX = re.compile(r"\\x([0-9a-fA-F]{2})")
_UNI = re.compile(r"\\u([0-9a-fA-F]{4})")
_FRAMES = ("iframe", "frame", "embed", "object")


def decode_script(source: str) -> str:
    text = _HEX.sub(lambda m: chr(int(m.group(1), 16)), source)
    text = _UNI.sub(lambda m: chr(int(m.group(1), 16)), text)
    try:
        return unquote(text)
    except (ValueError, UnicodeError):
        return text


def _unsafe(host: str, page_host: str, lexicon: Lexicon) -> bool:
    return bool(host) and host != page_host and not lexicon.is_safe_host(host)


def find_scripts(doc, page_host: str, lexicon: Lexicon) -> list[Flag]:
    flags = []
    for script in doc.iter("script"):
        src = script.get("src")
        if src:
            host = host_of(src if "//" in src else "")
            if _unsafe(host, page_host, lexicon):
                flags.append(Flag(script, "offsite-script", "offsite-host", 0.9))
            continue
        writer = _writer(script.text or "")
        if writer is None:
            continue
        source, hosts = writer
        if any(_unsafe(h, page_host, lexicon) for h in hosts):
            flags.append(Flag(script, "script-writes-link", "offsite-host", 0.95))
        elif find_spam(source, lexicon):
            flags.append(Flag(script, "script-writes-link", "lexicon", 0.95))
    return flags


@lru_cache(maxsize=1024)
def _writer(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(decoded source, hosts it names) of an inline script that writes markup or navigates;
    None for any other. Cached: every page of a site carries the same analytics and menu
    scripts."""
    source = decode_script(text)
    if not _WRITES.search(source):
        return None
    return source, tuple(h.lower() for h in _URL.findall(source))


def find_frames(doc, page_host: str, lexicon: Lexicon) -> list[Flag]:
    flags = []
    for element in doc.iter(*_FRAMES):
        src = element.get("src") or element.get("data") or ""
        host = host_of(src if "//" in src else "")
        if _unsafe(host, page_host, lexicon):
            flags.append(Flag(element, "offsite-frame", "offsite-host", 0.95))
    return flags
