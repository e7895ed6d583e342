"""Issue 12 from the command line: careless commands lose nothing.

Finding 2: demo refuses a database with more than demo data (--replace-all-data, admins,
the database name typed on a terminal). Finding 10: a mistyped SQLite path is created only
by the commands meant to create a database. Finding 11: an empty filter never means
"all contacts" unless --all says so. Finding 8: settings changes are in `actions list`.
"""

from __future__ import annotations

import io
import json

import pytest

from mcwidgets.cli import main
from tests.cli.conftest import NOW


def total(cli) -> int:
    return json.loads(cli("status", "--json")[1])["total"]


def actions(cli) -> list[dict]:
    return json.loads(cli("actions", "list", "--limit", "1000", "--json")[1])


def one_line_error(code, err, *needles):
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for n in needles:
        assert n in err, err


class Terminal(io.StringIO):
    """A standard input that says it is a terminal, with the answer typed in it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def real(cli):
    """Demo data worked on: alice set three contacts as non-marketing."""
    assert cli("demo", "--contacts", "60", "--seed", "4")[0] == 0
    assert cli("set-status", "non-marketing", "--ids", "1-3", "--as", "alice")[0] == 0
    return cli


# --- finding 2: demo ---------------------------------------------------------------------

@pytest.mark.parametrize("who", [("--as", "bob"), ("--as", "mallory"), ("--as", "alice"), ()],
                         ids=["restricted", "unknown", "user", "operator"])
def test_demo_refuses_a_database_with_real_data(real, who):
    before = actions(real)
    code, _, err = real("demo", "--contacts", "10", *who)
    one_line_error(code, err)
    assert total(real) == 60 and actions(real) == before


@pytest.mark.parametrize("who", ["bob", "mallory", "alice"])
def test_replace_all_data_is_refused_to_non_admins(real, who):
    before = actions(real)
    code, _, err = real("demo", "--contacts", "10", "--replace-all-data", "--as", who)
    one_line_error(code, err, who)
    assert total(real) == 60 and actions(real) == before


def test_an_admin_replaces_all_data_explicitly(real):
    code, out, err = real("demo", "--contacts", "10", "--replace-all-data", "--as", "admin")
    assert code == 0, err
    assert "demo database ready: 10 contacts" in out and total(real) == 10
    kinds = [a["kind"] for a in actions(real)]
    assert kinds[0] == "demo" and "set_non_marketing" not in kinds and kinds.count("user_added") == 3


def test_on_a_terminal_the_database_name_is_typed(real, db_url, monkeypatch):
    name = db_url.rsplit("/", 1)[1]
    monkeypatch.setattr("sys.stdin", Terminal("not-the-name\n"))
    code, _, err = real("demo", "--contacts", "10", "--replace-all-data", "--as", "admin")
    one_line_error(code, err, "nothing was changed")
    assert total(real) == 60
    monkeypatch.setattr("sys.stdin", Terminal(""))  # end of input: no confirmation
    assert real("demo", "--contacts", "10", "--replace-all-data", "--as", "admin")[0] == 1
    monkeypatch.setattr("sys.stdin", Terminal(name + "\n"))
    code, out, err = real("demo", "--contacts", "10", "--replace-all-data", "--as", "admin")
    assert code == 0, err
    assert name in out and total(real) == 10


def test_demo_refills_demo_data_without_the_option(cli):
    assert cli("demo", "--contacts", "30")[0] == 0
    assert cli("demo", "--contacts", "20", "--as", "alice")[0] == 0
    assert total(cli) == 20


# --- finding 10: a mistyped SQLite path ----------------------------------------------------

READ_ONLY = [("status",), ("account",), ("users", "list"), ("actions", "list"), ("rollover",),
             ("count",), ("export",), ("set-status", "marketing", "--ids", "1", "--as", "admin"),
             ("defaults", "show"), ("held", "list"), ("lists", "list"), ("users", "allow", "bob")]


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: " ".join(a[:2]))
def test_other_commands_never_create_a_database(tmp_path, capsys, args):
    path = tmp_path / "nonexistent" / "dir" / "x.db"
    code = main(["--db", f"sqlite:///{path}", "--now", NOW, *args])
    err = capsys.readouterr().err
    one_line_error(code, err, f"no database at {path}")
    assert not path.exists() and not path.parent.exists() and not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("args", [("demo", "--contacts", "5"), ("users", "add", "admin"),
                                  ("serve", "--dry-run", "--no-browser", "--demo-contacts", "5")],
                         ids=["demo", "users add", "serve first run"])
def test_commands_meant_to_create_a_database_create_it(tmp_path, capsys, args):
    path = tmp_path / "new" / "x.db"
    assert main(["--db", f"sqlite:///{path}", "--now", NOW, *args]) == 0, capsys.readouterr().err
    assert path.is_file()
    assert main(["--db", f"sqlite:///{path}", "--now", NOW, "status"]) == 0


def test_import_may_create_a_database(tmp_path, capsys):
    csv = tmp_path / "people.csv"
    csv.write_text("Email,First Name\nann@example.com,Ann\n")
    path = tmp_path / "new" / "x.db"
    main(["--db", f"sqlite:///{path}", "--now", NOW, "import", str(csv), "--as", "admin"])
    capsys.readouterr()
    assert path.is_file()  # (the import itself is refused: nobody called admin there yet)


# --- finding 11: an empty filter -----------------------------------------------------------

@pytest.mark.parametrize("flt", ["{}", '{"filterGroups": []}', '{"filterGroups": null}'])
@pytest.mark.parametrize("status", ["non-marketing", "marketing"])
def test_an_empty_filter_does_not_act_on_everyone(real, flt, status):
    before = actions(real)
    for dry in ((), ("--dry-run",)):
        code, _, err = real("set-status", status, "--filter", flt, "--as", "admin", *dry)
        one_line_error(code, err, "--all")
    assert actions(real) == before


def test_lists_add_with_an_empty_filter_is_refused(real):
    assert real("lists", "create", "Everyone", "--as", "alice")[0] == 0
    code, _, err = real("lists", "add", "Everyone", "--filter", "{}", "--as", "alice")
    one_line_error(code, err, "--all")
    code, out, err = real("lists", "add", "Everyone", "--all", "--as", "alice")
    assert code == 0 and "60 contacts added" in out, err


def test_all_acts_on_every_contact_explicitly(real):
    code, out, err = real("set-status", "non-marketing", "--all", "--except", "5", "--as", "admin", "--dry-run",
                          "--json")
    assert code == 0, err
    assert json.loads(out)["selected"] == 59
    code, out, err = real("set-status", "non-marketing", "--all", "--as", "admin", "--json")
    assert code == 0, err
    assert json.loads(out)["matched"] == 60
    assert "all contacts" in actions(real)[0]["description"]
    with pytest.raises(SystemExit) as e:  # --all is one of --ids / --filter / --list
        real("set-status", "non-marketing", "--all", "--ids", "1", "--as", "admin")
    assert e.value.code == 2


# --- finding 8: settings changes in `actions list` ---------------------------------------------

def test_settings_changes_are_listed(cli):
    assert cli("users", "allow", "bob", "--as", "admin")[0] == 0
    assert cli("defaults", "set", "ads", "marketing", "--as", "admin")[0] == 0
    assert cli("account", "--spike-limit", "5", "--as", "admin")[0] == 0
    code, _, err = cli("users", "restrict", "admin", "--as", "admin")
    one_line_error(code, err, "admins always hold")
    code, _, err = cli("users", "allow", "bob", "--as", "alice")
    one_line_error(code, err, "not an admin")
    rows = actions(cli)
    assert [r["kind"] for r in rows[:4]] == ["account_changed", "default_changed", "permission_changed",
                                             "permission_changed"]
    assert rows[0]["details"]["after"] == {"spike_limit": 5} and rows[0]["actor"] == "admin"
    text = cli("actions", "list")[1]
    assert "permission_changed" in text and "bob: 'Edit marketing contacts' off → on" in text
