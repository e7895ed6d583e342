"""Issue 12, fuzzing: generated CSV files fed to import, on SQLite and PostgreSQL.

Random bytes, quotes, separators, encodings, NULs and very long fields. Whatever the
file: never a traceback (a bad file is a one-line ValidationError, a bad row is a
reported bad row), never a half-written database (a refused import changes nothing;
an applied one adds exactly one action and the contacts it says it created), every
data row either imported or reported, nothing stored with a NUL, and the export of
what was stored runs no formula. Example counts are bounded to keep this to seconds.
"""

import csv
import io
import os

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from mcwidgets.domain.errors import ValidationError
from mcwidgets.services.exporter import export_csv
from mcwidgets.services.importer import import_csv
from mcwidgets.store.models import Action, AuditEvent, Contact
from tests.conftest import ALICE

# MCW_FUZZ_EXAMPLES=500 MCW_FUZZ_RANDOM=1 for a longer, randomised search
SETTINGS = settings(max_examples=int(os.environ.get("MCW_FUZZ_EXAMPLES", 30)), deadline=None,
                    derandomize=not os.environ.get("MCW_FUZZ_RANDOM"),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

HEADINGS = ["Email", "First Name", "Last Name", "Company Name", "Create Date", "Marketing contact status",
            "Unsubscribed from all email", "Lifecycle Stage"]
TRICKY = st.sampled_from(['"', '""', ",", ";", "\t", "\n", "\r", "\r\n", "\x00", "=", "+", "-", "@", "'", " ",
                          "é", "\ufeff", "\u2028", "ß", "😀", "\\", "a@b.co", "2026-01-02",
                          "9999-12-31 23:59-01:00", "0001-01-01 00:00+01:00", "yes", "maybe", "marketing", "lead"])
CELL = st.one_of(
    st.lists(TRICKY, max_size=6).map("".join),
    st.text(max_size=20),
    st.integers(0, 10_000).map(lambda i: f"user{i}@example.com"),
)


def parse_all(text: str, delimiter: str) -> list[list[str]]:
    """Parse a CSV the tool wrote, however long its values."""
    limit = csv.field_size_limit()
    csv.field_size_limit(1 << 24)
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    finally:
        csv.field_size_limit(limit)


def runs_as_formula(cell: str) -> bool:
    return cell.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@")


def state(ctx):
    with ctx.read() as s:
        return (s.scalar(select(func.count()).select_from(Contact)),
                s.scalar(select(func.count()).select_from(Action)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


def stored_text(ctx):
    with ctx.read() as s:
        return [v for row in s.execute(select(Contact.email, Contact.first_name, Contact.last_name, Contact.company))
                for v in row if v is not None]


def check_import(ctx, data: bytes, **kw):
    before = state(ctx)
    try:
        r = import_csv(ctx, ALICE, io.BytesIO(data), **kw)
    except ValidationError as e:  # the whole file refused, in one line
        assert "\n" not in str(e) and str(e)
        assert state(ctx) == before
        return None
    contacts, actions, _ = state(ctx)
    if r.applied or not r.strict:
        assert r.rows == r.created + r.updated + r.bad_rows
    else:  # strict mode with bad rows: nothing applied, the bad rows reported
        assert r.bad_rows >= 1 and (r.created, r.updated) == (0, 0)
    assert r.bad_rows == len(r.errors) or len(r.errors) == 1000
    assert all(row >= 2 and reason for row, _email, reason in r.errors)
    assert [e[0] for e in r.errors] == sorted({e[0] for e in r.errors})
    if r.applied:
        # the import's action, and one per custom property it created (audited)
        assert (contacts, actions) == (before[0] + r.created, before[1] + 1 + len(r.new_properties))
    else:
        assert state(ctx) == before
    if r.bad_rows and r.error_csv_text.startswith("Email"):  # the report: headings, then every bad row
        report = parse_all(r.error_csv_text, r.error_csv_text[5:6])
        assert report[0][-1] == "error" and len(report) == 1 + r.bad_rows
        assert not [c for row in report for c in row if runs_as_formula(c)]
    assert not [v for v in stored_text(ctx) if "\x00" in v]
    return r


def exported_cells_are_safe(ctx):
    out = io.StringIO()
    export_csv(ctx, out)
    assert not [c for row in parse_all(out.getvalue(), ",") for c in row if runs_as_formula(c)]


@SETTINGS
@given(data=st.binary(max_size=3000), heading=st.booleans(), strict=st.booleans())
def test_random_bytes_never_crash_nor_half_write(ctx, data, heading, strict):
    if heading:
        data = b"Email,First Name,Marketing contact status\n" + data
    check_import(ctx, data, strict=strict)


@SETTINGS
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=10), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t"]),
       quoting=st.sampled_from(["csv", "raw", "broken"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]),
       strict=st.booleans(), chunk_rows=st.sampled_from([1, 3, 50_000]),
       long_field=st.sampled_from([0, 0, 300, 140_000]))  # beyond the csv module's field limit too
def test_generated_csv_files_never_crash_nor_half_write(ctx, rows, delimiter, quoting, encoding, strict,
                                                        chunk_rows, long_field):
    lines = [HEADINGS] + rows
    if long_field:
        lines.insert(1, ["long@example.com", "x" * long_field])
    if quoting == "csv":  # well-formed CSV of arbitrary cells
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter).writerows(lines)
        text = buf.getvalue()
    elif quoting == "raw":  # cells joined as they are: stray quotes, separators, line breaks
        text = "\n".join(delimiter.join(line) for line in lines) + "\n"
    else:  # quotes opened and never closed
        text = "\n".join(delimiter.join(('"' + c) if i % 2 else c for i, c in enumerate(line)) for line in lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    r = check_import(ctx, data, strict=strict, chunk_rows=chunk_rows)
    if r is not None and r.applied:
        exported_cells_are_safe(ctx)
