"""``clean_page``: raw HTML (+ site context) -> CleanResult. Pure: no I/O, no global state.

Order of work on one page:

1. elements: hidden spam blocks, off-site link farms, script-written links, off-site frames and
   banner lines outside the body (with their image placeholders) are flagged, outermost only;
2. body text (``body_text`` of the raw page): spam phrases outside flagged elements; a phrase
   filling its whole line is a banner and is removed with the line, any other phrase is a
   replaced word: restored when the signals agree (``restore``), else removed as ``unrestored``;
3. pinyin interleaving and traditional characters in the remaining body text;
4. fields: ``<title>``, meta keywords/description, the visible title, the 来源 value, and other
   text outside the body.

The tree is then edited in place (text slices replaced, flagged elements dropped keeping their
tails) and serialized; a page with no finding is returned byte-for-byte as given.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import replace

from lxml import etree

from pipelines.cleaning.banner import find_banners
from pipelines.cleaning.compose import compose
from pipelines.cleaning.context import SiteContext
from pipelines.cleaning.detect import Span, find_spam, spam_line
from pipelines.cleaning.fields import BodyWord, FieldCleaner
from pipelines.cleaning.hidden import Flag, find_hidden, find_link_farms, host_of
from pipelines.cleaning.inserted import inserted_phrases, title_line_pieces
from pipelines.cleaning.lexicon import Lexicon, default_lexicon
from pipelines.cleaning.model import BODY, PAGE, Action, CleanResult, Finding, FindingKind, apply_findings
from pipelines.cleaning.pinyin import find_rewrites, script_view
from pipelines.cleaning.repeats import site_repeated_phrases
from pipelines.cleaning.restore import Decision, decide_all, trim_common
from pipelines.cleaning.scripts import find_frames, find_scripts
from pipelines.text import TextMap, find_body, parse_html, render

logger = logging.getLogger(__name__)

_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

MAX_PASSES = 3
PLACEHOLDER = "图片"
# the visible-title candidates, as an XPath: the definition ``_titles`` implements in one pass
TITLE_XPATH = (
    "//h1 | //h2 | //*[starts-with(@class, 'titlestyle')] | //*[contains(@class, 'article_title')]"
    " | //span[@class='Head'] | //p[@class='title']"
)


def clean_page(
    html: str,
    *,
    url: str = "",
    context: SiteContext | None = None,
    lexicon: Lexicon | None = None,
    max_passes: int = MAX_PASSES,
) -> CleanResult:
    """Clean one page. ``context`` adds site statistics and other captures; ``lexicon`` defaults
    to the packaged ``lexicon.txt``. The output is cleaned again (up to ``max_passes`` in all)
    until nothing more is found, so cleaning is idempotent; later passes are composed into
    findings on the raw text (``compose``)."""
    lexicon = lexicon or default_lexicon()
    result = _clean_once(html, url=url, context=context, lexicon=lexicon)
    for _ in range(max_passes - 1):
        if not any(f.action is not Action.SUSPECTED for f in result.findings):
            break
        # later passes look for neighbours the edits made meet; what the site shows (repeated
        # and inserted phrases) was found on the raw page and is gone from the cleaned one
        again = _clean_once(result.clean_html, url=url, context=context, lexicon=lexicon, site=False)
        if not again.findings:
            break
        composed = compose(result, again)
        if composed is None:
            logger.warning(
                "cleaning %s: a second pass found %d more findings that could not be composed", url, len(again.findings)
            )
            break
        result = composed
    return result


def _clean_once(
    html: str, *, url: str, context: SiteContext | None, lexicon: Lexicon, site: bool = True
) -> CleanResult:
    html = html if isinstance(html, str) else ""
    doc = parse_html(html)
    if doc is None:
        return CleanResult(raw_text="", clean_text="", clean_html=html, findings=())
    # One Python proxy per node, held until the page is done: the many walks below then reuse
    # them instead of building (and class-looking-up) a new proxy per node per walk.
    nodes = list(doc.iter())
    body = find_body(doc)
    tmap = render(body)
    raw = tmap.text
    page_host = host_of(url)
    titles = [t for t in _titles(nodes) if not _within(t, body)]
    protect = {body, *body.iterancestors()}
    for title in titles:
        protect.add(title)
        protect.update(title.iterancestors())

    findings: list[Finding] = []
    edits: dict[tuple, list[tuple[int, int, str]]] = defaultdict(list)
    claimed: list[tuple[int, int]] = []
    drops = []

    for flag, kind in _element_flags(doc, body, titles, page_host, lexicon, protect):
        drops.append(flag.element)
        rng = tmap.element_range(flag.element) if _within(flag.element, body) else None
        if rng is not None:
            start, end = _whole_lines(raw, *rng, claimed)
            if not _overlaps(*_absorb_spaces(raw, start, end), claimed):
                start, end = _absorb_spaces(raw, start, end)
            claimed.append((start, end))
            findings.append(_body(kind, flag.rule, raw, start, end, flag.confidence, flag.signal))
        else:
            text = etree.tostring(flag.element, encoding="unicode", method="html", with_tail=False)
            findings.append(
                Finding(kind, flag.rule, Action.REMOVED, text, None, flag.confidence, PAGE, None, None, flag.signal)
            )

    extra: list[str] = []
    slipped: list[tuple[int, int]] = []
    view = raw
    rewrites = None  # pinyin and traditional runs, when the site detectors needed them first
    if site and context is not None and context.corpus:
        # the site's evidence is read in simplified script, without pinyin glosses: so are the
        # site texts it is compared with (a traditional 舉辦 is no phrase new to the site)
        rewrites = find_rewrites(raw, claimed)
        view, script = script_view(raw, rewrites) if rewrites else (raw, None)
        extra = site_repeated_phrases(view, context, lexicon)
        slipped = inserted_phrases(view, context, lexicon) + title_line_pieces(view, context, lexicon)
        if script is not None:
            slipped = [script.to_raw(a, b) for a, b in slipped]
    spans = []
    for span in find_spam(raw, lexicon, extra_phrases=extra, inserted=slipped, suspects=True):
        if _overlaps(span.start, span.end, claimed):
            continue
        if span.suspect:
            findings.append(_suspected(raw, span))
        else:
            spans.append(span)
    spans = _banner_lines(raw, spans, lexicon, claimed)
    glued = []
    for span in spans:
        start, end = _whole_lines(raw, span.start, span.end, claimed)
        if (start, end) != (span.start, span.end):
            claimed.append((start, end))
            findings.append(_body(FindingKind.BANNER, "banner-line", raw, start, end, span.score, span.signal))
            _edit(tmap, edits, start, end, "")
            placeholder = _placeholder_line(raw, end, claimed)
            if placeholder is not None:
                a, b = placeholder
                claimed.append((a, b))
                findings.append(_body(FindingKind.BANNER, "banner-image", raw, a, b, 0.9, "adjacent-banner"))
                _edit(tmap, edits, a, b, "")
        else:
            glued.append(span)
    restored: list[BodyWord] = []  # what the body's phrases were put back as: the fields' evidence
    for span, decision in zip(glued, decide_all(raw, glued, lexicon, context), strict=True):
        if span.rule == "site-inserted":
            decision = Decision(None, span.score, "site-context", "inserted-phrase")
        if decision.replacement:
            start, end, word = trim_common(raw, span.start, span.end, decision.replacement)
            if raw[start:end] == word:
                continue  # another capture or the site shows this very text: nothing was injected
            span = Span(start, end, span.rule, span.signal, span.score)
            decision = Decision(word, decision.confidence, decision.signal, decision.rule)
        elif not _overlaps(*_absorb_spaces(raw, span.start, span.end), claimed):
            span = Span(*_absorb_spaces(raw, span.start, span.end), span.rule, span.signal, span.score)
        claimed.append((span.start, span.end))
        if decision.replacement and decision.rule == "replaced-word":
            restored.append(BodyWord(raw[span.start : span.end], raw[max(0, span.start - 2) : span.start],
                                     raw[span.end : span.end + 2], decision.replacement, decision.confidence))
        signal = decision.signal
        if not decision.replacement and signal == "unrestored":
            signal = f"{span.signal}+unrestored"
        findings.append(
            _body(
                FindingKind.REPLACED_WORD, decision.rule, raw, span.start, span.end,
                round(decision.confidence, 4), signal, decision.replacement,
            )
        )  # fmt: skip
        _edit(tmap, edits, span.start, span.end, decision.replacement or "")

    # none before the spans were claimed, none after: fewer characters left to convert
    for rw in find_rewrites(raw, claimed) if rewrites is None or rewrites else ():
        kind = FindingKind.PINYIN if rw.kind == "pinyin" else FindingKind.TRADITIONAL
        findings.append(_body(kind, rw.rule, raw, rw.start, rw.end, rw.confidence, rw.signal, rw.replacement))
        _edit(tmap, edits, rw.start, rw.end, rw.replacement)

    fields = FieldCleaner(
        lexicon, context, tuple(extra), body=view if site else None, simplify=view is not raw, body_words=restored
    )
    findings.extend(fields.clean(doc, body, titles, drops, edits))

    if not findings:
        return CleanResult(raw_text=raw, clean_text=raw, clean_html=html, findings=())
    _apply(edits, drops)
    findings.sort(key=lambda f: (f.field != BODY, f.field, f.start if f.start is not None else -1))
    return CleanResult(
        raw_text=raw,
        clean_text=apply_findings(raw, findings),
        clean_html=_serialize(doc),
        findings=tuple(findings),
    )


def _banner_lines(raw: str, spans: list[Span], lexicon: Lexicon, claimed) -> list[Span]:
    """The spans of a line that is spam as a whole (``detect.spam_line``) become one span over
    the line's text, so that the line goes as a banner; the other spans stay as they are, and
    so do those of a line an element finding already took part of (an iframe's fallback text)."""
    by_line: dict[int, list[Span]] = defaultdict(list)
    for span in spans:
        by_line[raw.rfind("\n", 0, span.start) + 1].append(span)
    out = []
    for line_start, on_line in by_line.items():
        line_end = raw.find("\n", line_start)
        line_end = len(raw) if line_end < 0 else line_end
        line = raw[line_start:line_end]
        local = [replace(s, start=s.start - line_start, end=s.end - line_start) for s in on_line]
        lead = len(line) - len(line.lstrip())
        trail = len(line.rstrip())
        whole = len(local) == 1 and local[0].start <= lead and local[0].end >= trail
        if not whole and not _overlaps(line_start, line_end, claimed) and spam_line(line, local, lexicon):
            best = max(on_line, key=lambda s: s.score)
            out.append(replace(best, start=line_start + lead, end=line_start + trail))
        else:
            out.extend(on_line)
    return sorted(out, key=lambda s: s.start)


def _titles(nodes) -> list:
    """The elements TITLE_XPATH selects, in document order, from one pass over the page's nodes
    (evaluating the six-way XPath union cost more than the rest of the title handling)."""
    found = []
    for node in nodes:
        tag = node.tag
        if not isinstance(tag, str):
            continue
        cls = node.get("class")
        if (
            tag in ("h1", "h2")
            or (cls is not None and (cls.startswith("titlestyle") or "article_title" in cls))
            or (tag == "span" and cls == "Head")
            or (tag == "p" and cls == "title")
        ):
            found.append(node)
    return found


def _suspected(raw: str, span: Span) -> Finding:
    """A span the evidence only suspects: reported with its signals, the text left as it is."""
    return Finding(
        FindingKind.REPLACED_WORD, f"suspected-{span.rule}", Action.SUSPECTED, raw[span.start : span.end],
        None, span.score, BODY, span.start, span.end, span.signal,
    )  # fmt: skip


def _body(kind, rule, raw, start, end, confidence, signal, replacement=None) -> Finding:
    """A body finding over raw[start:end]: restored when there is a replacement, else removed."""
    action = Action.RESTORED if replacement else Action.REMOVED
    return Finding(kind, rule, action, raw[start:end], replacement or None, confidence, BODY, start, end, signal)


def _element_flags(doc, body, titles, page_host: str, lexicon: Lexicon, protect: set):
    flagged: list[tuple[Flag, FindingKind]] = []
    for flag in find_hidden(doc, page_host, lexicon, protect=protect):
        flagged.append((flag, FindingKind.HIDDEN_BLOCK))
    for flag in find_link_farms(doc, page_host, lexicon, protect=protect):
        flagged.append((flag, FindingKind.HIDDEN_BLOCK))
    for flag in find_scripts(doc, page_host, lexicon):
        flagged.append((flag, FindingKind.SCRIPT_LINK))
    for flag in find_frames(doc, page_host, lexicon):
        flagged.append((flag, FindingKind.IFRAME))
    for flag in find_banners(doc, body, titles, lexicon, protect=protect):
        flagged.append((flag, FindingKind.BANNER))
    chosen = {f.element for f, _k in flagged}
    seen = set()
    result = []
    for flag, kind in flagged:
        el = flag.element
        if el in seen or any(a in chosen for a in el.iterancestors()):
            continue
        seen.add(el)
        result.append((flag, kind))
    return result


def _within(element, ancestor) -> bool:
    return element is ancestor or any(a is ancestor for a in element.iterancestors())


def _overlaps(start: int, end: int, ranges) -> bool:
    return any(a < end and start < b for a, b in ranges)


def _whole_lines(text: str, start: int, end: int, claimed=()) -> tuple[int, int]:
    """Widen [start, end) to whole lines plus one newline when it covers whole lines (never into
    a ``claimed`` range)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return start, end
    if line_end < len(text):
        wide = line_start, line_end + 1
    elif line_start > 0:
        wide = line_start - 1, line_end
    else:
        wide = line_start, line_end
    for candidate in (wide, (line_start, line_end)):
        if not _overlaps(*candidate, claimed):
            return candidate
    return start, end


def _absorb_spaces(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a removal over the blanks the renderer would strip or collapse once it is gone,
    so that rendering the cleaned page gives the cleaned text."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if start == line_start or not text[line_start:start].strip(" "):
        while end < line_end and text[end] == " ":
            end += 1
        start = line_start if not text[line_start:start].strip(" ") else start
    if end == line_end or not text[end:line_end].strip(" \t"):
        while start > line_start and text[start - 1] in " \t":
            start -= 1
        end = line_end if not text[end:line_end].strip(" \t") else end
    elif start > line_start and text[start - 1] == " " and text[end] == " ":
        end += 1
    return start, end


def _placeholder_line(text: str, pos: int, claimed) -> tuple[int, int] | None:
    """The line at ``pos`` when it is only the image placeholder 图片 (rendered alt text)."""
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    if text[pos:end].strip() != PLACEHOLDER:
        return None
    span = _whole_lines(text, pos, end, claimed)
    return None if _overlaps(*span, claimed) else span


def _edit(tmap: TextMap, edits, start: int, end: int, replacement: str) -> None:
    first = True
    for owner, (lo, hi) in tmap.owner_spans(start, end).items():
        edits[owner].append((lo, hi, replacement if first else ""))
        first = False


def _apply(edits, drops) -> None:
    for (node, attr), slices in edits.items():
        if attr.startswith("@"):
            value = node.get(attr[1:]) or ""
        else:
            value = getattr(node, attr) or ""
        for lo, hi, replacement in sorted(slices, reverse=True):
            value = value[:lo] + replacement + value[hi:]
        value = _XML_INCOMPATIBLE.sub("", value)  # lxml refuses to store control characters
        if attr.startswith("@"):
            node.set(attr[1:], value)
        else:
            setattr(node, attr, value or None)
    for element in drops:
        if element.getparent() is not None:
            _drop_tree(element)


def _drop_tree(element) -> None:
    """``element.drop_tree()``, which joins the element's tail to the text before it: lxml refuses
    to store the control characters its parser let through, so they go first (as in _apply)."""
    previous = element.getprevious()
    holder, attr = (previous, "tail") if previous is not None else (element.getparent(), "text")
    for node, name in ((holder, attr), (element, "tail")):
        value = getattr(node, name)
        if value and _XML_INCOMPATIBLE.search(value):
            setattr(node, name, _XML_INCOMPATIBLE.sub("", value) or None)
    element.drop_tree()


def _serialize(doc) -> str:
    doctype = doc.getroottree().docinfo.doctype
    out = etree.tostring(doc, encoding="unicode", method="html")
    return f"{doctype}\n{out}" if doctype else out
