"""Schema: migrations apply on first use, match the models, and go down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from archive.db import DatabaseError, downgrade, include_name, make_engine
from archive.models import Base

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
