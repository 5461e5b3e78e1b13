"""Full-text search over the clean text of the latest version of every report page.

The query language is parsed here, with no database in sight (``query``: the AST, filters and
their one-line errors), and hits carry a snippet of their text (``hits``). The SQL that runs a
query and keeps the indexes current is ``archive.sql.search``: ``search(session, query)``.
"""

from archive.search.hits import Hit, Snippet, make_snippet
from archive.search.query import Query, QueryError, SearchFilters, parse_day, parse_query

__all__ = ["Hit", "Query", "QueryError", "SearchFilters", "Snippet", "make_snippet", "parse_day", "parse_query"]
