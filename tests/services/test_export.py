"""CSV export on SQLite and PostgreSQL: headings, values, paging, and the export -> import round trip."""

import csv
import io
from datetime import datetime

from sqlalchemy import event, select

from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, contacts
from mcwidgets.services.csvcolumns import EXPORT_HEADINGS
from mcwidgets.services.exporter import export_csv
from mcwidgets.services.importer import import_csv
from mcwidgets.store.bulk import clear_demo_data
from mcwidgets.store.models import Contact
from tests.conftest import ADMIN, ALICE
from tests.services.helpers import make_contact

XSS = "<img src=x onerror=alert(1)>"


def all_contacts(ctx):
    with ctx.read() as s:
        return [contacts.contact_dict(c) for c in s.scalars(select(Contact).order_by(Contact.id))]


def populate(ctx):
    ids = [
        make_contact(ctx, "marketing", 0, email="Ann@Example.com", first_name=XSS, last_name='O\'Neill "x", jr',
                     company="Acme, Inc.", country="NL", lifecycle_stage="customer",
                     last_activity_at=datetime(2026, 3, 29, 1, 30, 0, 123456)),
        make_contact(ctx, "pending", 1, email="bo@example.com", first_name="Bo\nmultiline", hard_bounced=True),
        make_contact(ctx, "non_marketing", 2, email="cy@example.com", unsubscribed=True,
                     lifecycle_stage="marketing_qualified_lead"),
        make_contact(ctx, "marketing", 3, email="di@example.com"),
        make_contact(ctx, "non_marketing", 4, email="ed@example.com", first_name="Éd", country="BE"),
    ]
    return ids


def read(text):
    return list(csv.reader(io.StringIO(text)))


def test_export_writes_the_import_headings_and_values(ctx, tmp_path):
    account.configure(ctx, ADMIN, timezone="Europe/Amsterdam")
    ids = populate(ctx)
    path = tmp_path / "out.csv"
    assert export_csv(ctx, path) == 5
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    assert rows[0] == list(EXPORT_HEADINGS.values())
    assert rows[0][:3] == ["Record ID", "Email", "First Name"]
    by_email = {r[1]: dict(zip(rows[0], r)) for r in rows[1:]}
    ann = by_email["ann@example.com"]
    assert ann["Record ID"] == str(ids[0])
    assert ann["First Name"] == XSS and ann["Last Name"] == 'O\'Neill "x", jr' and ann["Company Name"] == "Acme, Inc."
    assert ann["Last Activity Date"] == "2026-03-29 03:30:00.123456+02:00"  # local time, with its offset
    assert ann["Marketing contact status"] == "Marketing contact"
    assert ann["Marketing contact until next update"] == "No" and ann["Lifecycle Stage"] == "customer"
    bo = by_email["bo@example.com"]
    assert (bo["First Name"], bo["Email hard bounced"], bo["Marketing contact until next update"]) == (
        "Bo\nmultiline", "Yes", "Yes")
    cy = by_email["cy@example.com"]
    assert (cy["Marketing contact status"], cy["Unsubscribed from all email"], cy["Last Activity Date"]) == (
        "Non-marketing contact", "Yes", "")
    assert [int(r[0]) for r in rows[1:]] == ids  # id order


def test_export_of_a_selection_to_a_file_object(ctx):
    ids = populate(ctx)
    out = io.StringIO()
    assert export_csv(ctx, out, Selection.of_ids([ids[1], ids[3]])) == 2
    assert [r[1] for r in read(out.getvalue())[1:]] == ["bo@example.com", "di@example.com"]
    out = io.StringIO()
    assert export_csv(ctx, out, Selection.of_ids([999])) == 0
    assert read(out.getvalue()) == [list(EXPORT_HEADINGS.values())]


def test_export_is_streamed_in_keyset_pages(ctx):
    ids = populate(ctx)
    statements = []

    def capture(conn, cursor, statement, params, context, executemany):
        if "FROM contacts" in statement:
            statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", capture)
    try:
        out = io.StringIO()
        assert export_csv(ctx, out, page_size=2) == 5
    finally:
        event.remove(ctx.engine, "before_cursor_execute", capture)
    assert [int(r[0]) for r in read(out.getvalue())[1:]] == ids
    pages = [s for s in statements if "LIMIT" in s.upper()]
    assert len(pages) == 3  # 2 + 2 + 1 rows
    assert all("contacts.id >" in s for s in pages)  # keyset on id


def test_export_then_import_into_the_same_store_changes_nothing(ctx, tmp_path):
    account.configure(ctx, ADMIN, timezone="America/New_York")
    populate(ctx)
    before = all_contacts(ctx)
    path = tmp_path / "export.csv"
    export_csv(ctx, path)
    r = import_csv(ctx, ALICE, path, strict=True)
    assert (r.applied, r.rows, r.created, r.updated, r.status_changed, r.bad_rows) == (True, 5, 0, 5, 0, 0)
    assert r.ignored_columns == ()
    assert all_contacts(ctx) == before


def test_export_then_import_into_an_empty_store_recreates_the_contacts(ctx, tmp_path):
    account.configure(ctx, ADMIN, timezone="Europe/Amsterdam")
    populate(ctx)
    before = all_contacts(ctx)
    path = tmp_path / "export.csv"
    assert export_csv(ctx, path) == 5
    with ctx.write() as s:
        clear_demo_data(s)
    assert all_contacts(ctx) == []
    r = import_csv(ctx, ADMIN, path, strict=True)
    assert (r.created, r.bad_rows) == (5, 0)
    after = all_contacts(ctx)
    strip = lambda rows: [{k: v for k, v in c.items() if k != "id"} for c in rows]  # noqa: E731
    assert strip(after) == strip(before)  # statuses, pending flags, sources, exact dates, text as given


def test_export_of_a_filter(ctx):
    populate(ctx)
    out = io.StringIO()
    be = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "BE"}]}]}
    assert export_csv(ctx, out, be) == 1
    assert [r[1] for r in read(out.getvalue())[1:]] == ["ed@example.com"]
