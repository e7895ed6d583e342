"""The command line, in-process, on SQLite and PostgreSQL: outputs, errors, exit codes."""

import json

import pytest

from mcwidgets.cli import main

NOW = "2026-11-26T12:00:00+00:00"


def test_status_json_keys_and_values(cli):
    code, out, _ = cli("status", "--json")
    data = json.loads(out)
    assert code == 0
    assert {k: data[k] for k in ("marketing", "non_marketing", "pending", "total", "tier", "edition",
                                 "next_update_date", "projected_marketing")} == {
        "marketing": 0, "non_marketing": 0, "pending": 0, "total": 0, "tier": 2000,
        "edition": "professional", "next_update_date": "2026-12-26", "projected_marketing": 0}


def test_account_changes_and_next_update_date(cli):
    code, out, err = cli("account", "--billing", "monthly", "--start", "2026-01-31", "--edition", "starter",
                         "--timezone", "Europe/Amsterdam", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["next_update_date"] == "2026-11-30" and data["edition"] == "starter"
    code, out, _ = cli("account", "--billing", "annual", "--json")
    assert json.loads(out)["next_update_date"] == "2026-12-01"


def test_demo_then_set_status_then_rollover(cli):
    code, out, err = cli("demo", "--contacts", "300", "--seed", "7")
    assert code == 0, err
    assert "300 contacts" in out
    before = json.loads(cli("status", "--json")[1])
    assert before["total"] == 300
    code, out, err = cli("set-status", "non-marketing", "--ids", "1-300", "--as", "alice", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["changed"] == before["marketing"] - before["pending"]
    after = json.loads(cli("status", "--json")[1])
    assert after["pending"] == before["marketing"] and after["marketing"] == before["marketing"]
    assert after["projected_marketing"] == 0
    code, out, _ = cli("rollover", now="2026-12-26T00:00:01+00:00")
    assert code == 0 and f"{after['pending']:,} contacts became non-marketing" in out
    final = json.loads(cli("status", "--json", now="2026-12-26T00:00:01+00:00")[1])
    assert final["marketing"] == 0 and final["non_marketing"] == 300


def test_restricted_user_cannot_set_marketing(cli):
    assert cli("users", "restrict", "bob", "--as", "admin")[0] == 0
    cli("demo", "--contacts", "20")
    code, out, err = cli("set-status", "marketing", "--ids", "1,2,3", "--as", "bob")
    assert code == 1 and "bob does not have the 'Edit marketing contacts' permission" in err
    assert "Traceback" not in err
    code, out, err = cli("users", "list", "--json")
    assert {u["name"]: u["can_edit_marketing"] for u in json.loads(out)}["bob"] is False


def test_non_admin_cannot_change_the_account(cli):
    code, _, err = cli("account", "--tier", "7000", "--as", "alice")
    assert code == 1 and "only admins may change the account settings" in err


@pytest.mark.parametrize("args, message", [
    (["set-status", "marketing", "--ids", "1,x", "--as", "admin"], "contact id 'x' is not a whole number"),
    (["set-status", "marketing", "--ids", "1", "--as", "nobody"], "unknown user 'nobody'"),
    (["set-status", "marketing", "--ids", "1"], "no acting user"),
    (["account", "--start", "2026-02-30"], "bad billing start '2026-02-30'"),
    (["account", "--timezone", "Nowhere/Land"], "unknown time zone 'Nowhere/Land'"),
    (["account", "--tier", "5000"], "5,000 is not a professional tier"),
    (["users", "restrict", "ghost"], "unknown user 'ghost'"),
])
def test_bad_input_gives_one_line_error(cli, args, message):
    code, out, err = cli(*args)
    assert code == 1
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_now_and_bad_url(capsys, tmp_path):
    assert main(["--db", f"sqlite:///{tmp_path}/x.db", "--now", "tomorrow", "status"]) == 1
    assert "bad date/time 'tomorrow'" in capsys.readouterr().err
    assert main(["--db", "nosuchdb://x", "status"]) == 1
    assert "unsupported database URL" in capsys.readouterr().err


def test_argparse_rejects_unknown_status(capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["--db", f"sqlite:///{tmp_path}/x.db", "set-status", "maybe", "--ids", "1"])
    assert e.value.code == 2


def test_python_m_entry_point(tmp_path):
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path}/m.db"
    subprocess.run([sys.executable, "-m", "mcwidgets", "--db", db, "users", "add", "admin"], check=True,
                   capture_output=True)
    out = subprocess.run([sys.executable, "-m", "mcwidgets", "--db", db, "status", "--json"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["total"] == 0
