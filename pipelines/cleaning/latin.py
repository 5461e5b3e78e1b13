"""Latin brand tokens glued into Chinese prose (华体会hth, 开云kaiyun, 乐鱼leyu, bet365, 188bet).

Government prose uses Latin letters for abbreviations (APP, PDF, GDP, 5G), codes (G318, an index
number), file names, hosts and addresses; a betting brand glues its Latin name or its pinyin
initials to the Chinese name. A token is:

* ignored when it is an abbreviation of ``abbr`` in the lexicon, a short all-capital abbreviation,
  a code (one capital letter and digits), part of a host, path or address, or not glued to
  Chinese at all;
* a brand, with the Chinese name in front of it, when it spells that name's pinyin or initials
  (``华体会hth``): the span covers both;
* a brand when it carries a betting host token (``bet``, ``casino``, ``hg``…) or mixes lower-case
  letters and digits the way brand domains do (``w88``, ``188bet``);
* otherwise a suspect: a lower-case word glued to Chinese that government prose has no use for.

A host name written into the text (a unit's name replaced by ``www.365-818.com``) is spam when
the lexicon's host tokens or the digit-and-dash shape of betting domains say so, and a suspect
when it is neither a government, education or listed safe host.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.cleaning.lexicon import Lexicon

_TOKEN = re.compile(
    r"(?<![A-Za-z0-9.@/:_\-=%&?#])[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9@/_=%&?#]|\.[A-Za-z]|-[A-Za-z0-9])"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_CODE = re.compile(r"[A-Z][0-9]{1,6}|[0-9]+[A-Z]?|[A-Z]{1,6}")
_TIES = frozenset("-_|·—")
_MIXED = re.compile(r"[a-z]+[0-9]{2,}|[0-9]{2,}[a-z]{2,}")
MAX_STEM = 4
_YEAR = re.compile(r"(?:19|20)\d\d(?=[A-Za-z])")
_HOST = re.compile(
    r"(?<![A-Za-z0-9@.\-])(?:https?://)?((?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:com|net|cc|vip|top|xyz|org|info|me|tv|co|io|app|bet|club|win|live|site|online|shop|link|pw|asia|la|hk|tw|cn))(?:/[\x21-\x7e]*)?",
    re.IGNORECASE,
)
_BETTING_LABEL = re.compile(r"\d{3,}|\d+-\d+|^\d+[a-z]+$|^[a-z]+\d+$", re.IGNORECASE)
_GOVERNMENT = (".gov.cn", ".edu.cn", ".org.cn", ".gov", ".edu")


def latin_spans(text: str, lexicon: Lexicon) -> list[tuple[int, int, bool, str]]:
    """``(start, end, certain, rule)`` of the Latin brand tokens (rule ``latin-brand``, with
    their Chinese name when the token spells it) and host names (rule ``host``) of ``text``."""
    if _LATIN.search(text) is None:
        return []
    found = [(start, end, certain, "host") for start, end, certain in host_spans(text, lexicon)]
    hosts = [(start, end) for start, end, _c, _r in found]
    abbr = lexicon.words("abbr")
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        start, end = m.start(), m.end()
        lower = token.lower()
        if len(token) < 2 or lower in abbr or _CODE.fullmatch(token) or any(a <= start < b for a, b in hosts):
            continue
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        glued_left = bool(before) and _CJK.match(before) is not None
        glued_right = bool(after) and _CJK.match(after) is not None
        year = _YEAR.match(token)
        if year and year.end() < len(token):
            start, token, lower = start + year.end(), token[year.end() :], lower[year.end() :]  # 2021raybet
        host_token = _host_token(lower, lexicon)
        mixed = _MIXED.fullmatch(lower) is not None and lower.rstrip("0123456789") not in abbr  # app21: app, a phone
        tied = glued_left or glued_right or _tied(text, start, end)  # m88-向家镇: tied by a separator
        if not (tied or host_token):
            continue  # standing apart, only a betting host token makes a brand (1xbet, not e2 in a script)
        betting = host_token or mixed
        stem = _spelled_stem(text, start, _bare(lower, abbr)) if glued_left else 0
        if stem:
            found.append((start - stem, end, True, "latin-brand"))
        elif betting:
            found.append((start, end, True, "latin-brand"))
        elif token.islower() and len(token) >= 3:
            found.append((start, end, False, "latin-brand"))
    return found


def _tied(text: str, start: int, end: int) -> bool:
    """A separator (``-``, ``_``, ``|``) then Chinese on either side of the token."""
    left = text[max(0, start - 2) : start]
    right = text[end : end + 2]
    return (len(left) == 2 and left[1] in _TIES and _CJK.match(left[0]) is not None) or (
        len(right) == 2 and right[0] in _TIES and _CJK.match(right[1]) is not None
    )


def _bare(token: str, abbr: frozenset[str]) -> str:
    """The token without trailing digits and a trailing abbreviation (sdapp -> sd, xh88 -> xh):
    what may spell the Chinese name."""
    token = token.rstrip("0123456789")
    for word in abbr:
        if len(token) > len(word) + 1 and token.endswith(word):
            return token[: -len(word)]
    return token


def host_spans(text: str, lexicon: Lexicon) -> list[tuple[int, int, bool]]:
    """Host names written into the text that are not government, education or safe hosts."""
    if "." not in text:
        return []  # a host name has a dot before its top-level domain
    found = []
    for m in _HOST.finditer(text):
        host = m.group(1).lower()
        if host.endswith(_GOVERNMENT) or lexicon.is_safe_host(host):
            continue
        labels = host.split(".")[:-1]
        betting = lexicon.is_spam_host(host) or any(_BETTING_LABEL.search(label) for label in labels if label != "www")
        found.append((m.start(), m.end(), betting))
    return found


def _host_token(token: str, lexicon: Lexicon) -> bool:
    return any(word in token for word in lexicon.words("host") if len(word) >= 3)


def _spelled_stem(text: str, start: int, token: str) -> int:
    """How many Chinese characters before ``start`` the token spells (pinyin or initials); 0 when
    none does."""
    for n in range(MAX_STEM, 1, -1):
        stem = text[start - n : start]
        if len(stem) < n or not all(_CJK.match(c) for c in stem):
            continue
        full, initials = _spellings(stem)
        if token in (full, initials) or (len(token) >= 4 and full.startswith(token)):
            return n
    return 0


@lru_cache(maxsize=4096)
def _spellings(stem: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin  # loaded on first use: a Latin token glued to Chinese

    syllables = lazy_pinyin(stem, style=Style.NORMAL, errors="ignore")
    return "".join(syllables), "".join(s[0] for s in syllables if s)
