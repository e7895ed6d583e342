"""`mcwidgets import` and `mcwidgets export`, in-process, on SQLite and PostgreSQL."""

import csv
import io
import json




GOOD_AND_BAD = ("Email,First Name,Marketing contact status\n"
                "ann@example.com,<b>Ann</b>,\n"
                "not-an-email,X,\n"
                "bo@example.com,Bo,non-marketing\n"
                "ANN@example.com,Again,\n")


def total(cli):
    return json.loads(cli("status", "--json")[1])["total"]


def test_import_reports_created_updated_and_bad_rows(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(GOOD_AND_BAD)
    code, out, err = cli("import", str(path), "--as", "alice")
    assert code == 0, err
    assert "4 rows read: 2 contacts created, 0 updated (0 status changes), 2 bad rows" in out
    assert "row 3: invalid email 'not-an-email'" in out
    assert "row 5: duplicate email in the file (first in row 2)" in out
    assert f"bad rows written to {tmp_path / 'in.errors.csv'}" in out
    report = list(csv.reader(open(tmp_path / "in.errors.csv")))
    assert [r[0] for r in report] == ["Email", "not-an-email", "ANN@example.com"]
    assert total(cli) == 2
    # again, with its own report path: known emails now update
    code, out, err = cli("import", str(path), "--as", "alice", "--errors", str(tmp_path / "bad.csv"), "--json")
    data = json.loads(out)
    assert code == 0 and (data["created"], data["updated"], data["bad_rows"]) == (0, 2, 2)
    assert data["errors"][0] == {"row": 3, "email": "not-an-email", "reason": "invalid email 'not-an-email'"}
    assert (tmp_path / "bad.csv").exists() and total(cli) == 2


def test_strict_import_with_bad_rows_exits_1_and_imports_nothing(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(GOOD_AND_BAD)
    code, out, err = cli("import", str(path), "--strict", "--as", "alice")
    assert code == 1
    assert "strict mode: 2 bad row(s) of 4: nothing was imported" in out
    assert total(cli) == 0 and (tmp_path / "in.errors.csv").exists()
    path.write_text("Email\nok@example.com\n")
    assert cli("import", str(path), "--strict", "--as", "alice")[0] == 0 and total(cli) == 1


def test_as_marketing_is_refused_for_a_restricted_user(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Email\nm@example.com\n")
    code, out, err = cli("import", str(path), "--as-marketing", "--as", "bob")
    assert code == 1 and "bob does not have the 'Edit marketing contacts' permission" in err
    assert "Traceback" not in err and total(cli) == 0
    code, out, err = cli("import", str(path), "--as-marketing", "--as", "alice")
    assert code == 0 and json.loads(cli("status", "--json")[1])["marketing"] == 1


def test_mapping_option_and_its_errors(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Correo,Nombre\nluz@example.com,Luz\n")
    code, out, err = cli("import", str(path), "--as", "alice")
    assert code == 1 and "no email column" in err
    code, out, err = cli("import", str(path), "--as", "alice", "--mapping", '{"Correo": "email", "Nombre": null}')
    assert code == 0, err
    assert "1 contacts created" in out
    assert "ignored columns: Nombre" in out
    code, out, err = cli("import", str(path), "--as", "alice", "--mapping", "{not json")
    assert code == 1 and "--mapping is not valid JSON" in err
    code, out, err = cli("import", str(path), "--as", "alice", "--mapping", '["Correo"]')
    assert code == 1 and "--mapping must be a JSON object" in err


def test_import_needs_a_user_and_a_readable_file(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Email\na@example.com\n")
    code, _, err = cli("import", str(path))
    assert code == 1 and "no acting user" in err
    code, _, err = cli("import", str(tmp_path / "missing.csv"), "--as", "alice")
    assert code == 1 and "cannot read" in err and "Traceback" not in err


def test_export_to_stdout_and_to_a_file_then_reimport(cli, tmp_path, capsys):
    path = tmp_path / "in.csv"
    path.write_text("Email,First Name,Marketing contact status\na@example.com,A,marketing\nb@example.com,B,\n")
    assert cli("import", str(path), "--as", "alice")[0] == 0
    code, out, err = cli("export")
    assert code == 0 and "exported 2 contacts" in err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["Record ID", "Email"] and [r[1] for r in rows[1:]] == ["a@example.com", "b@example.com"]
    target = tmp_path / "out.csv"
    code, out, err = cli("export", "-o", str(target))
    assert code == 0 and f"exported 2 contacts to {target}" in out
    code, out, err = cli("import", str(target), "--strict", "--as", "alice")
    assert code == 0 and "0 contacts created, 2 updated (0 status changes), 0 bad rows" in out


def test_export_has_a_selection_hook(cli):
    from mcwidgets.cli import build_parser

    args = build_parser().parse_args(["export"])
    assert args.selection is None  # a --filter option sets it (dest="selection")


def test_an_import_above_the_spike_limit_is_held(cli, tmp_path):
    assert cli("account", "--spike-limit", "1", "--as", "admin")[0] == 0
    path = tmp_path / "in.csv"
    path.write_text("Email,Marketing contact status\na@example.com,marketing\nb@example.com,marketing\n")
    code, out, err = cli("import", str(path), "--as", "alice")
    assert code == 0, err
    assert "HELD as held action 1 for an admin's approval (spike guard)" in out and "2 contacts" in out
    assert total(cli) == 0
    code, out, err = cli("held", "approve", "1", "--as", "admin")
    assert code == 0, err
    assert total(cli) == 2
