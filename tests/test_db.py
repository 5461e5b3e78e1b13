"""Schema: migrations apply on first use, match the models, and go down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from archive.sql.engine import DatabaseError, downgrade, include_name, make_engine
from archive.sql.models import Base

import pytest


def test_upgrade_head_leaves_no_pending_autogenerate_difference(db_url):
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_up_again(db_url):
    engine = make_engine(db_url)
    downgrade(engine, "base")
    assert not inspect(engine).has_table("report_versions")
    engine.dispose()
    engine = make_engine(db_url)
    assert inspect(engine).has_table("report_versions")
    engine.dispose()


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x/y"])
def test_bad_database_url_is_one_clear_error(url):
    with pytest.raises(DatabaseError) as info:
        make_engine(url)
    assert "\n" not in str(info.value)


def test_unreachable_postgresql_is_one_clear_error():
    with pytest.raises(DatabaseError) as info:
        make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    assert "cannot open database" in str(info.value)


@pytest.mark.postgres
def test_a_dropped_pooled_connection_is_replaced_after_idling(pg_url, monkeypatch):
    """Pooled connections are pinged when they come back from idling, not at every checkout."""
    import psycopg
    from sqlalchemy import text

    import archive.sql.engine

    engine = make_engine(pg_url)
    pid = text("SELECT pg_backend_pid()")
    try:
        with engine.connect() as conn:
            first = conn.execute(pid).scalar_one()
        with engine.connect() as conn:  # straight back: the same connection
            assert conn.execute(pid).scalar_one() == first
        admin_url = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(admin_url, autocommit=True) as admin:  # the server drops it
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        monkeypatch.setattr(archive.sql.engine, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as conn:  # pinged, found dead, replaced: no error reaches us
            second = conn.execute(pid).scalar_one()
        assert second != first
    finally:
        engine.dispose()
