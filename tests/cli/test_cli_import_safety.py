"""Issue 12 findings 1, 4, 5, 7 through the CLI, on SQLite and PostgreSQL."""

import csv


def total(cli):
    code, out, _ = cli("status", "--json")
    assert code == 0
    import json

    return json.loads(out)["total"]


def test_export_neutralises_formulas_and_re_imports_to_the_same_text(cli, tmp_path, capsys):
    path = tmp_path / "in.csv"
    path.write_text('Email,First Name,Last Name\na@example.com,"=HYPERLINK(""http://x"",""y"")",@SUM(1+1)\n'
                    'b@example.com,"\t=1+1",-2+3\n')
    assert cli("import", str(path), "--strict", "--as", "alice")[0] == 0
    code, out, err = cli("export", "-o", str(tmp_path / "out.csv"))
    assert code == 0, err
    rows = list(csv.reader(open(tmp_path / "out.csv", newline="", encoding="utf-8")))
    assert [r[2:4] for r in rows[1:]] == [['\'=HYPERLINK("http://x","y")', "'@SUM(1+1)"], ["'\t=1+1", "'-2+3"]]
    code, out, err = cli("export")
    assert "'=HYPERLINK" in out and "\n=" not in out and ",=" not in out
    code, out, err = cli("import", str(tmp_path / "out.csv"), "--strict", "--as", "alice")
    assert code == 0 and "2 updated (0 status changes), 0 bad rows" in out


def test_strict_import_fails_on_an_unterminated_quote(cli, tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('Email,First Name\nann@example.com,"Ann\nbob@example.com,Bob\n')
    code, out, err = cli("import", str(path), "--strict", "--as", "alice")
    assert code == 1
    assert "strict mode: 1 bad row(s) of 2: nothing was imported" in out and "row 2: a quoted value" in out
    assert total(cli) == 0
    code, out, err = cli("import", str(path), "--as", "alice")
    assert code == 0 and "2 rows read: 1 contacts created" in out and "1 bad rows" in out


def test_nul_bytes_are_bad_rows_and_the_good_rows_are_imported(cli, tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(b"Email,First Name\nann@exa\x00mple.com,Ann\nbob@example.com,Bob\n")
    code, out, err = cli("import", str(path), "--as", "alice")
    assert code == 0, err
    assert "1 contacts created" in out and "row 2: " in out and "NUL" in out
    assert cli("import", str(path), "--strict", "--as", "alice")[0] == 1


def test_held_import_approved_after_its_file_was_replaced_applies_the_held_rows(cli, tmp_path):
    assert cli("account", "--spike-limit", "1", "--as", "admin")[0] == 0
    path = tmp_path / "in.csv"
    path.write_text("Email,Marketing contact status\na@example.com,marketing\nb@example.com,marketing\n")
    code, out, err = cli("import", str(path), "--as", "alice")
    assert code == 0 and "HELD as held action 1" in out
    path.write_text("Email,Marketing contact status\n" + "".join(f"x{i}@example.com,marketing\n" for i in range(50)))
    code, out, err = cli("held", "approve", "1", "--as", "admin")
    assert code == 0, err
    assert total(cli) == 2


def test_held_import_approved_after_its_file_was_deleted(cli, tmp_path):
    assert cli("account", "--spike-limit", "1", "--as", "admin")[0] == 0
    path = tmp_path / "in.csv"
    path.write_text("Email,Marketing contact status\na@example.com,marketing\nb@example.com,marketing\n")
    assert cli("import", str(path), "--as", "alice")[0] == 0
    path.unlink()
    code, out, err = cli("held", "approve", "1", "--as", "admin")
    assert code == 0, err
    assert total(cli) == 2
    code, out, err = cli("held", "approve", "1", "--as", "admin")
    assert code != 0 and "approved by admin already" in err
