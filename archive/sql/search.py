"""Full-text search in SQL: the query AST (``archive.search.query``) compiled for the database,
ranked, and the indexes kept current.

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

import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, bindparam, column, func, literal, literal_column, not_, or_, select, table, text
from sqlalchemy.orm import Session

from archive.search.hits import Hit, fold, make_snippet
from archive.search.query import TERM_FIELDS, And, Node, Not, Or, Query, Term, terms
from archive.sql.filters import filter_conditions
from archive.sql.latest import is_latest
from archive.sql.models import Capture, Page, ReportVersion

FTS_TABLE = "report_search"
SHORT_TABLE = "report_search_short"
TRIGRAM = 3


def fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def short_tokens(value: str | None) -> str:
    """The ``report_search_short`` text of ``value``: one token per character and per pair.

    ``u<hex>`` for each character and ``b<hex>x<hex>`` for each pair of neighbours (after lower
    casing), so a 1- or 2-character term is one token lookup whatever characters it holds.
    """
    folded = fold(value or "")
    codes = [_HEX[c] for c in folded]
    unigrams = [_UNIGRAM[c] for c in folded]
    bigrams = [f"b{a}x{b}" for a, b in zip(codes, codes[1:])]
    return " ".join(unigrams + bigrams)


class _CodeOf(dict):
    """A character's token part, worked out once per character (``short_tokens`` runs over
    every stored version's text: ``format`` per character was half of its time)."""

    def __init__(self, prefix: str):
        super().__init__()
        self.prefix = prefix

    def __missing__(self, char: str) -> str:
        self[char] = code = self.prefix + format(ord(char), "x")
        return code


_HEX = _CodeOf("")
_UNIGRAM = _CodeOf("u")


def _short_token(value: str) -> str:
    folded = fold(value)
    return _UNIGRAM[folded] if len(folded) == 1 else f"b{_HEX[folded[0]]}x{_HEX[folded[1]]}"


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
    positive = terms([query.node], only_positive=True) if query.node is not None else []
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
        stmt = select(v.id, score.label("score")).where(is_latest(v), *conditions)
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
            unit=version.unit, unit_kind=version.unit_kind, township=version.township, report_year=version.report_year,
            published_date=version.published_date, source=version.source, score=score,
            snippet=make_snippet(shown, text_terms or [t.text for t in terms]),
            captured_at=capture.fetched_at, warc_filename=capture.warc_filename,
            warc_offset=capture.warc_offset, warc_record_id=capture.warc_record_id,
        ))
    return hits


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
    if version.version_no == 1:  # a page's first version: nothing to remove (most of a first crawl)
        write_index_rows(session, [(version.id, version.title, version.clean_text)])
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
        select(ReportVersion.id, ReportVersion.title, ReportVersion.clean_text).where(is_latest())
    ).all()
    write_index_rows(session, [tuple(r) for r in rows])
    return len(rows)
