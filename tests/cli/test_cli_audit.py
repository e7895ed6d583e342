"""CLI: --dry-run forecast, history, actions list, undo, defaults."""

import json

import pytest




@pytest.fixture
def cli(cli):
    assert cli("demo", "--contacts", "200", "--seed", "3")[0] == 0
    return cli


def test_dry_run_changes_nothing_and_predicts_the_real_run(cli):
    before = json.loads(cli("status", "--json")[1])
    code, out, err = cli("set-status", "non-marketing", "--ids", "1-200", "--as", "alice", "--dry-run", "--json")
    assert code == 0, err
    fc = json.loads(out)
    assert json.loads(cli("status", "--json")[1]) == before
    assert fc["after"]["pending"] == before["marketing"] and fc["saving_at_update"] == fc["changes"]
    result = json.loads(cli("set-status", "non-marketing", "--ids", "1-200", "--as", "alice", "--json")[1])
    assert result["changed"] == fc["changes"]


def test_history_actions_and_undo(cli):
    code, out, _ = cli("set-status", "non-marketing", "--ids", "1-50", "--as", "alice", "--json")
    action = json.loads(out)["action_id"]
    target = next(r for r in json.loads(cli("actions", "list", "--json")[1]) if r["id"] == action)
    assert target["actor"] == "alice" and target["kind"] == "set_non_marketing"
    changed = target["changed"]
    code, _, err = cli("undo", str(action), "--as", "bob")
    assert code == 1 and "permission" in err
    code, out, _ = cli("undo", str(action), "--as", "alice")
    assert code == 0 and f"{changed:,} contacts stay marketing contacts" in out and "again" not in out
    code, _, err = cli("undo", str(action), "--as", "alice")
    assert code == 1 and "already undone" in err
    # a contact the action changed shows both steps in its history
    ids = [c for c in range(1, 51)]
    histories = [json.loads(cli("history", str(c), "--json")[1]) for c in ids]
    touched = [h for h in histories if h]
    assert len(touched) == changed
    assert [e["action"] for e in touched[0]] == ["set_non_marketing", "undo"]


def test_history_of_missing_contact(cli):
    code, _, err = cli("history", "99999")
    assert code == 1 and "no contact with id 99999" in err


def test_defaults_show_and_set(cli):
    assert json.loads(cli("defaults", "show", "--json")[1])["forms"] == "marketing"
    code, _, err = cli("defaults", "set", "ads", "marketing", "--as", "alice")
    assert code == 1 and "only admins may change default statuses" in err
    code, out, _ = cli("defaults", "set", "ads", "marketing", "--as", "admin")
    assert code == 0 and "ads                      marketing" in out
    code, _, err = cli("defaults", "set", "fax", "marketing", "--as", "admin")
    assert code == 1 and "unknown source tool 'fax'" in err
