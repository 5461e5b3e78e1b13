"""Text normalisation before diffing: punctuation style and whitespace must not show as change.

Two forms:
- ``normalise_text``: what the diff shows. NFKC (full-width letters and digits become ASCII),
  then ASCII punctuation used in Chinese text becomes its full-width form (``,`` -> ``，``,
  ``(`` -> ``（``...), whitespace inside a line collapses (a tab, the table-cell separator, stays one tab), and
  spaces disappear next to CJK characters.
- ``fingerprint``: what similarity hashing sees: punctuation and whitespace dropped and every
  run of digits collapsed to ``0`` (so swapped figures do not hide a copy); ``fingerprint_origins``
  adds, for each kept character, its offset in the original text (for quoting shared passages).
"""

from __future__ import annotations

import re
import unicodedata

# ASCII punctuation -> the full-width form Chinese text uses (after NFKC folded it to ASCII).
_TO_FULL = str.maketrans({
    ",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？",
})
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_SPACES = re.compile(r"[ \u00a0\u3000\u200b\ufeff]+")
_CELL_BREAK = re.compile(r" *\t[ \t]*")     # table cells (pipelines.text joins them with a tab)
_DIGIT_RUN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"(?<=[0-9])，(?=[0-9]{3}\b)")


def normalise_line(line: str) -> str:
    text = unicodedata.normalize("NFKC", line)
    text = _CELL_BREAK.sub("\t", _SPACES.sub(" ", text)).strip()
    text = text.translate(_TO_FULL)
    text = _DECIMAL_COMMA.sub(",", text)          # 1,234 keeps its ASCII comma
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return text


def normalise_text(text: str) -> str:
    """Display form: one normalised line per non-blank input line."""
    lines = (normalise_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


_FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NOT_WORD = re.compile(r"[\W_]+")
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[^\W_]")


def fingerprint(text: str) -> str:
    """Fingerprint form: letters, CJK and digits only, each run of digits as ``0``, lower case.

    Length-preserving folding (full-width letters and digits -> ASCII) keeps this fast; ``fingerprint_origins``
    gives the same string with offsets back into ``text``.
    """
    folded = _fold(text)
    return _NOT_WORD.sub("", _NUMBER.sub("0", folded))


def fingerprint_origins(text: str) -> tuple[str, list[int]]:
    """(``fingerprint(text)``, offset in ``text`` of each of its characters)."""
    folded = _fold(text)
    chars: list[str] = []
    origin: list[int] = []
    for match in _TOKEN.finditer(folded):
        token = match.group()
        chars.append("0" if token[0] in "0123456789" else token)
        origin.append(match.start())
    return "".join(chars), origin


def _fold(text: str) -> str:
    """Full-width letters and digits to ASCII (length-preserving), then lower case."""
    return _FULL_WIDTH_ALNUM.sub(lambda m: "".join(chr(ord(c) - 0xFEE0) for c in m.group()), text).lower()
