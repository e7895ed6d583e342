"""Module-scoped databases for store tests that run many queries on one data set.

``conftest``'s ``db_url`` gives each test a fresh database; tests that only read
(or clean up after themselves) share one per engine per module through these.
"""

from __future__ import annotations

import itertools
import os
import shutil

import pytest
from sqlalchemy import text

_counter = itertools.count()


def module_db_url(request, tmp_path_factory, engine: str) -> str:
    """A fresh migrated database for the requesting module; dropped at its end."""
    if engine == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("moddb") / "mcwidgets.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    admin, base = request.getfixturevalue("pg_template")
    name = f"mcw_m{os.getpid()}_{next(_counter)}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE mcw_template'))

    def drop():
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    request.addfinalizer(drop)
    return f"{base}/{name}"


ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
