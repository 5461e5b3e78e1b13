"""Find spam phrases in a string, whole: a core found by evidence, grown to the phrase around it.

Cores, by the evidence that finds them (all from ``lexicon.txt`` except the last two):

* ``lexicon``: a known brand or betting term, or a weak brand stem (皇冠, 金沙) with a category,
  channel or Latin letters glued to it;
* ``register``: shapes foreign to government prose, whatever the brand: a Latin-letter stem glued
  to a category (kaiyun体育); a two-character stem followed by category + channel (鼎盛体育app)
  or by a strong channel (…官网入口); a region, an unknown stem and a company or channel word
  (英国XX公司, 澳门XX官网); a ranking word, a stem and a betting category or term (十大XX买球);
* ``latin``: a Latin brand token glued to Chinese (``latin.py``: 华体会hth, 开云kaiyun, bet365);
* ``site-context``: phrases the caller found standing where the site's other texts have one
  common word (``repeats.py``).

Guards, by evidence: a match inside a ``legit`` phrase (皇冠村, 政务平台, 体育彩票) is dropped; a
betting *term* in a sentence of anti-gambling prose (打击网络赌博) is the government's own subject;
inside a quoted document title 《…》 only a term or weak brand is spared, a brand or a shape is
not (hacks replace words inside titles too).

Every core is then grown to the whole phrase: region and rank words, Latin letters and digits
before it; category, channel, company and tail words, Latin letters and digits after it
(``英国必威公司`` from the core 必威). Phrases separated only by separators are merged into one
(``英国必威公司，十大买球公司``), so that nothing of the phrase is left behind.

Spans whose evidence is too weak to remove text (``suspect``) are returned only on request: the
cleaner records them as suspected findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pipelines.cleaning.latin import latin_spans
from pipelines.cleaning.lexicon import Lexicon
from pipelines.cleaning.openings import Found
from pipelines.cleaning.prose import ordinary

LEXICON_SCORE = 1.0
SHAPE_SCORE = 0.85
EXTRA_SCORE = 0.8
MAX_CACHED_CHARS = 2_000  # longer strings (page bodies) are not remembered
MAX_CACHED_STRINGS = 20_000  # the cache starts over when it holds this many
MAX_LONG_CACHED = 4  # longer strings whose lexicon spans are remembered, the latest ones
MAX_GROWTH = 16  # characters a phrase may grow on either side of its core

_ADMIN_END = frozenset("县市省镇乡村区局委办校院站部厅馆所队组府")
_GLUE = re.compile(r"[A-Za-z](?:[A-Za-z0-9.]*[A-Za-z0-9])?")
_GLUE_BACK = re.compile(r"[A-Za-z][A-Za-z0-9]*$")
_JOIN = re.compile(r"[ ,，、|/·\-_—–~～【】\[\]]{0,3}")
_BRACKETS = {"【": "】", "[": "]", "〖": "〗", "「": "」"}
_CLOSERS = {v: k for k, v in _BRACKETS.items()}
# one character between two spam phrases is part of the injection (沙巴体育网沙巴体育网站), unless it
# is a word that joins phrases in prose (a list of replaced words: 其他和其他)
_CONNECTIVES = frozenset("和与及或的等在了是为对向由从")
_FIGURE_CAI = re.compile("[0-9]彩", re.IGNORECASE)  # what ``Lexicon.shape_core`` finds besides its words
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
MAX_STEM_PIECE = 6
_FUNCTION = frozenset("以在和与及或的等对向由从为是将把被于其经按并且而但如若因所该此本各每全共我你他")
_BRAND_DIGITS = re.compile(r"[0-9]{2,6}(?![0-9.])")
_DELIMITER = re.compile(r"[\s,，、。；;：:!！?？（(“\"|/]")
_STEM_PIECE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_UNIT_AFTER = re.compile(r"场|馆|局|课|中心|活动|工作|赛|比赛|项目|设施|人次|人|次|个|所|家")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    rule: str
    signal: str
    score: float
    suspect: bool = False  # evidence too weak to remove: reported, not applied


def find_spam(
    text: str,
    lexicon: Lexicon,
    *,
    extra_phrases: Iterable[str] = (),
    inserted: Iterable[tuple[int, int]] = (),
    suspects: bool = False,
) -> list[Span]:
    """Non-overlapping spam spans of ``text``, sorted by position; with ``suspects``, also the
    spans the evidence only suspects (``Span.suspect``). ``extra_phrases`` are phrases the site
    showed to replace a word (``repeats.py``: every occurrence), ``inserted`` the (start, end) of
    phrases it showed were slipped in (``inserted.py``: those places only)."""
    if not text:
        return []
    extra = tuple(p for p in extra_phrases if p)
    slipped = tuple(p for p in inserted if p)
    if extra or slipped:
        found = _find(text, lexicon, extra, slipped)
    else:
        # the same nav, footer and field strings come back page after page: remember them
        found = lexicon.spans.get(text)
        if found is None:
            found = tuple(_find(text, lexicon, (), ()))
            if len(text) <= MAX_CACHED_CHARS:
                if len(lexicon.spans) >= MAX_CACHED_STRINGS:
                    lexicon.spans.clear()
                lexicon.spans[text] = found
    return [s for s in found if suspects or not s.suspect]


def _find(
    text: str, lexicon: Lexicon, extra_phrases: tuple[str, ...], inserted: tuple[tuple[int, int], ...]
) -> list[Span]:
    lexical, legit = _lexicon_spans(text, lexicon)
    if not lexical and not extra_phrases and not inserted:
        return []
    if legit is None:
        legit = [(m.start(), m.end()) for m in lexicon.legit.finditer(text)] if lexicon.legit else []
    found = list(lexical)
    # shown by the site to replace a word, or to be slipped in: in document titles too
    for phrase in extra_phrases:
        pos = text.find(phrase)
        while pos >= 0:
            found.append(Span(pos, pos + len(phrase), "site-repeated", "site-context", EXTRA_SCORE))
            pos = text.find(phrase, pos + len(phrase))
    for start, end in inserted:
        found.append(Span(start, end, "site-inserted", "site-context", EXTRA_SCORE))
    # a brand or shape named in quotes by anti-gambling prose (查处“必威体育”等赌博网站) is its
    # subject, unless the page carries the same phrase outside such prose too: then it is the
    # hack's, wherever it stands (转发《鑫博体育官网规范体育彩票销售…》 where 关于 stood)
    subject = [in_quotes(text, s.start, s.end) and _antigamble(text, s.start, s.end, lexicon) for s in found]
    if any(subject):
        injected = {text[s.start : s.end] for s, named in zip(found, subject, strict=True) if not named}
        found = [s for s, named in zip(found, subject, strict=True) if not named or text[s.start : s.end] in injected]
    return _merge(text, [_grow(text, s, lexicon, legit) for s in found])


def _lexicon_spans(text: str, lexicon: Lexicon) -> tuple[tuple[Span, ...], list[tuple[int, int]] | None]:
    """What the lexicon and the shapes find in ``text`` before the site's phrases join them, and
    the legitimate phrases (None when nothing was found: not looked for). A page's body is read
    three times in a row (the site's repeated phrases, then with them): the last few long texts
    are remembered."""
    cache = lexicon.long_spans if len(text) > MAX_CACHED_CHARS else None
    if cache is not None and text in cache:
        return cache[text]
    words = lexicon.openings.scan(text) if lexicon.openings is not None else None
    known = _known(text, lexicon, words)
    if lexicon.shape_core is None:
        core = True
    elif words is not None:  # a category or strong word, or the core's figure + 彩
        core = words.core or ("彩" in text and _FIGURE_CAI.search(text) is not None)
    else:
        core = lexicon.shape_core.search(text) is not None
    shapes = list(lexicon.shape.finditer(text)) if core else []
    phrases = _phrases(text, lexicon, words)
    latin = latin_spans(text, lexicon)
    if not known and not shapes and not phrases and not latin:
        result: tuple[tuple[Span, ...], list[tuple[int, int]] | None] = ((), None)
    else:
        legit = [(m.start(), m.end()) for m in lexicon.legit.finditer(text)] if lexicon.legit else []
        result = (_lexicon_found(text, lexicon, known, shapes, phrases, latin, legit), legit)
    if cache is not None:
        if len(cache) >= MAX_LONG_CACHED:
            del cache[next(iter(cache))]  # the oldest
        cache[text] = result
    return result


def _lexicon_found(text: str, lexicon: Lexicon, known, shapes, phrases, latin, legit) -> tuple[Span, ...]:
    found: list[Span] = []
    for m in known:
        start, end = m.start(), m.end()
        if _inside(start, end, legit) or _inside_word(text, start, end):
            continue
        if m.group("w") is not None and _starts_legit(m.end("w"), legit):
            continue  # 皇冠体育器材: the glue belongs to a legitimate phrase
        if m.group("w") is not None and _quoted(text, start, end):
            continue  # a weak brand in a document title: a place or a product, not a betting signal
        if m.group("b") is None and _antigamble(text, start, end, lexicon):
            continue  # a term (or weak brand) that anti-gambling prose is about
        if m.group("b") is not None:
            digits = _BRAND_DIGITS.match(text, end)  # 金博宝188, 威尼斯人5845: digits a brand carries
            if digits and not _UNIT_AFTER.match(text, digits.end()) and not text[digits.end() : digits.end() + 1] in "年月日号条件个元万%":
                end = digits.end()
        found.append(Span(start, end, "lexicon", "lexicon", LEXICON_SCORE))
    legit_stems = lexicon.words("legitstem")
    for m in shapes:
        stem = m.group("stem")
        if stem is not None and (stem in legit_stems or stem[-1] in _ADMIN_END):
            continue
        if m.group("cdigits") is not None and (_FUNCTION.intersection(m.group("cdigits")) or m.group("cdigits")[0] in "第共约近超达"):
            continue  # 第8体育, 共12体育: a count, not a brand (龙8体育)
        if (m.group("digits") or m.group("cdigits")) and (_overlaps(m.start(), m.end(), legit) or _UNIT_AFTER.match(text, m.end())):
            continue  # 12个 is a count, 2体育场 a count of places: digits glued to a category are a brand otherwise
        if _covers_stem(m.start(), m.end(), legit):
            continue
        found.append(Span(m.start(), m.end(), "brand-shape", "register", SHAPE_SCORE))
    for m in phrases:
        stem = m.group("rstem") if m.group("region") is not None else m.group("kstem") or m.group("sstem") or ""
        if m.group("bet") is not None and _antigamble(text, m.start(), m.end(), lexicon):
            continue
        if stem and (stem in legit_stems or stem[-1] in _ADMIN_END or _ADMIN_END.intersection(stem)):
            continue
        if _covers_stem(m.start(), m.end(), legit) or _inside(m.start(), m.end(), legit):
            continue
        if _antigamble(text, m.start(), m.end(), lexicon):
            continue
        rule = (
            "region-shape" if m.group("region") is not None
            else "rank-shape" if m.group("rank") or m.group("strongrank")
            else "bet-shape"
        )  # fmt: skip
        found.append(Span(m.start(), m.end(), rule, "register", SHAPE_SCORE))
    listed = [(m.start(), m.end()) for m in known]
    for start, end, certain, rule in latin:
        if _inside(start, end, legit) or (rule != "host" and _overlaps(start, end, listed)):
            continue  # a listed brand's own extent wins over its token's (2021 + raybet)
        found.append(Span(start, end, rule, "register", SHAPE_SCORE, suspect=not certain))
    return tuple(found)


def _known(text: str, lexicon: Lexicon, words: Found | None) -> list[re.Match]:
    """``lexicon.known`` tried where a brand, term or weak word starts (``words``, from the
    lexicon's automaton; without it, at every character that can open one): the big
    case-insensitive alternation costs as much at every character as where it matches."""
    if words is not None:
        starts: Iterable[int] = words.known
    elif lexicon.known_start is not None:
        starts = (m.start() for m in lexicon.known_start.finditer(text))
    else:
        return list(lexicon.known.finditer(text))
    found = []
    end = 0
    for at in starts:
        m = lexicon.known.match(text, at)
        # a match inside an earlier one counts only when it reaches further (澳门金沙 then
        # 金沙城中心): overlapping matches are merged into one phrase
        if m is not None and m.end() > end:
            found.append(m)
            end = m.end()
    return found


def _phrases(text: str, lexicon: Lexicon, words: Found | None) -> list[re.Match]:
    """``lexicon.phrase_shape.finditer(text)``, tried only where a region, rank or betting word
    starts when ``words`` says where (every alternative opens with one)."""
    if lexicon.phrase_shape is None:
        return []
    if words is None:
        return list(lexicon.phrase_shape.finditer(text))
    found = []
    end = 0
    for at in words.phrase:
        if at < end:
            continue  # finditer resumes after its last match
        m = lexicon.phrase_shape.match(text, at)
        if m is not None:
            found.append(m)
            end = m.end()
    return found


def _grow(text: str, span: Span, lexicon: Lexicon, legit: list[tuple[int, int]]) -> Span:
    """Widen a core over the grammar words around it on the same line: region and rank words,
    Latin letters and digits before it; category, channel, company and tail words, Latin letters
    and digits after it. A legitimate phrase is never entered."""
    if span.rule == "host":
        return span  # a host name ends where it ends: what follows is the page's own text
    start, end = span.start, span.end
    right = _GLUE.match(text, end)
    left = _GLUE_BACK.search(text, max(0, start - 24), start) if text[start].isascii() else None
    outer = (left.group(0) if left else "") + (right.group(0) if right else "")
    glue = outer.lower() not in lexicon.words("abbr")  # P98WINDF: 98win was put inside PDF
    if glue:
        end = right.start() + own_letters(right.group(0), lexicon) if right else end
        start = left.start() if left else start
    if lexicon.grow_right is not None:
        limit = min(len(text), end + MAX_GROWTH)
        while end < limit and text[end] != "\n":
            m = lexicon.grow_right.match(text, end, limit)
            if m is None or m.end() == end or _overlaps(end, m.end(), legit) or (not glue and m.group(0).isascii()):
                break
            end = m.start() + own_letters(m.group(0), lexicon)
    if lexicon.grow_left is not None:
        limit = max(0, start - MAX_GROWTH)
        while start > limit and text[start - 1] != "\n":
            m = lexicon.grow_left.search(text, max(limit, start - 8), start)
            if m is None or m.start() == start or _overlaps(m.start(), start, legit) or (not glue and m.group(0).isascii()):
                break
            start = m.start()
    start = _clause_stem(text, start, lexicon, short=span.rule == "brand-shape")
    if (start, end) == (span.start, span.end):
        return span
    return replace(span, start=start, end=end)


def _clause_stem(text: str, start: int, lexicon: Lexicon, *, short: bool = False) -> int:
    """Where a phrase starts when a short stem opens its clause in front of it: the piece between
    the last punctuation and the phrase, at most MAX_STEM_PIECE characters, holding a grammar
    word (金狮彩票 before 备用网址app) and not ordinary prose (not 通过, 其中). With ``short``
    (a shape whose two-character stem may be the end of a longer brand: 汇 + 通达彩票在线), one or
    two characters that are not function words go with it as well."""
    opening = start
    while opening > 0 and start - opening <= MAX_STEM_PIECE and _DELIMITER.match(text[opening - 1]) is None:
        opening -= 1
    if start - opening > MAX_STEM_PIECE or (opening > 0 and _DELIMITER.match(text[opening - 1]) is None):
        return start
    piece = text[opening:start]
    if short and 0 < len(piece) <= 2 and _STEM_PIECE.fullmatch(piece) and not _FUNCTION.intersection(piece):
        return opening if not ordinary(piece + text[start : start + 2]) else start
    if (
        not piece
        or not _STEM_PIECE.fullmatch(piece)
        or lexicon.grammar is None
        or not lexicon.grammar.search(piece)
        or ordinary(piece)
    ):
        return start
    return opening


def own_letters(token: str, lexicon: Lexicon) -> int:
    """How much of a glued Latin token belongs to the phrase: an abbreviation followed by digits
    (app21) keeps only the abbreviation; the digits are the text's own (a phone number)."""
    letters = token.rstrip("0123456789")
    return len(letters) if letters and letters != token and letters.lower() in lexicon.words("abbr") else len(token)


def _merge(text: str, spans: list[Span]) -> list[Span]:
    """Overlapping spans, and spans separated only by separators on one line, become one. The
    merged span is suspect only when all its parts are."""
    spans.sort(key=lambda s: (s.start, -s.end))
    certain = [(s.start, s.end) for s in spans if not s.suspect]
    # a suspect overlapping a certain span adds nothing to it (app21 after 金狮app: 21 is a phone's)
    spans = [s for s in spans if not s.suspect or not _overlaps(s.start, s.end, certain)]
    merged: list[Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            gap = _JOIN.match(text, last.end) if span.start >= last.end else None
            joined = gap is not None and gap.end() == span.start and "\n" not in text[last.end : span.start]
            glued = span.start == last.end + 1 and text[last.end] not in _CONNECTIVES and text[last.end] != "\n"
            if span.start < last.end or joined or (glued and not last.suspect and not span.suspect):
                best = last if (not last.suspect, last.score) >= (not span.suspect, span.score) else span
                merged[-1] = Span(
                    last.start,
                    max(last.end, span.end),
                    best.rule,
                    best.signal,
                    max(last.score, span.score),
                    suspect=last.suspect and span.suspect,
                )
                continue
        merged.append(span)
    return [_bracketed(text, span) for span in merged]


def _bracketed(text: str, span: Span) -> Span:
    """A phrase takes along the brackets that wrap it (【投注官网平台】) or that it opens or
    closes (…-【投注官网平台 + 】)."""
    start, end = span.start, span.end
    if start > 0 and end < len(text) and _BRACKETS.get(text[start - 1]) == text[end]:
        return replace(span, start=start - 1, end=end + 1)
    inside = text[start:end]
    if end < len(text) and text[end] in _CLOSERS and inside.count(_CLOSERS[text[end]]) > inside.count(text[end]):
        end += 1
    if start > 0 and text[start - 1] in _BRACKETS and inside.count(_BRACKETS[text[start - 1]]) > inside.count(text[start - 1]):
        start -= 1
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)


def _inside_word(text: str, start: int, end: int) -> bool:
    """A listed Latin brand inside a longer Latin word is not that brand (pp电子 in app电子)."""
    before = text[start - 1] if start else ""
    return text[start].isascii() and text[start].isalpha() and before.isascii() and before.isalpha()


def _inside(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


def _overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in ranges)


def _starts_legit(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a == pos for a, _b in ranges)


def _covers_stem(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """True when a legit phrase starts at or before the match and reaches into it (文化体育平台),
    not when it only overlaps the match's tail (盛世体育官方网站 keeps its stem 盛世)."""
    return any(a <= start < b for a, b in ranges)


def _quoted(text: str, start: int, end: int) -> bool:
    """True inside a quoted document title 《…》 on the same line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    opened = text.rfind("《", line_start, start)
    if opened < 0 or text.rfind("》", opened, start) >= 0:
        return False
    return text.find("》", end, line_end) >= 0


def in_quotes(text: str, start: int, end: int) -> bool:
    """True inside a document title 《…》 or quotes “…” on the same line."""
    return _quoted(text, start, end) or in_name_quotes(text, start, end)


def in_name_quotes(text: str, start: int, end: int) -> bool:
    """True inside quotes “…” on the same line (a name: an account, a slogan)."""
    line_start = text.rfind("\n", 0, start) + 1
    opened = text.rfind("“", line_start, start)
    if opened < 0 or text.rfind("”", opened, start) >= 0:
        return False
    closed = text.find("”", end)
    return closed >= 0 and "\n" not in text[end:closed]


def _antigamble(text: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """True when the sentence around [start, end) is anti-gambling prose (打击, 整治, 禁赌…)."""
    if lexicon.antigamble is None:
        return False
    left = start
    while left > 0 and not _SENTENCE_END.match(text[left - 1]):
        left -= 1
    m = _SENTENCE_END.search(text, end)
    right = m.start() if m else len(text)
    return lexicon.antigamble.search(text, left, right) is not None


_SEGMENTS = re.compile(r"[\s,，、|/·\-_—–~～【】\[\]:：;；.。!！]+")
MAX_BANNER_SEGMENT = 10


def spam_line(line: str, spans: list[Span], lexicon: Lexicon) -> bool:
    """Whether a line holding ``spans`` (offsets into ``line``) is a banner of spam phrases as a
    whole: the spans cover at least half of it, and what is left between separators are short
    pieces of the same kind (a category, channel, company or rank word, Latin letters, the image
    placeholder 图片, or a short stem that is not ordinary prose: 嘉禾娱乐, 赌博, 汇通达官方网站)."""
    covered = sum(s.end - s.start for s in spans)
    body = len(_SEGMENTS.sub("", line))
    if not spans or not body or covered * 2 < body:
        return False
    rest = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        rest.append(line[pos : span.start])
        pos = span.end
    rest.append(line[pos:])
    return all(_banner_piece(piece, lexicon) for part in rest for piece in _SEGMENTS.split(part) if piece)


def _banner_piece(piece: str, lexicon: Lexicon) -> bool:
    if piece == "图片":
        return True
    if len(piece) > MAX_BANNER_SEGMENT:
        return False
    if any(c.isascii() and c.isalpha() for c in piece):
        return True
    if lexicon.grammar is not None and lexicon.grammar.search(piece):
        return True
    return len(piece) <= 4 and not ordinary(piece)
