"""The article container of a page from another CMS, found by structure, not by class names.

Department sites put the report in ``div.article``, ``div#zoom``, ``div.TRS_Editor``,
``div.content``, ``article``, a layout ``td``... Which one is not known in advance, so every
element is scored by the prose it holds directly: each paragraph (a ``p``, or the text an element
holds between its ``br``s) long enough and punctuated like a sentence credits its parent in full
and its grandparent by half. The best-scoring element is the container. Table cells of a
statistics table hold numbers and short labels, not sentences, so they never win; a layout table's
cell holding the whole article does.

``head_scope`` is the part of the page that belongs to the article around the container: the
nearest ancestor that also holds a title candidate (``h1``..``h3``, an element whose class names a
title) or a label row, so the site's banner, menus and footer stay out of the head.
"""

from __future__ import annotations

import re

PROSE = re.compile(r"[，。；]")
MIN_PARAGRAPH = 12          # characters a paragraph needs to count
MIN_SCORE = 80              # a container must hold at least this much prose
SCOPE_LEVELS = 4            # ancestors of the container searched for the article's head
_PARAGRAPHS = frozenset(("p", "li", "h4", "h5", "h6", "blockquote", "pre"))
_CANDIDATES = frozenset(("div", "article", "section", "main", "td", "span", "font", "form", "center", "body"))
_HEAD_TAGS = frozenset(("h1", "h2", "h3"))
_LABEL_ROW = re.compile(r"(?:发\s*布\s*(?:机\s*构|时\s*间|日\s*期)|索\s*引\s*号|来\s*源|公开日期)\s*[:：]?")


def _own_text(node) -> str:
    """The text ``node`` holds itself: its text and its children's tails (``br``-separated prose)."""
    parts = [node.text or ""]
    parts.extend(child.tail or "" for child in node)
    return "".join(parts).strip()


def _counts(text: str) -> bool:
    return len(text) >= MIN_PARAGRAPH and bool(PROSE.search(text))


def find_container(root):
    """The element holding the most directly written prose under ``root``, or None."""
    scores: dict = {}
    for node in root.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in ("script", "style"):
            continue
        if tag in _PARAGRAPHS:
            text = "".join(node.itertext()).strip()
            if _counts(text):
                _credit(scores, node.getparent(), len(text))
        elif tag in _CANDIDATES:
            own = _own_text(node)
            if _counts(own):
                _credit(scores, node, len(own))
    if not scores:
        return None
    best = max(scores, key=lambda n: scores[n])
    return best if scores[best] >= MIN_SCORE else None


def _credit(scores: dict, node, amount: float) -> None:
    if node is None:
        return
    scores[node] = scores.get(node, 0) + amount
    parent = node.getparent()
    if parent is not None:
        scores[parent] = scores.get(parent, 0) + amount / 2


def is_title_candidate(node) -> bool:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in _HEAD_TAGS:
        return True
    return "title" in (node.get("class") or "").lower() or "title" in (node.get("id") or "").lower()


def head_scope(container, top) -> tuple[object, bool]:
    """Where the article's head (title, label rows) is read, and whether it was found there: the
    container itself when a title candidate or a label row stands in it before its first paragraph
    of prose, else the nearest ancestor (at most ``SCOPE_LEVELS`` up, never above ``top``) holding
    one outside the container; else ``(top, False)``: a heading found only at the top (the site's
    logo) is no title of the report."""
    for node in container.iter():
        if node is container or not isinstance(node.tag, str):
            continue
        if node.tag in _PARAGRAPHS and _counts("".join(node.itertext()).strip()):
            break
        if _heads(node):
            return container, True
    node = container
    for _ in range(SCOPE_LEVELS):
        parent = node.getparent()
        if parent is None or node is top:
            break
        node = parent
        for other in node.iter():
            if other is not container and isinstance(other.tag, str) and _heads(other) \
                    and not _inside(other, container):
                return node, node is not top        # a heading of the whole page is the site's
    return top, False


def prose_children(container) -> tuple:
    """The container's children that are its prose (paragraphs and tables): left out of the head
    when the head is read from the container itself."""
    return tuple(child for child in container if isinstance(child.tag, str)
                 and (child.tag == "table" or (child.tag in _PARAGRAPHS and not _heads(child))))


def _heads(node) -> bool:
    return is_title_candidate(node) or bool(_LABEL_ROW.match(_own_text(node)))


def _inside(node, container) -> bool:
    for ancestor in node.iterancestors():
        if ancestor is container:
            return True
    return False
