"""How the realistic set's sites are hacked: the private-use markers that keep every injected
span's place while a page is rendered (``_Marks``, ``unmark``), and the hacks themselves, each an
edit of a page's strings (``hack_word``, ``hack_insert``, ``hack_fields``, ``hack_banner``,
``hack_hidden``). ``sites`` decides which hack goes where."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .templates import PageContent
from .vocab import Phrase

START, END = "\ue000", "\ue001"
ID_BASE = 0xE100
_MARKS = re.compile("[\ue000-\uf8ff]")


@dataclass
class _Spec:
    kind: str
    phrases: tuple[Phrase, ...]
    original: str | None


class _Marks:
    def __init__(self) -> None:
        self.specs: list[_Spec] = []

    def wrap(self, text: str, kind: str, phrase, original: str | None) -> str:
        phrases = () if phrase is None else (phrase,) if isinstance(phrase, Phrase) else tuple(phrase)
        self.specs.append(_Spec(kind, phrases, original))
        return START + chr(ID_BASE + len(self.specs) - 1) + text + END


def _inside_mark(text: str, cut: int) -> bool:
    head = text[:cut]
    return head.count(START) > head.count(END) or (cut > 0 and text[cut - 1] == START)


def unmark(text: str) -> tuple[str, dict[int, tuple[int, int]]]:
    """``text`` without markers, and the span of each marked id in it."""
    out: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    open_ids: list[tuple[int, int]] = []
    pos = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == START:
            open_ids.append((ord(text[i + 1]) - ID_BASE, pos))
            i += 2
            continue
        if ch == END:
            ident, start = open_ids.pop()
            spans[ident] = (start, pos)
            i += 1
            continue
        out.append(ch)
        pos += 1
        i += 1
    return "".join(out), spans


def _map_strings(content: PageContent, fn, *, body=True, fields=True, footer=True) -> None:
    """Apply ``fn(text, where)`` to every string of ``content`` that a site-wide hack reaches."""
    if fields:
        content.title = fn(content.title, "title")
        content.metas = {k: (fn(v, "meta") if k != "PubDate" else v) for k, v in content.metas.items()}
        content.visible_title = fn(content.visible_title, "visible_title")
        content.source = fn(content.source, "source")
    if body:
        new_lines = []
        for line in content.lines:
            if isinstance(line, str):
                new_lines.append(fn(line, "body"))
            else:
                new_lines.append(tuple(tuple(fn(c, "body") for c in row) for row in line))
        content.lines = new_lines
    if footer:
        content.footer_owner = fn(content.footer_owner, "page")
        content.prev_name = fn(content.prev_name, "page")
        content.next_name = fn(content.next_name, "page")


def hack_word(content: PageContent, marks: _Marks, word: str, phrase: Phrase) -> None:
    """Replace every ``word`` by ``phrase`` (a site-wide word replacement)."""

    def fn(text: str, where: str) -> str:
        if word not in text:
            return text
        out, pos = [], 0
        for m in re.finditer(re.escape(word), text):
            before = text[: m.start()]
            quoted = before.count("《") > before.count("》")
            kind = {"body": "quoted_title" if quoted else "replaced_word", "page": "footer"}.get(where, where)
            out.append(text[pos : m.start()])
            out.append(marks.wrap(phrase.text, kind, phrase, word))
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    _map_strings(content, fn)


def hack_insert(content: PageContent, marks: _Marks, phrases: list[Phrase], rng: random.Random) -> None:
    """Insert each phrase into a sentence, after a comma or inside a clause."""
    candidates = [i for i, line in enumerate(content.lines) if isinstance(line, str) and len(line) > 20]
    for phrase in phrases:
        i = rng.choice(candidates)
        line = content.lines[i]
        commas = [m.end() for m in re.finditer("[，、]", line)]
        cut = rng.choice(commas) if commas and rng.random() < 0.6 else rng.randrange(4, len(line) - 4)
        while _inside_mark(line, cut):
            cut += 1  # never split another injection
        content.lines[i] = line[:cut] + marks.wrap(phrase.text, "inserted_phrase", phrase, None) + line[cut:]


def hack_fields(content: PageContent, marks: _Marks, phrases: list[Phrase], rng: random.Random) -> None:
    """Hijack the title, meta tags, visible title and 来源 with the given phrases (one each)."""
    slots = ["title", "meta", "meta", "source", "visible_title"]
    rng.shuffle(slots)
    for phrase, slot in zip(phrases, slots, strict=False):
        sep = rng.choice(("-", "_", "|", " ", "—", "，"))
        if slot == "title":
            if rng.random() < 0.5:
                content.title = marks.wrap(phrase.text + sep, "title", phrase, None) + content.title
            else:
                content.title = content.title + marks.wrap(sep + phrase.text, "title", phrase, None)
        elif slot == "meta":
            names = [k for k in content.metas if k != "PubDate"]
            name = rng.choice(names)
            joint = "," if name == "keywords" else rng.choice(("：", "，", " "))
            content.metas[name] = marks.wrap(phrase.text + joint, "meta", phrase, None) + content.metas[name]
        elif slot == "source":
            if content.source:
                content.source = marks.wrap(phrase.text, "source", phrase, content.source)
            else:
                content.source = marks.wrap(phrase.text, "source", phrase, None)
        else:
            content.visible_title = marks.wrap(phrase.text + sep, "visible_title", phrase, None) + content.visible_title


def hack_banner(content: PageContent, marks: _Marks, phrases: list[Phrase], rng: random.Random) -> None:
    """A line of phrases above the title (or at the top of the body) and an image placeholder."""
    sep = rng.choice(("|", " ", ",", "，", "、"))
    line = marks.wrap(sep.join(p.text for p in phrases), "banner", phrases, None)
    placeholder = rng.random() < 0.5
    if rng.random() < 0.6:
        content.before_title.append(line)
        if placeholder:
            content.before_title.append(marks.wrap("图片", "banner", None, None))
    else:
        content.body_top.append(line)
        if placeholder:
            content.body_top.append(marks.wrap("图片", "banner", None, None))


def hack_hidden(content: PageContent, marks: _Marks, phrases: list[Phrase], rng: random.Random) -> None:
    """A hidden block of betting links inside or after the body."""
    style = rng.choice(("display:none", "visibility:hidden", "position:absolute;left:-9999px", "font-size:0"))
    links = "".join(
        f'<a href="http://www.{rng.choice(("bet", "hg", "ky", "vip"))}{rng.randint(100, 9999)}.com/">{p.text}</a>'
        for p in phrases
    )
    block = f'<div style="{style}">' + marks.wrap(links, "hidden_block", phrases, None) + "</div>"
    if rng.random() < 0.5:
        content.in_body_html += block
    else:
        content.after_body_html += block


