"""The search query language: text in, a small AST and filters out (pure; see ``archive.search``).

* a bare word is a substring: ``行政复议`` (Chinese has no word boundaries); a ``"quoted phrase"``
  may hold spaces and operator words; terms next to each other must all match (implicit AND);
* ``AND``, ``OR``, ``NOT`` (upper case) and parentheses; NOT binds tightest, then AND, then OR;
* ``title:TERM`` searches the report title instead of the text;
* ``township:T unit:U year:Y from:DATE to:DATE source:S`` are filters on the whole query (top level
  only); ``unit:`` is the reporting unit as filed (向家镇, 仁寿县教育和体育局).

The query is never handed to the database as text: ``archive.sql.search`` compiles the AST.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

OPERATORS = ("AND", "OR", "NOT")
FILTER_FIELDS = ("township", "unit", "year", "from", "to", "source")
TERM_FIELDS = {"title": "title", "text": "clean_text"}
OPEN_QUOTES = {'"': '"', "“": "”", "「": "」"}
OPEN_PARENS, CLOSE_PARENS = "(（", ")）"


class QueryError(ValueError):
    """A malformed query or filter; the message is one line that says what to change."""


# ---------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    field: str = "text"  # a key of TERM_FIELDS


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Term | And | Or | Not


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Filters on report fields; also usable for export (see ``filter_clause``)."""

    township: str | None = None
    year: int | None = None
    date_from: date | None = None  # published_date >= date_from
    date_to: date | None = None  # published_date <= date_to
    source: str | None = None  # substring of the source field
    unit: str | None = None  # the reporting unit as filed (report_versions.unit)

    def merged(self, other: SearchFilters) -> SearchFilters:
        values = {}
        for f in dataclasses.fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if mine is not None and theirs is not None and mine != theirs:
                raise QueryError(f"{f.name} is given twice ({mine} and {theirs}); keep one")
            values[f.name] = mine if mine is not None else theirs
        return SearchFilters(**values)


@dataclass(frozen=True, slots=True)
class Query:
    node: Node | None  # None: filters only
    filters: SearchFilters


# ---------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "term" | "op" | "(" | ")" | "field"
    value: str
    pos: int
    name: str = ""


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    close = OPEN_QUOTES[text[start]]
    end = text.find(close, start + 1)
    if end < 0:
        raise QueryError(f"unterminated phrase starting at column {start + 1}: add the closing {close}")
    return text[start + 1 : end], end + 1


def _tokenize(text: str) -> list[_Token]:
    tokens, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in OPEN_PARENS or ch in CLOSE_PARENS:
            tokens.append(_Token("(" if ch in OPEN_PARENS else ")", ch, i))
            i += 1
        elif ch in OPEN_QUOTES:
            value, end = _read_quoted(text, i)
            tokens.append(_Token("term", value, i))
            i = end
        else:
            j = i
            while j < n and not (text[j].isspace() or text[j] in OPEN_QUOTES or text[j] in OPEN_PARENS + CLOSE_PARENS):
                j += 1
            word = text[i:j]
            name, colon, value = word.partition(":")
            if word in OPERATORS:
                tokens.append(_Token("op", word, i))
            elif colon and name.lower() in (*FILTER_FIELDS, *TERM_FIELDS):
                if not value and j < n and text[j] in OPEN_QUOTES:
                    value, j = _read_quoted(text, j)
                tokens.append(_Token("field", value, i, name.lower()))
            else:
                tokens.append(_Token("term", word, i))
            i = j
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]):
        self.tokens, self.i = tokens, 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node | tuple:
        node = self.or_expr()
        token = self.peek()
        if token is not None:
            raise QueryError(f"unexpected {token.value!r} at column {token.pos + 1}")
        return node

    def or_expr(self):
        items = [self.and_expr()]
        while (t := self.peek()) is not None and t.kind == "op" and t.value == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self):
        items = [self.unary()]
        while (t := self.peek()) is not None and not (t.kind == ")" or (t.kind == "op" and t.value == "OR")):
            if t.kind == "op" and t.value == "AND":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self):
        token = self.peek()
        if token is None:
            raise QueryError("the query ends where a term was expected; remove the trailing operator")
        if token.kind == "op" and token.value == "NOT":
            self.take()
            return Not(self.unary())
        self.take()
        if token.kind == "op":
            raise QueryError(f"{token.value} at column {token.pos + 1} needs a term before it; quote it (\"{token.value}\") to search for the word")
        if token.kind == ")":
            raise QueryError(f"unbalanced ')' at column {token.pos + 1}")
        if token.kind == "(":
            node = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QueryError(f"'(' at column {token.pos + 1} is never closed")
            self.take()
            return node
        if not token.value.strip():
            raise QueryError(f"empty term at column {token.pos + 1}")
        if token.kind == "field" and token.name not in TERM_FIELDS:
            return ("filter", token.name, token.value, token.pos)
        return Term(token.value, token.name if token.kind == "field" else "text")


def parse_query(text: str, *, max_terms: int = 32) -> Query:
    """Parse the query language into a ``Query``; raises ``QueryError`` with a one-line hint."""
    if "\x00" in (text or ""):
        raise QueryError("a query cannot contain NUL characters; remove them")
    tokens = _tokenize(text or "")
    if not tokens:
        raise QueryError("empty query: give a term, a \"phrase\" or a filter such as township:向家镇")
    node = _Parser(tokens).parse()
    conjuncts = list(node.items) if isinstance(node, And) else [node]
    filters, rest = {}, []
    for item in conjuncts:
        if isinstance(item, tuple):
            _, name, value, pos = item
            if name in filters:
                raise QueryError(f"{name}: is given twice; keep one")
            filters[name] = _filter_value(name, value)
        else:
            _no_nested_filter(item)
            rest.append(item)
    if len(terms(rest)) > max_terms:
        raise QueryError(f"too many terms (more than {max_terms}); split the query")
    query_node = None if not rest else rest[0] if len(rest) == 1 else And(tuple(rest))
    return Query(query_node, SearchFilters(
        township=filters.get("township"), unit=filters.get("unit"), year=filters.get("year"), date_from=filters.get("from"),
        date_to=filters.get("to"), source=filters.get("source"),
    ))


def _no_nested_filter(node) -> None:
    if isinstance(node, tuple):
        raise QueryError(f"{node[1]}: at column {node[3] + 1} filters the whole query; move it out of OR, NOT and parentheses")
    for child in node.items if isinstance(node, (And, Or)) else (node.item,) if isinstance(node, Not) else ():
        _no_nested_filter(child)


def _filter_value(name: str, value: str):
    if name == "year":
        if not re.fullmatch(r"(19|20)\d\d", value):
            raise QueryError(f"year:{value} is not a year such as 2018")
        return int(value)
    if name in ("from", "to"):
        return parse_day(value, name)
    return value


def parse_day(value: str, name: str = "date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{name}: {value!r} is not a date like 2018-01-31") from None


def terms(nodes: Iterable[Node], positive: bool = True, only_positive: bool = False) -> list[Term]:
    found: list[Term] = []
    for node in nodes:
        if isinstance(node, Term):
            if positive or not only_positive:
                found.append(node)
        elif isinstance(node, Not):
            found += terms([node.item], not positive, only_positive)
        else:
            found += terms(node.items, positive, only_positive)
    return found
