"""Full-text search over the clean text of the latest version of every report page.

Query language (parsed here into a small AST, never handed to the database as text):

* a bare word is a substring: ``行政复议`` (Chinese has no word boundaries); a ``"quoted phrase"``
  may hold spaces and operator words; terms next to each other must all match (implicit AND);
* ``AND``, ``OR``, ``NOT`` (upper case) and parentheses; NOT binds tightest, then AND, then OR;
* ``title:TERM`` searches the report title instead of the text;
* ``township:T year:Y from:DATE to:DATE source:S`` are filters on the whole query (top level only).

Indexes (migration 0002), SQLite: two FTS5 tables over the latest version of each page only
(``index_version`` swaps a page's rows in the caller's transaction, so older versions are not
searchable; ``gongkai show`` lists them). ``report_search`` is external-content over
``report_versions(title, clean_text)`` with the trigram tokenizer and serves terms of 3+
characters, each quoted, ranked by bm25. ``report_search_short`` is contentless and holds one
ASCII token per character and per pair of neighbouring characters (``short_tokens``), so a 1- or
2-character term is one token lookup, also ranked by bm25. A query mixing both lengths runs on the
index that serves most of it; its other terms become ``rowid IN (MATCH ...)`` conditions.
PostgreSQL: pg_trgm GIN indexes on ``clean_text`` and ``title`` serve an escaped ``ILIKE`` per
term; hits are ranked by occurrence count.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, bindparam, column, exists, func, literal, literal_column, not_, or_, select, table, text, true
from sqlalchemy.orm import Session, aliased

from archive.sql.models import Capture, Page, ReportVersion

FTS_TABLE = "report_search"
SHORT_TABLE = "report_search_short"
TRIGRAM = 3
OPERATORS = ("AND", "OR", "NOT")
FILTER_FIELDS = ("township", "year", "from", "to", "source")
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
    if len(_terms(rest)) > max_terms:
        raise QueryError(f"too many terms (more than {max_terms}); split the query")
    query_node = None if not rest else rest[0] if len(rest) == 1 else And(tuple(rest))
    return Query(query_node, SearchFilters(
        township=filters.get("township"), year=filters.get("year"), date_from=filters.get("from"),
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


def _terms(nodes: Iterable[Node], positive: bool = True, only_positive: bool = False) -> list[Term]:
    found: list[Term] = []
    for node in nodes:
        if isinstance(node, Term):
            if positive or not only_positive:
                found.append(node)
        elif isinstance(node, Not):
            found += _terms([node.item], not positive, only_positive)
        else:
            found += _terms(node.items, positive, only_positive)
    return found


# ---------------------------------------------------------------------- compiling


def fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def short_tokens(value: str | None) -> str:
    """The ``report_search_short`` text of ``value``: one token per character and per pair.

    ``u<hex>`` for each character and ``b<hex>x<hex>`` for each pair of neighbours (after lower
    casing), so a 1- or 2-character term is one token lookup whatever characters it holds.
    """
    folded = _fold(value or "")
    codes = [format(ord(c), "x") for c in folded]
    unigrams = ["u" + c for c in codes]
    bigrams = [f"b{a}x{b}" for a, b in zip(codes, codes[1:])]
    return " ".join(unigrams + bigrams)


def _fold(value: str) -> str:
    lowered = value.lower()
    return lowered if len(lowered) == len(value) else "".join(c if len(c.lower()) != 1 else c.lower() for c in value)


def _short_token(value: str) -> str:
    codes = [format(ord(c), "x") for c in _fold(value)]
    return "u" + codes[0] if len(codes) == 1 else f"b{codes[0]}x{codes[1]}"


def term_index(term: Term) -> str:
    return FTS_TABLE if len(term.text) >= TRIGRAM else SHORT_TABLE


def fts_expression(node: Node, index: str) -> str | None:
    """FTS5 MATCH text of ``node`` on ``index``, or None when that index cannot serve all of it."""
    if isinstance(node, Term):
        if term_index(node) != index:
            return None
        column_name = TERM_FIELDS[node.field]
        token = fts_phrase(node.text) if index == FTS_TABLE else fts_phrase(_short_token(node.text))
        return f"{column_name} : {token}"
    if isinstance(node, Or):
        parts = [None if isinstance(i, Not) else fts_expression(i, index) for i in node.items]
        return None if None in parts else "(" + " OR ".join(parts) + ")"
    if isinstance(node, And):
        positive = [fts_expression(i, index) for i in node.items if not isinstance(i, Not)]
        negative = [fts_expression(i.item, index) for i in node.items if isinstance(i, Not)]
        if not positive or None in positive or None in negative:
            return None
        expr = "(" + " AND ".join(positive) + ")"
        for part in negative:
            expr = f"({expr} NOT {part})"
        return expr
    return None


def filter_conditions(filters: SearchFilters, version=ReportVersion) -> list[ColumnElement[bool]]:
    """SQL conditions on ``report_versions`` for ``filters``; every value a bound parameter."""
    conditions = []
    if filters.township is not None:
        conditions.append(version.township == filters.township)
    if filters.year is not None:
        conditions.append(version.report_year == filters.year)
    if filters.date_from is not None:
        conditions.append(version.published_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(version.published_date <= filters.date_to)
    if filters.source is not None:
        conditions.append(version.source.contains(filters.source, autoescape=True))
    return conditions


def filter_clause(filters: SearchFilters, version=ReportVersion) -> ColumnElement[bool]:
    """All of ``filter_conditions`` as one condition (``true`` without filters), e.g. for export."""
    return and_(true(), *filter_conditions(filters, version))


def latest_clause(version=ReportVersion) -> ColumnElement[bool]:
    """True for the newest version of its page."""
    newer = aliased(ReportVersion)
    return ~exists().where(newer.page_id == version.page_id, newer.version_no > version.version_no)


def _sql(node: Node, dialect: str, version, rowid=None) -> ColumnElement[bool]:
    """SQL condition for ``node``; on SQLite each term is ``rowid IN (MATCH on its index)``,
    elsewhere (and for ``dialect="scan"``: a few candidate rows) an escaped LIKE."""
    if isinstance(node, Term):
        if dialect == "sqlite":
            index = term_index(node)
            # "rowid + 0": a probe of the materialised set, not one MATCH run per listed rowid
            target = version.id if rowid is None else rowid + 0
            return target.in_(_fts_rowids(index, fts_expression(node, index)))
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", node.text) + "%"
        target = func.coalesce(getattr(version, TERM_FIELDS[node.field]), "")
        return target.like(pattern, escape="\\") if dialect == "scan" else target.ilike(pattern, escape="\\")
    if isinstance(node, Not):
        return not_(_sql(node.item, dialect, version, rowid))
    parts = [_sql(i, dialect, version, rowid) for i in node.items]
    return and_(*parts) if isinstance(node, And) else or_(*parts)


def _fts_rowids(index: str, match: str):
    fts = table(index, column("rowid"))
    # never correlated: the outer query may read the same index
    return select(fts.c.rowid).where(literal_column(index).op("MATCH")(bindparam(None, match))).correlate(None)


def _occurrences(version, terms: Sequence[Term]):
    score = literal(0)
    for term in terms:
        col = func.lower(func.coalesce(getattr(version, TERM_FIELDS[term.field]), ""))
        needle = bindparam(None, term.text.lower())
        score = score + (func.length(col) - func.length(func.replace(col, needle, ""))) / func.length(needle)
    return score


def _split_for_fts(node: Node) -> tuple[str | None, str, list[Node]]:
    """(MATCH text, index, residual conjuncts): the index that serves most top-level conjuncts."""
    conjuncts = list(node.items) if isinstance(node, And) else [node]
    best: tuple[str | None, str, list[Node]] = (None, FTS_TABLE, conjuncts)
    for index in (FTS_TABLE, SHORT_TABLE):
        positive, rest = [], []
        for item in conjuncts:
            expr = None if isinstance(item, Not) else fts_expression(item, index)
            (positive.append(expr) if expr is not None else rest.append(item))
        if not positive:
            continue
        match, residual = "(" + " AND ".join(positive) + ")", []
        for item in rest:
            inner = fts_expression(item.item, index) if isinstance(item, Not) else None
            if inner is not None:
                match = f"({match} NOT {inner})"
            else:
                residual.append(item)
        if best[0] is None or len(residual) < len(best[2]):
            best = (match, index, residual)
    return best


# ---------------------------------------------------------------------- searching


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    spans: tuple[tuple[int, int], ...]  # highlighted [start, end) in text


@dataclass(frozen=True, slots=True)
class Hit:
    version_id: int
    url: str
    version_no: int
    title: str | None
    township: str | None
    report_year: int | None
    published_date: date | None
    source: str | None
    score: float
    snippet: Snippet
    captured_at: datetime | None
    warc_filename: str | None
    warc_offset: int | None
    warc_record_id: str | None


def search(
    session: Session, query: Query, *, limit: int = 20, max_ranked: int = 5_000,
    max_listed: int = 2_000, max_scanned: int = 200,
) -> list[Hit]:
    """Hits for ``query`` over the latest report versions, best first.

    SQLite: bm25 of the FTS5 index that serves most of the query, computed inside FTS5; filters and
    the query's other terms restrict the rowids; filters that leave at most ``max_scanned`` reports
    are served by reading those texts (LIKE, ranked by occurrences). When more than ``max(max_ranked, limit)``
    reports match, that many of the most recently indexed are ranked (bm25 costs a lookup per
    row); a ``limit`` at least the number of matches therefore returns every match.
    PostgreSQL, and queries no index can drive (only NOT): occurrence count.
    """
    dialect = session.get_bind().dialect.name
    v = ReportVersion
    conditions = filter_conditions(query.filters)
    match, index, rest = (None, FTS_TABLE, [query.node] if query.node is not None else [])
    if query.node is not None and dialect == "sqlite":
        match, index, rest = _split_for_fts(query.node)
    positive = _terms([query.node], only_positive=True) if query.node is not None else []
    if match is not None:
        fts = table(index, column("rowid"))
        where = [literal_column(index).op("MATCH")(bindparam("match", match))]
        where += [_sql(node, dialect, v, fts.c.rowid) for node in rest]
        if conditions:
            # the matches stream out of FTS5 and are probed against the (materialised) candidates;
            # "rowid + 0" keeps SQLite from re-running the MATCH once per candidate rowid
            ids = session.execute(select(v.id).where(*conditions).limit(max_listed + 1)).scalars().all()
            if not ids:
                return []
            if len(ids) <= max_scanned:  # a township and a year: reading their texts beats any index
                match, rest, conditions = None, [], [v.id.in_(ids), _sql(query.node, "scan", v)]
            else:
                candidates = ids if len(ids) <= max_listed else select(v.id).where(*conditions)
                where.append((fts.c.rowid + 0).in_(candidates))
    if match is not None:
        cutoff = session.execute(
            select(fts.c.rowid).where(*where).order_by(fts.c.rowid.desc()).offset(max(max_ranked, limit)).limit(1)
        ).scalar()
        if cutoff is not None:
            where.append(fts.c.rowid > cutoff)
        score = func.bm25(literal_column(index))
        stmt = select(fts.c.rowid, (-score).label("score")).where(*where).order_by(score, fts.c.rowid.desc())
    else:
        conditions += [_sql(node, dialect, v) for node in rest]
        score = _occurrences(v, positive)
        stmt = select(v.id, score.label("score")).where(latest_clause(v), *conditions)
        stmt = stmt.order_by(score.desc(), v.report_year.desc(), v.id.desc())
    ranked = session.execute(stmt.limit(limit)).all()
    return _hits(session, [(row[0], float(row[1] or 0)) for row in ranked], positive)


def _hits(session: Session, ranked: list[tuple[int, float]], terms: Sequence[Term]) -> list[Hit]:
    if not ranked:
        return []
    rows = session.execute(
        select(ReportVersion, Page.url, Capture)
        .join(Page, Page.id == ReportVersion.page_id)
        .join(Capture, Capture.id == ReportVersion.capture_id)
        .where(ReportVersion.id.in_([version_id for version_id, _ in ranked]))
    ).all()
    by_id = {row[0].id: row for row in rows}
    text_terms = [t.text for t in terms if t.field == "text"]
    hits = []
    for version_id, score in ranked:
        version, url, capture = by_id[version_id]
        shown = version.clean_text if text_terms or not terms else version.title or ""
        hits.append(Hit(
            version_id=version.id, url=url, version_no=version.version_no, title=version.title,
            township=version.township, report_year=version.report_year,
            published_date=version.published_date, source=version.source, score=score,
            snippet=make_snippet(shown, text_terms or [t.text for t in terms]),
            captured_at=capture.fetched_at, warc_filename=capture.warc_filename,
            warc_offset=capture.warc_offset, warc_record_id=capture.warc_record_id,
        ))
    return hits


def make_snippet(value: str, terms: Sequence[str], *, width: int = 80, before: int = 20) -> Snippet:
    """A window of ``value`` around the first hit, with every term occurrence marked."""
    flat = " ".join(value.split())
    folded = _fold(flat)
    needles = [_fold(t) for t in terms if t]
    firsts = [p for p in (folded.find(n) for n in needles) if p >= 0]
    start = max(0, min(firsts) - before) if firsts else 0
    end = min(len(flat), start + width)
    spans = []
    for needle in needles:
        pos = folded.find(needle, start)
        while 0 <= pos < end:
            spans.append((pos - start, min(pos + len(needle), end) - start))
            pos = folded.find(needle, pos + len(needle))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix)
    return Snippet(prefix + flat[start:end] + suffix, tuple(sorted((a + shift, b + shift) for a, b in spans)))


# ---------------------------------------------------------------------- index maintenance

IndexRow = tuple[int, str | None, str | None]  # (version id, title, clean text)


def write_index_rows(connection, rows: Sequence[IndexRow], *, delete: bool = False) -> None:
    """Add (or, with ``delete``, remove exactly these) rows to both SQLite indexes."""
    if not rows:
        return
    command, target = ("'delete', ", "{t}, rowid") if delete else ("", "rowid")
    for index, prepare in ((FTS_TABLE, lambda s: s or ""), (SHORT_TABLE, short_tokens)):
        connection.execute(
            text(f"INSERT INTO {index}({target.format(t=index)}, title, clean_text) VALUES ({command}:id, :title, :body)"),
            [{"id": i, "title": prepare(t), "body": prepare(b)} for i, t, b in rows],
        )


def index_version(session: Session, version: ReportVersion) -> None:
    """Make ``version`` (just flushed, the newest of its page) the searchable one of its page.

    SQLite: removes the page's previous version from both indexes and adds this one, in the
    session's transaction. PostgreSQL: nothing to do (the trigram indexes follow the table).
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    previous = session.execute(
        select(ReportVersion.id, ReportVersion.title, ReportVersion.clean_text)
        .where(ReportVersion.page_id == version.page_id, ReportVersion.version_no < version.version_no)
        .order_by(ReportVersion.version_no.desc())
        .limit(1)
    ).first()
    if previous is not None:
        write_index_rows(session, [tuple(previous)], delete=True)
    write_index_rows(session, [(version.id, version.title, version.clean_text)])


def index_new_pages(session: Session, rows: Sequence[IndexRow]) -> None:
    """Bulk path for first versions only (nothing to remove): the benchmark and imports."""
    if session.get_bind().dialect.name == "sqlite":
        write_index_rows(session, rows)


def rebuild_index(session: Session) -> int:
    """Re-create the SQLite indexes from the latest versions (after editing rows by hand)."""
    if session.get_bind().dialect.name != "sqlite":
        return 0
    for index in (FTS_TABLE, SHORT_TABLE):
        session.execute(text(f"INSERT INTO {index}({index}) VALUES ('delete-all')"))
    rows = session.execute(
        select(ReportVersion.id, ReportVersion.title, ReportVersion.clean_text).where(latest_clause())
    ).all()
    write_index_rows(session, [tuple(r) for r in rows])
    return len(rows)
