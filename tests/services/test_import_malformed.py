"""Issue 12, findings 4 and 5: unterminated quotes and NUL bytes are bad rows, reported, on both engines.

An unterminated quote never merges the lines after it into one value silently: the
row that opens it is a bad row and the lines after it are read as rows of their own.
A NUL byte makes its row bad (it is never stored); the good rows are still imported.
"""

import csv
import io

import pytest
from sqlalchemy import func, select

from mcwidgets.services.importer import import_csv
from mcwidgets.store.models import Action, Contact
from tests.conftest import ALICE


def emails(ctx):
    with ctx.read() as s:
        return sorted(s.scalars(select(Contact.email)))


def first_names(ctx):
    with ctx.read() as s:
        return {c.email: c.first_name for c in s.scalars(select(Contact))}


def actions(ctx):
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(Action))


def test_an_unterminated_quote_at_the_end_is_a_bad_row_and_the_next_lines_are_still_read(ctx):
    text = "Email,First Name\nann@example.com,\"Ann\nbob@example.com,Bob\n"
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert (r.rows, r.created, r.bad_rows) == (2, 1, 1)
    assert r.errors[0][0] == 2 and "quote" in r.errors[0][2] and r.errors[0][1] == "ann@example.com"
    assert emails(ctx) == ["bob@example.com"]
    assert first_names(ctx)["bob@example.com"] == "Bob"  # not swallowed into Ann's first name


def test_a_quote_closed_lines_later_in_the_middle_of_a_value_is_a_bad_row(ctx):
    text = ('Email,First Name,Last Name\n'
            'ann@example.com,"Ann,Smith\n'
            'bob@example.com,Bob,Jones\n'
            'cy@example.com,"Cy",Young\n')
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert [e[0] for e in r.errors] == [2]
    assert (r.rows, r.created, r.bad_rows) == (3, 2, 1)
    assert first_names(ctx) == {"bob@example.com": "Bob", "cy@example.com": "Cy"}


def test_strict_mode_fails_on_an_unterminated_quote_and_imports_nothing(ctx, tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("Email,First Name\nbob@example.com,Bob\nann@example.com,\"Ann\ncy@example.com,Cy\n")
    before = actions(ctx)
    r = import_csv(ctx, ALICE, path, strict=True)
    assert (r.applied, r.bad_rows, r.rows) == (False, 1, 3)
    assert emails(ctx) == [] and actions(ctx) == before
    report = list(csv.reader(open(r.error_csv_path, newline="", encoding="utf-8")))
    assert report[1][0] == "ann@example.com" and report[1][-1].startswith("row 3: ")


def test_legitimate_multi_line_values_are_still_one_row(ctx):
    text = 'Email,First Name\nann@example.com,"Ann\nMarie"\nbob@example.com,"Bob ""B"""\n'
    r = import_csv(ctx, ALICE, io.StringIO(text), strict=True)
    assert (r.rows, r.created, r.bad_rows) == (2, 2, 0)
    assert first_names(ctx) == {"ann@example.com": "Ann\nMarie", "bob@example.com": 'Bob "B"'}


@pytest.mark.parametrize("where", ["email", "name", "extra"])
def test_a_nul_byte_is_a_bad_row_and_the_good_rows_are_imported(ctx, where):
    cells = {"email": ("ann@exam\x00ple.com", "Ann", ""), "name": ("ann@example.com", "An\x00n", ""),
             "extra": ("ann@example.com", "Ann", "\x00")}[where]
    text = "Email,First Name\n" + ",".join(cells).rstrip(",") + "\nbob@example.com,Bob\n"
    if where == "extra":
        text = "Email,First Name\nann@example.com,Ann,\x00\nbob@example.com,Bob\n"
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert (r.rows, r.created, r.bad_rows) == (2, 1, 1)
    assert r.errors[0][0] == 2 and "NUL" in r.errors[0][2]
    assert emails(ctx) == ["bob@example.com"]
    with ctx.read() as s:
        assert not [e for e in s.scalars(select(Contact.email)) if "\x00" in e]


def test_a_nul_byte_fails_strict_mode_and_is_in_the_report(ctx, tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(b"Email,First Name\nann@example.com,A\x00n\nbob@example.com,Bob\n")
    r = import_csv(ctx, ALICE, path, strict=True)
    assert (r.applied, r.bad_rows) == (False, 1) and emails(ctx) == []
    report = list(csv.reader(open(r.error_csv_path, newline="", encoding="utf-8")))
    assert report[1][0] == "ann@example.com" and "NUL" in report[1][-1]


def test_a_nul_byte_in_the_headings_refuses_the_file(ctx):
    from mcwidgets.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="NUL"):
        import_csv(ctx, ALICE, io.StringIO("Email,First\x00Name\nann@example.com,Ann\n"))
    assert emails(ctx) == []


def test_a_very_long_field_or_email_is_a_bad_row(ctx):
    long_email = "x" * 300 + "@example.com"
    huge = "y" * 200_000
    text = f"Email,First Name\n{long_email},Ann\ncy@example.com,{huge}\nbob@example.com,Bob\n"
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert (r.rows, r.created, r.bad_rows) == (3, 1, 2)
    assert [e[0] for e in r.errors] == [2, 3]
    assert emails(ctx) == ["bob@example.com"]


def test_dates_that_leave_the_calendar_in_utc_are_bad_rows(ctx):
    from mcwidgets.services import account
    from tests.conftest import ADMIN

    account.configure(ctx, ADMIN, timezone="Europe/Amsterdam")
    text = ("Email,Create Date\na@example.com,9999-12-31 23:59-01:00\nb@example.com,0001-01-01 00:00+01:00\n"
            "c@example.com,9999-12-31\nd@example.com,0001-01-01 12:00\n")
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert [e[0] for e in r.errors] == [2, 3]
    assert all(e[2].startswith("unparsable Create Date") for e in r.errors)
    assert emails(ctx) == ["c@example.com", "d@example.com"]
