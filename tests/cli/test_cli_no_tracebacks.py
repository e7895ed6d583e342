"""Issue 12, finding 6: hostile arguments get a one-line error and a non-zero exit, never a traceback."""

import json

import pytest

from mcwidgets.cli import main

HUGE = str(2**64 + 7)  # above 2^63: an OverflowError on SQLite, "out of range" on PostgreSQL


def argparse_error(capsys, argv) -> str:
    """An argument refused by the parser: exit 2 and one 'error:' line (after the usage)."""
    with pytest.raises(SystemExit) as e:
        main(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2 and "Traceback" not in err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1
    return err


def one_line_error(code: int, err: str) -> str:
    assert code == 1 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize("args", [
    ("set-status", "marketing", "--ids", HUGE, "--as", "admin"),
    ("set-status", "marketing", "--ids", f"1,{HUGE}", "--as", "admin"),
    ("set-status", "marketing", "--ids", f"{HUGE}-{int(HUGE) + 3}", "--as", "admin"),
    ("set-status", "non-marketing", "--ids", "1-3", "--except", HUGE, "--as", "admin"),
    ("count", "--ids", HUGE),
    ("count", "--ids", "0-3"),
])
def test_huge_contact_ids_are_one_line_errors(cli, args):
    code, out, err = cli(*args)
    err = one_line_error(code, err)
    assert "contact id" in err


@pytest.mark.parametrize("argv", [
    ["history", HUGE],
    ["undo", HUGE, "--as", "admin"],
    ["held", "approve", HUGE, "--as", "admin"],
    ["held", "reject", HUGE, "--as", "admin"],
    ["account", "--spike-limit", HUGE, "--as", "admin"],
    ["account", "--tier", HUGE, "--as", "admin"],
])
def test_huge_numbers_in_arguments_are_refused_by_the_parser(cli, db_url, capsys, argv):
    err = argparse_error(capsys, ["--db", db_url, "--now", "2026-11-26T12:00:00Z", *argv])
    assert "too large" in err


def test_the_largest_id_still_reaches_the_store(cli):
    code, _, err = cli("history", str(2**31 - 1))
    assert code == 1 and "no contact with id" in err


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00Z", "9999-12-31", "1969-12-31T23:59:59Z",
                                 "2201-01-01", "2200-12-31T23:59:60Z"])
def test_a_clock_out_of_range_is_refused_at_once(cli, now):
    code, _, err = cli("status", now=now)
    err = one_line_error(code, err)
    assert "1970" in err and "2200" in err or "bad date/time" in err


def test_a_clock_at_the_edges_of_the_range_works(cli):
    for now in ("1970-01-01T00:00:00Z", "2026-11-26T12:00:00+01:00"):
        code, out, err = cli("status", "--json", now=now)
        assert code == 0, err
        assert json.loads(out)["total"] == 0


def test_export_to_an_unwritable_path_is_one_line(cli, tmp_path):
    assert cli("demo", "--contacts", "5", "--as", "admin")[0] == 0
    for target in ("/proc/version", str(tmp_path / "no" / "such" / "dir.csv"), str(tmp_path)):
        code, out, err = cli("export", "-o", target)
        err = one_line_error(code, err)
        assert "cannot write" in err and target in err


def test_an_id_just_above_the_store_range_is_refused(cli, db_url, capsys):
    err = argparse_error(capsys, ["--db", db_url, "history", str(2**31)])
    assert "too large" in err
    code, _, err = cli("count", "--ids", str(2**31))
    assert "too large" in one_line_error(code, err)


def test_import_mapping_nested_too_deeply_is_one_line(cli, tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("email\na@example.com\n")
    code, _, err = cli("import", str(csv), "--mapping", "[" * 5000 + "]" * 5000, "--as", "admin")
    assert "--mapping is not valid JSON" in one_line_error(code, err)
