"""`count`, `set-status --filter/--list/--except`, `lists`, `views` and `export --filter`,
in-process, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest

from mcwidgets.app import App

NOW = "2026-11-26T12:00:00+00:00"
NL = '{"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "nl"}]}]}'
ALL = '{"filterGroups": []}'


@pytest.fixture
def cli(cli, db_url):
    app = App.open(db_url, now=NOW, user="admin")
    try:
        for i, country in enumerate(["NL", "nl", "NL", "BE", None], 1):
            app.create_contact(f"c{i}@example.com", country=country, first_name=f"P{i}", status="marketing")
    finally:
        app.close()
    return cli


def test_count_prints_the_number_then_the_sentence(cli, tmp_path):
    code, out, err = cli("count", "--filter", NL)
    assert (code, out, err) == (0, "3\nCountry is nl\n", "")
    path = tmp_path / "f.json"
    path.write_text('{"filterGroups": [{"filters": [{"propertyName": "last_activity_at", '
                    '"operator": "MORE_THAN_DAYS_AGO", "value": 30}]}]}')
    code, out, _ = cli("count", "--filter", f"@{path}", "--json")
    assert json.loads(out) == {"count": 0,
                               "description": "Last activity more than 30 days ago (before 2026-10-27)"}
    assert cli("count")[1] == "5\nAll contacts\n"
    assert cli("count", "--ids", "1-3,99", "--except", "2")[1].splitlines()[0] == "2"


def test_count_errors_are_one_line(cli):
    code, out, err = cli("count", "--filter", '{"filterGroups": [{"filters": '
                         '[{"propertyName": "colour", "operator": "EQ", "value": "red"}]}]}')
    assert code == 1 and out == ""
    assert err == "mcwidgets: error: group 1, filter 1: unknown property 'colour'\n"
    code, _, err = cli("count", "--list", "Ghost")
    assert code == 1 and err == "mcwidgets: error: no list named 'Ghost'\n"


def test_bad_filter_json_and_missing_files_are_usage_errors(cli, capsys):
    for bad in ("{not json", "@/nonexistent/f.json"):
        with pytest.raises(SystemExit) as e:
            cli("count", "--filter", bad)
        assert e.value.code == 2
    err = capsys.readouterr().err
    assert "argument --filter: not valid JSON" in err and "cannot read /nonexistent/f.json" in err


def test_set_status_over_a_filter_except_ids(cli):
    code, out, err = cli("set-status", "non-marketing", "--filter", NL, "--except", "2", "--as", "alice",
                         "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["matched"], result["changed"]) == (2, 2)
    pending = ('{"filterGroups": [{"filters": [{"propertyName": "pending_non_marketing", '
               '"operator": "EQ", "value": true}]}]}')
    assert cli("count", "--filter", pending)[1] == "2\nMarketing contact until next update is true\n"
    assert cli("count", "--filter", pending, "--except", "1,3")[1].splitlines()[0] == "0"  # not 2
    code, out, _ = cli("set-status", "non-marketing", "--filter", NL, "--as", "alice")
    assert code == 0 and out.startswith("action ") and "1 of 3 matching contacts set as non-marketing" in out


def test_set_status_over_a_list_and_the_dry_run(cli):
    assert cli("lists", "create", "Fair", "--as", "alice")[0] == 0
    assert cli("lists", "add", "Fair", "--ids", "4,5", "--as", "alice")[0] == 0
    code, out, _ = cli("set-status", "non-marketing", "--list", "Fair", "--dry-run")
    assert code == 0 and "2 of 2 selected contacts would change" in out
    code, out, _ = cli("set-status", "non-marketing", "--list", "Fair", "--as", "alice")
    assert code == 0 and "2 of 2 matching contacts" in out
    code, _, err = cli("set-status", "marketing", "--list", "Fair", "--as", "bob")
    assert code == 1 and "bob does not have the 'Edit marketing contacts' permission" in err


@pytest.mark.parametrize("targets", [[], ["--ids", "1", "--filter", ALL], ["--list", "A", "--ids", "1"]])
def test_set_status_needs_exactly_one_target(cli, targets):
    with pytest.raises(SystemExit) as e:
        cli("set-status", "marketing", *targets, "--as", "alice")
    assert e.value.code == 2


def test_lists_from_create_to_delete(cli):
    assert cli("lists", "create", "VIP", "--as", "alice")[1] == "created static list 'VIP'\n"
    code, out, _ = cli("lists", "create", "Dutch", "--filter", NL, "--as", "alice")
    assert out == "created active list 'Dutch': 3 contacts now (Country is nl)\n"
    code, out, _ = cli("lists", "add", "VIP", "--ids", "1,4,77", "--as", "alice")
    assert out == "2 contacts added to 'VIP' (2 matched; 2 contacts in the list now)\n"
    code, out, _ = cli("lists", "add", "VIP", "--list", "Dutch", "--except", "3", "--as", "alice")
    assert out == "1 contact added to 'VIP' (2 matched; 3 contacts in the list now)\n"
    code, out, _ = cli("lists", "remove", "VIP", "--filter", NL, "--as", "alice")
    assert out == "2 contacts removed from 'VIP' (3 matched; 1 contact in the list now)\n"
    code, out, _ = cli("lists", "list")
    assert out.splitlines() == ["Dutch  active          3  Country is nl",
                                "VIP    static          1"]
    data = json.loads(cli("lists", "list", "--json")[1])
    assert [(d["name"], d["kind"], d["members"]) for d in data] == [("Dutch", "active", 3), ("VIP", "static", 1)]
    code, out, _ = cli("lists", "show", "Dutch")
    assert out.splitlines()[:4] == ["name        Dutch", "kind        active", "filter      Country is nl",
                                    "members     3"]
    assert json.loads(cli("lists", "show", "VIP", "--json")[1])["created_by"] == "alice"
    assert cli("lists", "rename", "VIP", "Top", "--as", "alice")[1] == "renamed list 'VIP' to 'Top'\n"
    code, _, err = cli("lists", "add", "Dutch", "--ids", "5", "--as", "alice")
    assert code == 1 and "'Dutch' is an active list" in err
    assert cli("lists", "delete", "Top", "--as", "alice")[1] == "deleted list 'Top'\n"
    code, _, err = cli("lists", "delete", "Top", "--as", "alice")
    assert code == 1 and err == "mcwidgets: error: no list named 'Top'\n"
    code, _, err = cli("lists", "create", "Nobody")
    assert code == 1 and "no acting user" in err


def test_views_from_save_to_delete(cli, tmp_path):
    code, out, _ = cli("views", "save", "Dutch", "--filter", NL, "--sort", "created_at:desc",
                       "--columns", "email,country", "--as", "alice")
    assert (code, out) == (0, "saved view 'Dutch': Country is nl\n")
    path = tmp_path / "v.json"
    path.write_text(ALL)
    assert cli("views", "save", "Dutch", "--filter", f"@{path}", "--as", "alice")[1] == \
        "replaced view 'Dutch': All contacts\n"
    cli("views", "save", "Dutch", "--filter", NL, "--sort", "last_name", "--as", "alice")
    assert cli("views", "list")[1] == "Dutch  Country is nl\n"
    code, out, _ = cli("views", "show", "Dutch")
    assert out.splitlines()[:5] == ["name        Dutch", "filter      Country is nl", "matching    3 contacts",
                                    "sort        last_name", "columns     (default)"]
    data = json.loads(cli("views", "show", "Dutch", "--json")[1])
    assert (data["sort"], data["matching"]) == ({"column": "last_name", "descending": False}, 3)
    assert cli("views", "rename", "Dutch", "NL", "--as", "alice")[1] == "renamed view 'Dutch' to 'NL'\n"
    assert [v["name"] for v in json.loads(cli("views", "list", "--json")[1])] == ["NL"]
    assert cli("views", "delete", "NL", "--as", "alice")[1] == "deleted view 'NL'\n"
    assert cli("views", "list")[1] == "no saved views\n"
    code, _, err = cli("views", "save", "X", "--filter", NL, "--sort", "shoe_size", "--as", "alice")
    assert code == 1 and "cannot sort by 'shoe_size'" in err


def test_export_with_a_filter(cli):
    code, out, err = cli("export", "--filter", NL)
    assert code == 0 and "exported 3 contacts" in err
    rows = list(csv.reader(io.StringIO(out)))
    assert sorted(r[1] for r in rows[1:]) == ["c1@example.com", "c2@example.com", "c3@example.com"]
