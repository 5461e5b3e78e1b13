"""Spam in the page's short fields: ``<title>``, meta keywords/description, the visible title,
the 来源 value, and any other text outside the article body.

A phrase glued between two CJK characters may be a replaced word and is restored when the
signals agree (same rules as the body); anything else is removed together with the separators
that tied it to the field (``必威体育app-向家镇`` -> ``向家镇``). Offsets are into the field's own
text: the title text, the meta content, the visible title's text content, the 来源 value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.cleaning import convert
from pipelines.cleaning.context import SiteContext
from pipelines.cleaning.detect import find_spam
from pipelines.cleaning.inserted import inserted_pieces
from pipelines.cleaning.lexicon import Lexicon
from pipelines.cleaning.model import (
    META_DESCRIPTION,
    META_KEYWORDS,
    PAGE,
    SOURCE,
    TITLE,
    VISIBLE_TITLE,
    Action,
    Finding,
    FindingKind,
)
from pipelines.cleaning.restore import Decision, decide_all

_SEP = re.compile(r"[\s\-_|—–·,，、:：;；/]*")
_SEP_BACK = re.compile(r"[\s\-_|—–·,，、:：;；/]*$")
_SOURCE = re.compile(r"来源\s*[:：]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "title", "meta"))
_SHORT_FIELDS = frozenset((TITLE, VISIBLE_TITLE, SOURCE))


@dataclass(frozen=True, slots=True)
class BodyWord:
    """A phrase of the page's body put back as ``word``, with two characters each side."""

    phrase: str
    left: str
    right: str
    word: str
    confidence: float


class FieldCleaner:
    def __init__(
        self,
        lexicon: Lexicon,
        context: SiteContext | None,
        extra_phrases: tuple[str, ...] = (),
        *,
        body: str | None = "",
        simplify: bool = False,
        body_words: Sequence[BodyWord] = (),
    ):
        self.lexicon = lexicon
        self.context = context
        # the page's body text (a field's legitimate pieces repeat it); None: no look for pieces
        # slipped in (a later cleaning pass: they were found on the raw page)
        self.body = body
        # phrases the site showed to stand for a word in the body: the same hack reaches the fields
        self.extra = extra_phrases
        # the page is in traditional script (``body`` is its simplified view): its fields are
        # compared with the site in simplified script too
        self.simplify = simplify
        # the body's restorations: the same phrase after the same two characters in a field
        # (发布机构：仁寿县东峰镇 + phrase, where the body read 东峰镇 + phrase + 根据) stands for the
        # same word, though nothing follows it in the field
        self.body_words = tuple(body_words)

    def clean(self, doc, body, titles, drops, edits) -> list[Finding]:
        findings: list[Finding] = []
        skip = set(body.iter())
        for element in drops:
            skip.update(element.iter())
        for title in doc.iter("title"):
            if title not in skip:  # a page without a body container renders its <title> as body text
                findings += self._node(title, "text", 0, TITLE, FindingKind.TITLE_SPAM, edits)
        for meta in doc.iter("meta"):
            name = (meta.get("name") or "").strip().lower()
            field = {"keywords": META_KEYWORDS, "description": META_DESCRIPTION}.get(name, f"meta:{name}")
            if name:
                findings += self._node(meta, "@content", 0, field, FindingKind.META_SPAM, edits)
        done: set[tuple] = set()
        for title in titles:
            if title in skip:
                continue
            base = 0
            for owner, text in _text_nodes(title):
                done.add(owner)
                if owner[0] not in skip or owner[1] == "tail":
                    findings += self._node(owner[0], owner[1], base, VISIBLE_TITLE, FindingKind.TITLE_SPAM, edits)
                base += len(text)
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            for attr in ("text", "tail"):
                value = (element.text if attr == "text" else element.tail) or ""
                if not value or value.isspace():
                    continue  # nothing to clean (the common case: test it first)
                key = (element, attr)
                if key in done:
                    continue
                if attr == "text" and (element in skip or element.tag.lower() in _SKIP):
                    continue
                if attr == "tail" and _tail_skipped(element, skip):
                    continue
                m = _SOURCE.search(value)
                if m:
                    findings += self._node(element, attr, -m.end(), SOURCE, FindingKind.SOURCE_SPAM, edits, lo=m.end())
                    findings += self._node(element, attr, None, PAGE, FindingKind.REPLACED_WORD, edits, hi=m.start())
                else:
                    findings += self._node(element, attr, None, PAGE, FindingKind.REPLACED_WORD, edits)
        return findings

    def _node(self, node, attr, base, field, kind, edits, *, lo=0, hi=None) -> list[Finding]:
        value = (node.get(attr[1:]) if attr.startswith("@") else getattr(node, attr)) or ""
        hi = len(value) if hi is None else hi
        text = value[lo:hi]
        if not text.strip():
            return []
        extra = tuple(p for p in self.extra if p in text)
        short = field in _SHORT_FIELDS or field.startswith("meta:")
        slipped = ()
        if short and self.body is not None:
            probe = convert.to_simplified(text) if self.simplify else text
            slipped = inserted_pieces(probe if len(probe) == len(text) else text, self.body, self.context, self.lexicon)
        spans = find_spam(text, self.lexicon, extra_phrases=extra, inserted=slipped, suspects=True)
        if not spans:
            return []
        offset = None if base is None else base + lo
        found = [
            Finding(
                kind, f"suspected-{s.rule}", Action.SUSPECTED, text[s.start : s.end], None, s.score, field,
                None if offset is None else offset + s.start, None if offset is None else offset + s.end, s.signal,
            )
            for s in spans
            if s.suspect
        ]  # fmt: skip
        spans = [s for s in spans if not s.suspect]
        lines = field not in (SOURCE, PAGE)  # a 来源 value or a text node is part of a line
        decisions = decide_all(text, spans, self.lexicon, self.context, lines=lines)
        for span, decision in zip(spans, decisions, strict=True):
            start, end = span.start, span.end
            if span.rule == "site-inserted":
                decision = Decision(None, span.score, "site-context", "inserted-phrase")  # nothing stood there
            glued = start > 0 and end < len(text) and _CJK.match(text[start - 1]) and _CJK.match(text[end])
            # glued between characters, a phrase stands for a word; at the edge of a field only
            # the site's own evidence (its other pages, other captures) says it replaced one
            sited = "site-context" in decision.signal or "other-capture" in decision.signal
            if span.rule != "site-inserted" and not (decision.replacement and glued):
                # at a field's edge the same page's body, read with context on both sides, is
                # better evidence than a slot with one side open
                body = self._as_in_body(text, start, end)
                decision, sited = (body, True) if body is not None else (decision, sited)
            if decision.replacement and text[start:end] == decision.replacement:
                continue  # another capture or the site shows this very text: nothing was injected
            if decision.replacement and (glued or sited):
                replacement, action, rule, signal = (
                    decision.replacement,
                    Action.RESTORED,
                    decision.rule,
                    decision.signal,
                )
                confidence = decision.confidence
            else:
                start, end = _with_separators(text, start, end)
                replacement, action, rule, signal = None, Action.REMOVED, f"{field.split(':')[0]}-spam", span.signal
                confidence = span.score
            edits[(node, attr)].append((lo + start, lo + end, replacement or ""))
            found.append(
                Finding(
                    kind,
                    rule,
                    action,
                    text[start:end],
                    replacement,
                    confidence,
                    field,
                    None if offset is None else offset + start,
                    None if offset is None else offset + end,
                    signal,
                )
            )
        return found


    def _as_in_body(self, text: str, start: int, end: int) -> Decision | None:
        phrase = text[start:end]
        left, right = text[max(0, start - 2) : start], text[end : end + 2]
        for known in self.body_words:
            if known.phrase == phrase and ((len(left) == 2 and left == known.left) or (len(right) == 2 and right == known.right)):
                return Decision(known.word, known.confidence * 0.95, "page-body", "replaced-word")
        return None


def _with_separators(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a removal over the separators that tie it to the rest of the field."""
    after = _SEP.match(text, end).end()
    before = _SEP_BACK.search(text, 0, start).start()
    if before == 0 or after == len(text):
        return before, after
    if before < start and after > end:
        return start, after
    return start, end


def _text_nodes(element):
    """(owner, text) of ``element``'s text content, in order, without its own tail."""
    if element.text:
        yield (element, "text"), element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from _text_nodes(child)
        if child.tail:
            yield (child, "tail"), child.tail


def _tail_skipped(element, skip: set) -> bool:
    parent = element.getparent()
    if parent is None:
        return False
    if parent in skip:
        return True
    tag = parent.tag.lower() if isinstance(parent.tag, str) else ""
    return tag in _SKIP
