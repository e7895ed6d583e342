"""Shared fixtures: a real SQLite file and a real PostgreSQL server per test run.

``db_url`` is parametrised over both engines: a test using it (or ``ctx``) runs
once on SQLite and once on PostgreSQL, each on a fresh, migrated database.
"""

from __future__ import annotations

import itertools
import os
import shutil
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from mcwidgets.domain.actors import Actor, ActorKind
from mcwidgets.services import users
from mcwidgets.services.context import Context
from mcwidgets.store import migrate
from mcwidgets.store.engine import make_engine
from tests.support.pgserver import PgServer

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    if os.environ.get("MCWIDGETS_TEST_PG_URL"):  # an existing server, e.g. a developer's
        yield None
        return
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A migrated database that each test's database is copied from (fast)."""
    admin_url = os.environ.get("MCWIDGETS_TEST_PG_URL") or pg_server.url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("DROP DATABASE IF EXISTS mcw_template"))
        c.execute(text("CREATE DATABASE mcw_template"))
    base = admin_url.rsplit("/", 1)[0]
    engine = make_engine(f"{base}/mcw_template")
    migrate.upgrade(engine)
    engine.dispose()
    yield admin, base
    admin.dispose()


@pytest.fixture
def pg_url(pg_template):
    admin, base = pg_template
    name = f"mcw_t{os.getpid()}_{next(_counter)}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE mcw_template'))
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path):
    path = tmp_path / "mcwidgets.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def clock():
    """A settable clock: tests move time with ``clock.set(...)``."""
    return Clock(NOW)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)


@pytest.fixture
def ctx(db_url, clock):
    """A Context on a fresh database, with an admin 'admin', a user 'alice' and a
    user 'bob' who may not set contacts as marketing."""
    c = Context.open(db_url, clock=clock)
    users.add_user(c, None, "admin", admin=True)
    users.add_user(c, ADMIN, "alice")
    users.add_user(c, ADMIN, "bob", can_edit_marketing=False)
    yield c
    c.dispose()


ADMIN = Actor(ActorKind.USER, "admin")
ALICE = Actor(ActorKind.USER, "alice")
BOB = Actor(ActorKind.USER, "bob")
