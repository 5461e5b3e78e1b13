"""Phrases inserted into the site's own sentences, found by the site without the lexicon.

The pages of a site repeat its sentence templates. A phrase slipped into one of them leaves a
trace: the characters it brings stand side by side nowhere else on the site nor in ordinary
prose (every pair of neighbours it makes is new), while the two characters it separates are
neighbours on the site's other pages (``信息`` + ``12条`` read ``信息12条`` elsewhere, here
``信息宏运12条``). Such a run of new pairs, two to eight characters long, not ordinary prose and
not a unit's name (a village or a person would need a unit suffix or an unknown junction), is an
inserted phrase.

In a short field (a title, a meta value, the 来源 value) a whole piece between separators whose
pairs are all new and that the page's body does not repeat is inserted too (``旺利`` as the 来源,
``星耀,`` in the keywords).
"""

from __future__ import annotations

import operator
import re

from pipelines.cleaning.context import SiteContext, positions, zero_digits
from pipelines.cleaning.detect import in_name_quotes, own_letters
from pipelines.cleaning.lexicon import Lexicon
from pipelines.cleaning.prose import ADMIN_END, mostly_common, ordinary, prose_context

MIN_TEXTS = 2
MIN_JUNCTION = 3  # times the separated neighbours stand together on other pages (or in prose)
MIN_WITNESSES = 2  # other pages that write the sentence without the phrase
MAX_RARE = 2  # times a "new" pair may stand on the site's other pages
MAX_PIECE = 12
MAX_NAME = 4
_TITLE_LINE = re.compile(r"(?m)^(?=[^\n]{4,60}$)[^\n]*?[\u4e00-\u9fff][_|\-—][\u4e00-\u9fff][^\n]*$")
HEAD_LINES = 4  # a visible title stands among the body's first lines
MIN_LEN = 2
MAX_LEN = 8
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]+")
_PAIR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2}")
_PIECES = re.compile(r"[^\s,，、|/·\-_—–~～【】\[\]:：;；.。!！()（）<>《》]+")
_WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_LABEL = re.compile(r"(?:来源|信息来源|作者|发布机构|发布单位|编辑|供稿)\s*[:：]\s*$")
_UNIT_AFTER = re.compile("局|镇|乡|县|市|区|村|街道|社区|委员会|中心|办公室|政府|同志|书记|主任")


Span = tuple[int, int]


def inserted_phrases(text: str, context: SiteContext | None, lexicon: Lexicon | None = None) -> list[Span]:
    """Where the site's other pages show phrases were slipped into the sentences of ``text``:
    (start, end) of each occurrence with that evidence (not of every occurrence of the phrase)."""
    if context is None or context.sister_texts < MIN_TEXTS or not text:
        return []
    prose = prose_context()
    new = _new_pairs(text, context, prose)
    found: list[Span] = []
    k = 0
    while k < len(new):  # each run of consecutive new pairs i..j
        i = j = new[k]
        k += 1
        while k < len(new) and new[k] == j + 1:
            j += 1
            k += 1
        span = _phrase(text, i, j, context, prose, lexicon)
        if span is not None:
            found.append(span)
    return found


def _phrase(text: str, i: int, j: int, context: SiteContext, prose: SiteContext, lexicon: Lexicon | None) -> Span | None:
    """The inserted phrase a run of new pairs ``i..j`` stands for, or "".

    Between word characters, the run's characters ``i+1..j`` are the phrase and ``i``, ``j+1``
    its neighbours, which the site writes side by side elsewhere. Beside punctuation the run's
    first (or last) character may open (or close) the phrase instead: both readings are tried,
    the one with neighbours first. A phrase with punctuation on both sides counts only as the
    value of a label (来源：旺利), where a field sits in the body. Grammar words glued after the
    phrase (app, 彩票, 官网) belong to it, not to the sentence."""
    starts = [i + 1] + ([i] if not _word_at(text, i - 1) else [])
    ends = [j + 1] + ([j + 2] if not _word_at(text, j + 2) else [])
    for start in starts:
        for end in ends:
            span = _reading(text, start, end, context, prose, lexicon)
            if span is not None:
                return span
    return None


def _reading(
    text: str, start: int, end: int, context: SiteContext, prose: SiteContext, lexicon: Lexicon | None
) -> Span | None:
    if lexicon is not None and lexicon.grow_right is not None:
        while end < len(text):
            m = lexicon.grow_right.match(text, end)
            if m is None or m.end() == end:
                break
            end = m.start() + own_letters(m.group(0), lexicon)
    left_open, right_open = not _word_at(text, start - 1), not _word_at(text, end)
    phrase = text[start:end]
    if not _candidate(_stem(phrase, lexicon), text, end) or len(phrase) > MAX_PIECE or in_name_quotes(text, start, end):
        return None  # not a candidate, or a name in quotes (an account: “富顺福彩”)
    if _names_a_unit(text, phrase):
        return None  # the page's own place (仁寿县西坝人民路 where it also says 西坝镇)
    if left_open and right_open:
        line_start = text.rfind("\n", 0, start) + 1
        labelled = _LABEL.search(text, line_start, start) and not context.contains(phrase)
        return (start, end) if labelled else None
    if not (left_open or right_open) and _junction(text[start - 1] + text[end], context, prose) < MIN_JUNCTION:
        return None
    # the sentence without the phrase is the site's own: two characters each side, written
    # together on other pages (信息 + 12条 -> 信息12条)
    witnesses = context.adjacent(text[max(0, start - 2) : start], text[end : end + 2])
    unseen = not any(context.bigram_count(text[k : k + 2]) for k in range(start - 1, end))
    if witnesses < MIN_WITNESSES and not (witnesses and unseen):
        return None  # one witness will do for a phrase no other page has any piece of
    return start, end


def _names_a_unit(text: str, phrase: str) -> bool:
    """Whether ``phrase`` stands before a unit suffix somewhere in ``text``."""
    pos = text.find(phrase)
    while pos >= 0:
        if _UNIT_AFTER.match(text, pos + len(phrase)):
            return True
        pos = text.find(phrase, pos + 1)
    return False


def _head_end(body: str) -> int:
    end = 0
    for _ in range(HEAD_LINES):
        nxt = body.find("\n", end)
        if nxt < 0:
            return len(body)
        end = nxt + 1
    return end


def _stem(phrase: str, lexicon: Lexicon | None) -> str:
    """The phrase without its grammar words (百盛真人 -> 百盛): what must be new to the site."""
    if lexicon is None or lexicon.grammar is None:
        return phrase
    return lexicon.grammar.sub("", phrase) or phrase


def _word_at(text: str, k: int) -> bool:
    return 0 <= k < len(text) and _WORD_CHAR.match(text[k]) is not None


def inserted_pieces(field: str, body: str, context: SiteContext | None, lexicon: Lexicon | None = None) -> list[Span]:
    """Separator-delimited pieces of a short field that the page's own body does not repeat and
    that are new to the site and to prose, or that no other page has and that speak the betting
    grammar (正规赛事分析平台, 易胜博体育, 水位网)."""
    if context is None or context.sister_texts < MIN_TEXTS or not field:
        return []
    prose = prose_context()
    found = []
    for m in _PIECES.finditer(field):
        piece = m.group(0)
        if piece in body or _UNIT_AFTER.match(field, m.end()) or len(piece) > MAX_PIECE:
            continue
        if _candidate(piece, field, m.end()):
            pairs = [piece[k : k + 2] for k in range(len(piece) - 1)]
            if pairs and all(_new(pair, context, prose) for pair in pairs):
                found.append((m.start(), m.end()))
                continue
        if ordinary(piece) or piece[-1] in ADMIN_END or context.contains(piece):
            continue
        grammar = lexicon is not None and lexicon.grammar is not None and lexicon.grammar.search(piece)
        if (grammar and not lexicon.grammar.fullmatch(piece)) or (len(piece) <= MAX_NAME and _WORD.fullmatch(piece)):
            found.append((m.start(), m.end()))  # betting grammar, or a short name no page of the site knows
    return found


def title_line_pieces(body: str, context: SiteContext | None, lexicon: Lexicon | None = None) -> list[Span]:
    """``inserted_pieces`` of the body's title-like lines (short, pieces joined by _ - |): where
    a template puts the visible title inside the body container."""
    found: list[Span] = []
    for m in _TITLE_LINE.finditer(body, 0, _head_end(body)):
        rest = body[: m.start()] + body[m.end() :]
        found += [(m.start() + a, m.start() + b) for a, b in inserted_pieces(m.group(0), rest, context, lexicon)]
    return found


def _new_pairs(text: str, context: SiteContext, prose: SiteContext) -> list[int]:
    """Where ``text`` has a pair that is ``_new`` (pair ``i`` is ``text[i:i+2]``), ascending.
    Each distinct pair is judged once; the positions of the few new ones are then looked up."""
    norm = zero_digits(text)
    counts, own = context.pair_counts(), None
    rare = max(MAX_RARE, context.sister_texts // 10)
    new = set()
    for pair in set(map(operator.add, norm, norm[1:])).difference(prose.pair_set()):
        if not (pair[0].isalnum() and pair[1].isalnum()):
            continue
        total = counts.get(pair, 0)
        if total > rare:
            own = context.own_pair_counts() if own is None else own  # (only when they could matter)
            if total - own.get(pair, 0) > rare:
                continue
        new.add(pair)
    return positions(norm, new)


def _new(pair: str, context: SiteContext, prose: SiteContext) -> bool:
    """A pair prose never writes and the site's other pages write rarely (the same phrase may be
    slipped into a few of them as well)."""
    if _PAIR.fullmatch(pair) is None or prose.bigram_count(pair):
        return False
    return context.bigram_count(pair) <= max(MAX_RARE, context.sister_texts // 10)


def _candidate(phrase: str, text: str, end: int) -> bool:
    return (
        MIN_LEN <= len(phrase) <= MAX_LEN
        and _WORD.fullmatch(phrase) is not None
        and phrase[-1] not in ADMIN_END
        and not mostly_common(phrase)
        and _UNIT_AFTER.match(text, end) is None
    )


def _junction(pair: str, context: SiteContext, prose: SiteContext) -> int:
    return context.bigram_count(pair) + prose.bigram_count(pair)
