"""Import from a dashboard upload (``services.import_upload``): the upload checked, the columns
recognised, the import and its dry run with the error report as text, the spike guard."""

import os
import tempfile

import pytest
from sqlalchemy import select

from mcwidgets.app import App
from mcwidgets.domain.errors import ValidationError
from mcwidgets.services import account, usage, workflows
from mcwidgets.store.models import Contact
from mcwidgets.services.import_upload import (
    ImportAccess,
    import_access,
    import_upload,
    mapping_changes,
    preview_columns,
    read_upload,
    report_name,
    size_text,
)
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import make_contact

GOOD = (b"Email,First Name,Marketing contact status,Notes\n"
        b"new1@example.com,New,marketing,hello\n"
        b"known0@example.com,Known,non-marketing,\n"
        b"bad-email,=cmd|' /C calc'!A0,marketing,x\n"
        b"new2@example.com,Two,,\n")


def uploads_left() -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("mcwidgets-upload-")}


# ---- the upload checked ---------------------------------------------------------------------

@pytest.mark.parametrize("name, content, says", [
    ("contacts.xlsx", GOOD, "contacts.xlsx is not a CSV file"),
    ("contacts.csv", b"", "contacts.csv is empty"),
    ("contacts.csv", b"  \n\n", "contacts.csv is empty"),
    ("contacts.csv", b"Email\n" + b"x@example.com\n" * 20, "contacts.csv is too large to upload (286 bytes, at most 100 bytes)"),
    ("contacts.csv", b"PK\x03\x04\x00\x00binary", "contacts.csv is not a CSV file (it holds binary data)"),
    ("contacts.csv", "Email,Name\nx@example.com,Ren\xe9\n".encode("latin-1"), "contacts.csv is not UTF-8 text"),
])
def test_a_bad_upload_gets_one_clear_line(name, content, says):
    with pytest.raises(ValidationError) as e:
        read_upload(name, content, max_bytes=100)
    assert str(e.value).startswith(says) and "\n" not in str(e.value)


def test_a_good_upload_keeps_its_name_without_folders():
    up = read_upload("C:/Users/me/../contacts.CSV", memoryview(b"\xef\xbb\xbfEmail\nx@example.com\n"))
    assert up.name == "contacts.CSV" and up.size == 23
    assert report_name("my contacts (1).csv") == "my_contacts_1_.errors.csv"
    assert [size_text(n) for n in (286, 2560, 50 * 1024 * 1024)] == ["286 bytes", "2.5 KB", "50 MB"]


# ---- columns recognised -----------------------------------------------------------------------

def test_preview_recognises_columns_with_samples():
    p = preview_columns(read_upload("c.csv", GOOD))
    assert [(c.heading, c.recognised) for c in p.columns] == [
        ("Email", "email"), ("First Name", "first_name"), ("Marketing contact status", "marketing_status"),
        ("Notes", None)]
    assert p.columns[0].samples == ("new1@example.com", "known0@example.com", "bad-email")
    assert p.problem is None and p.recognised["Notes"] is None


def test_preview_says_what_is_wrong_with_a_mapping_and_still_shows_it():
    up = read_upload("c.csv", b"Mail;Name\nx@example.com;X\n")
    p = preview_columns(up)
    assert p.delimiter == ";" and p.problem.startswith("the file has no email column")
    assert [c.recognised for c in p.columns] == [None, None]
    fixed = preview_columns(up, {"Mail": "email", "Name": "firstname"})  # HubSpot's internal name too
    assert fixed.problem is None and [c.recognised for c in fixed.columns] == ["email", "first_name"]
    both = preview_columns(up, {"Mail": "email", "Name": "email"})
    assert "maps both 'Mail' and 'Name' to email" in both.problem
    assert [c.recognised for c in both.columns] == ["email", "email"]


def test_only_the_changed_columns_are_passed_as_the_mapping():
    recognised = {"Email": "email", "Name": "first_name", "Notes": None}
    assert mapping_changes(recognised, {"Email": "email", "Name": "first_name", "Notes": ""}) == {}
    assert mapping_changes(recognised, {"Email": "email", "Name": "", "Notes": "company"}) == {
        "Name": None, "Notes": "company"}


# ---- who may import ------------------------------------------------------------------------------

def test_who_may_import(ctx):
    assert import_access(ctx, ADMIN) == ImportAccess(True, True, None)
    assert import_access(ctx, ALICE) == ImportAccess(True, True, None)
    bob = import_access(ctx, BOB)
    assert (bob.may_import, bob.may_set_marketing) == (True, False)
    assert "bob does not have the 'Edit marketing contacts' permission" in bob.reason
    nobody = import_access(ctx, None)
    assert not nobody.may_import and "read-only" in nobody.reason
    from mcwidgets.domain.actors import Actor, ActorKind

    eve = import_access(ctx, Actor(ActorKind.USER, "eve"))
    assert not eve.may_import and "Unknown user 'eve'" in eve.reason


# ---- the import -------------------------------------------------------------------------------------

def test_import_upload_applies_good_rows_and_returns_a_csv_safe_report(ctx):
    make_contact(ctx, "marketing", email="known0@example.com")
    before = uploads_left()
    r = import_upload(ctx, ALICE, read_upload("c.csv", GOOD))
    assert r.applied and (r.rows, r.created, r.updated, r.bad_rows) == (4, 2, 1, 1)
    assert r.error_csv_path is None
    lines = r.error_csv_text.splitlines()
    assert lines[0] == "Email,First Name,Marketing contact status,Notes,error"
    assert lines[1].startswith("bad-email,'=cmd|' /C calc'!A0,marketing,x,row 4: invalid email")  # neutralised
    assert uploads_left() == before  # the uploaded file does not stay on disk
    assert usage.status(ctx).total == 3


def test_dry_run_of_an_upload_stores_nothing_and_forecasts(ctx):
    before = usage.status(ctx)
    r = import_upload(ctx, ALICE, read_upload("c.csv", GOOD), dry_run=True)
    assert r.dry_run and not r.applied and (r.created, r.bad_rows, r.marketing_changes) == (3, 1, 1)
    assert r.forecast.after.marketing == before.marketing + 1
    assert usage.status(ctx) == before


def test_an_upload_the_spike_guard_holds_is_approved_from_its_kept_rows(ctx):
    account.configure(ctx, ADMIN, spike_limit=0)
    up = read_upload("c.csv", GOOD)
    dry = import_upload(ctx, ALICE, up, dry_run=True)
    assert dry.would_be_held
    r = import_upload(ctx, ALICE, up)
    assert not r.applied and r.held_action_id is not None and usage.status(ctx).total == 0
    assert "invalid email" in r.error_csv_text
    workflows.approve(ctx, ADMIN, r.held_action_id)  # its file is gone: the rows were kept when held
    assert usage.status(ctx).total == 3


def test_app_import_upload_refreshes_the_views_only_when_something_happened(ctx):
    app = App(ctx, "alice")
    calls = []
    app.on_change(lambda: calls.append(1))
    up = read_upload("c.csv", GOOD)
    app.import_upload(up, dry_run=True)
    assert calls == []
    app.import_upload(up, mapping={"Notes": "company"})
    assert calls == [1]
    with ctx.read() as s:  # the changed column was imported as the chosen property
        assert s.scalar(select(Contact.company).where(Contact.email == "new1@example.com")) == "hello"
