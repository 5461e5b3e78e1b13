"""Shared fixtures: the replica site on a real loopback server, and database URLs."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
PG_ADMIN_URL = os.environ.get("GONGKAI_TEST_PG_ADMIN", "postgresql://root@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent


def service_missing(what: str, error: Exception) -> None:
    """Fail in CI (the services are part of the machine there), skip with a reason elsewhere."""
    message = f"{what} is not reachable ({error.__class__.__name__}: {error})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(f"{message}; start it to run this test")


@pytest.fixture(scope="session")
def replica_dir(tmp_path_factory) -> Path:
    from replica.generate import build_site

    out = tmp_path_factory.mktemp("replica")
    build_site(out, scale=1)
    return out


@pytest.fixture(scope="session")
def replica_server(replica_dir):
    from replica.server import ReplicaServer

    with ReplicaServer(replica_dir) as server:
        yield server


@contextmanager
def fresh_pg_database():
    """A new, empty PostgreSQL database (its SQLAlchemy URL), dropped on exit."""
    psycopg = pytest.importorskip("psycopg")
    name = f"gongkai_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        service_missing(f"PostgreSQL at {PG_ADMIN_URL}", exc)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gongkai.sqlite'}"
    return request.getfixturevalue("pg_url")
