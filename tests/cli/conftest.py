"""The CLI run in-process on a fresh database (SQLite and PostgreSQL, via ``db_url``)."""

import pytest

from mcwidgets.cli import main

NOW = "2026-11-26T12:00:00+00:00"


@pytest.fixture
def run(db_url, capsys):
    """``run(*args)`` -> (exit code, stdout, stderr) of ``mcwidgets --db URL --now NOW args``."""

    def call(*args, now=NOW):
        code = main(["--db", db_url, "--now", now, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def cli(run):
    """``run`` on a database with users admin, alice and bob (bob may not set marketing)."""
    for args in (("users", "add", "admin"), ("users", "add", "alice", "--as", "admin"),
                 ("users", "add", "bob", "--as", "admin"), ("users", "restrict", "bob", "--as", "admin")):
        assert run(*args)[0] == 0
    return run
