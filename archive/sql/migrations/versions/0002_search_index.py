"""search index: FTS5 trigram table on SQLite, pg_trgm GIN indexes on PostgreSQL

SQLite: ``report_search`` is an external-content FTS5 trigram table over ``report_versions``
(rowid = version id) and ``report_search_short`` a contentless FTS5 table of character and
character-pair tokens (see ``archive.sql.search``); both hold only the latest version of each page.
PostgreSQL: trigram GIN indexes on ``clean_text`` and ``title`` (the extension is left installed
on downgrade: other databases objects may use it).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:40:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FTS = "report_search"
SHORT = "report_search_short"
BATCH = 500
LATEST = (
    "SELECT v.id, v.title, v.clean_text FROM report_versions v WHERE NOT EXISTS "
    "(SELECT 1 FROM report_versions n WHERE n.page_id = v.page_id AND n.version_no > v.version_no)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, clean_text, "
            "content='report_versions', content_rowid='id', tokenize='trigram')"
        )
        op.execute(f"CREATE VIRTUAL TABLE {SHORT} USING fts5(title, clean_text, content='', tokenize='unicode61')")
        # the index rows are computed in Python (archive.sql.search.short_tokens); the
        # function is imported here, at upgrade time, so the backfill matches what the code writes
        from archive.sql.search import write_index_rows

        bind = op.get_bind()
        result = bind.exec_driver_sql(LATEST)
        while rows := result.fetchmany(BATCH):
            write_index_rows(bind, [tuple(r) for r in rows])
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_report_versions_clean_text_trgm ON report_versions "
            "USING gin (clean_text gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_report_versions_title_trgm ON report_versions USING gin (title gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {SHORT}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    else:
        op.execute("DROP INDEX IF EXISTS ix_report_versions_title_trgm")
        op.execute("DROP INDEX IF EXISTS ix_report_versions_clean_text_trgm")
