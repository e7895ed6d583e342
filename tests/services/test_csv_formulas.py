"""Issue 12, finding 1: no CSV the tool writes runs formulas, and each re-imports to the original text.

On SQLite and PostgreSQL: the export (the CLI's and the dashboard's, one writer), the
import's error report, and the import itself (which must not strip a leading tab or
newline into a live formula).
"""

import csv
import io

from sqlalchemy import select

from mcwidgets.services import contacts
from mcwidgets.services.exporter import export_csv
from mcwidgets.services.importer import import_csv
from mcwidgets.store.models import Contact
from tests.conftest import ALICE
from tests.services.helpers import make_contact

FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)"]


def runs_as_formula(cell: str) -> bool:
    """What a spreadsheet would run: a cell whose first character (a leading tab,
    carriage return, newline or space dropped) is = + - or @."""
    return cell.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@")


def names(ctx):
    with ctx.read() as s:
        return {r.email: (r.first_name, r.last_name, r.company, r.country)
                for r in s.execute(select(Contact.email, Contact.first_name, Contact.last_name, Contact.company,
                                          Contact.country))}


def test_export_neutralises_formula_cells_and_re_imports_to_the_original_text(ctx):
    for i, f in enumerate(FORMULAS):
        make_contact(ctx, "marketing", i, email=f"f{i}@example.com", first_name=f,
                     company="'=already quoted", country="@NL")
    with ctx.write() as s:  # as an import stores it (the contact form strips it)
        s.execute(Contact.__table__.update().values(last_name="\t=1+1"))
    make_contact(ctx, "marketing", 9, email="plain@example.com", first_name="Ann", last_name="O'Neill-Smith",
                 company="'quoted", country="NL")
    before = names(ctx)
    out = io.StringIO()
    assert export_csv(ctx, out) == 6
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    cells = [c for row in rows for c in row]
    assert [c for c in cells if runs_as_formula(c)] == []
    by_email = {r[1]: r for r in rows[1:]}
    assert by_email["f0@example.com"][2] == "'" + FORMULAS[0]
    assert by_email["f3@example.com"][2] == "'-2+3" and by_email["f3@example.com"][3] == "'\t=1+1"
    assert by_email["f3@example.com"][4] == "''=already quoted"
    assert by_email["plain@example.com"][2:6] == ["Ann", "O'Neill-Smith", "'quoted", "NL"]  # untouched

    # the export re-imports to exactly the stored text
    with ctx.write() as s:
        s.execute(Contact.__table__.update().values(first_name=None, last_name=None, company=None, country=None))
    r = import_csv(ctx, ALICE, io.StringIO(out.getvalue()), strict=True)
    assert (r.updated, r.bad_rows) == (6, 0)
    assert names(ctx) == before


def test_import_does_not_strip_a_leading_tab_or_newline_into_a_live_formula(ctx):
    text = 'Email,First Name,Last Name,Company Name\r\n' \
           'a@example.com,"\t=1+1","\n=2+2",  Acme  \r\n' \
           "b@example.com,'=3+3, -4+4,\tBeta\r\n"
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert (r.created, r.bad_rows) == (2, 0)
    got = names(ctx)
    assert got["a@example.com"][:3] == ("\t=1+1", "\n=2+2", "Acme")
    assert got["b@example.com"][:3] == ("=3+3", " -4+4", "Beta")  # a spreadsheet's quote is honoured
    out = io.StringIO()
    export_csv(ctx, out)
    assert not [c for row in csv.reader(io.StringIO(out.getvalue())) for c in row if runs_as_formula(c)]


def test_the_error_report_neutralises_bad_cells_and_re_imports_to_the_same_rows(ctx, tmp_path):
    rows = [["Email", "First Name", "=SUM(1)"],
            ["=HYPERLINK(\"http://x\",\"y\")", "Ann", "x"],   # bad: invalid email
            ["cy@example.com", "=cmd|' /C calc'!A0", "+1"],  # good
            ["@SUM(1+1)", "\t=1+1", "-2+3"],                 # bad: invalid email
            ["dee@example.com", "'=1", "2026"]]              # good
    path = tmp_path / "in.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    r = import_csv(ctx, ALICE, path)
    assert (r.created, r.bad_rows) == (2, 2)
    report = list(csv.reader(open(r.error_csv_path, newline="", encoding="utf-8")))
    assert [c for row in report for c in row if runs_as_formula(c)] == []
    assert report[0] == ["Email", "First Name", "'=SUM(1)", "error"]
    assert report[1][:3] == ["'=HYPERLINK(\"http://x\",\"y\")", "Ann", "x"]
    assert report[2][:3] == ["'@SUM(1+1)", "'\t=1+1", "'-2+3"]
    assert got_first_names(ctx) == {"cy@example.com": "=cmd|' /C calc'!A0", "dee@example.com": "=1"}
    # the report, fixed, re-imports to what the file meant
    report[1][0], report[2][0] = "ann@example.com", "sum@example.com"
    fixed = io.StringIO()
    csv.writer(fixed).writerows([row[:3] for row in report])
    r2 = import_csv(ctx, ALICE, io.StringIO(fixed.getvalue()), strict=True)
    assert (r2.created, r2.bad_rows) == (2, 0)
    assert got_first_names(ctx)["sum@example.com"] == "\t=1+1"
    assert got_first_names(ctx)["ann@example.com"] == "Ann"


def test_the_error_report_returned_as_text_is_neutralised_too(ctx):
    r = import_csv(ctx, ALICE, io.StringIO("Email,First Name\n+bad,=1+1\n"))
    assert r.bad_rows == 1
    assert list(csv.reader(io.StringIO(r.error_csv_text)))[1][:2] == ["'+bad", "'=1+1"]


def got_first_names(ctx):
    with ctx.read() as s:
        return {c.email: c.first_name for c in s.scalars(select(Contact))}


def test_a_contact_created_in_the_dashboard_exports_safely(ctx, tmp_path):
    cid, _ = contacts.create_contact(ctx, ALICE, contacts.NewContact(email="z@example.com", first_name="=1+1"),
                                     source="manual", status="non_marketing")
    path = tmp_path / "out.csv"
    export_csv(ctx, path)  # the dashboard's Export button calls this same writer (app.export_csv)
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    assert rows[1][0] == str(cid) and rows[1][2] == "'=1+1"
