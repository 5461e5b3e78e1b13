"""Banner lines outside the article body and the image placeholders beside them.

A banner is an element outside the body (not a title, not an ancestor of the body) whose whole
text is spam phrases, separators and the placeholder word 图片. Images (or image-only elements)
right next to a banner go with it: hacked pages pair the brand line with an ``<img alt="图片">``.
"""

from __future__ import annotations

import re

from pipelines.cleaning.detect import find_spam, spam_line
from pipelines.cleaning.hidden import Flag
from pipelines.cleaning.lexicon import Lexicon

BANNER_TAGS = frozenset("p div marquee span a font strong b center td li ul section h3 h4 h5 h6 table tr tbody".split())
_RESIDUE = re.compile(r"[\s,，、|/·\-_—–:：;；.。!！]+")
_PLACEHOLDER = "图片"


def residue(text: str, spans) -> str:
    kept = []
    pos = 0
    for span in spans:
        kept.append(text[pos : span.start])
        pos = span.end
    kept.append(text[pos:])
    return _RESIDUE.sub("", "".join(kept).replace(_PLACEHOLDER, ""))


def is_placeholder(element) -> bool:
    """An image, an element holding only images, or an element whose text is the placeholder
    word alone (图片: the alt text a copy of the page shows)."""
    if not isinstance(element.tag, str):
        return False
    if element.tag.lower() == "img":
        return True
    if element.text_content().strip() == _PLACEHOLDER and not len(element):
        return True
    images = list(element.iter("img"))
    return bool(images) and not _RESIDUE.sub("", element.text_content().replace(_PLACEHOLDER, ""))


def find_banners(doc, body, titles, lexicon: Lexicon, *, protect=()) -> list[Flag]:
    order = {el: n for n, el in enumerate(doc.iter())}
    inside_body = set(body.iter())
    first_title = min((order[t] for t in titles), default=None)
    flags = []
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag.lower() not in BANNER_TAGS:
            continue
        if element in protect or element in inside_body:
            continue
        text = element.text_content()
        spans = find_spam(text, lexicon)
        if not spans or (residue(text, spans) and not spam_line(text, spans, lexicon)):
            continue
        above = first_title is not None and order[element] < first_title
        rule = "banner-above-title" if above else "spam-line"
        flags.append(Flag(element, rule, spans[0].signal, 0.95))
        for sibling in (element.getprevious(), element.getnext()):
            if sibling is None or sibling in protect or sibling in inside_body or not is_placeholder(sibling):
                continue
            between = element.tail if sibling is element.getnext() else sibling.tail
            if between and _RESIDUE.sub("", between.replace(_PLACEHOLDER, "")):
                continue
            flags.append(Flag(sibling, "banner-image", "adjacent-banner", 0.9))
    return flags
