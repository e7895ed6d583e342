"""CSV import on SQLite and PostgreSQL: bad rows, modes, headings, status rules, audit, atomicity."""

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import func, select

from mcwidgets.domain.contacts import normalize_email
from mcwidgets.domain.errors import PermissionDenied, ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, contacts, importer, status
from mcwidgets.services.importer import import_csv
from mcwidgets.store.models import Action, AuditEvent, Contact
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import audit_rows, make_contact, state_of

XSS = "<img src=x onerror=alert(1)>"

MIXED = [
    ["Email", "First Name", "Last Name", "Company Name", "Create Date", "Marketing contact status",
     "Lifecycle Stage"],
    ["ann@example.com", XSS, 'O\'Neill "the boss"', "Acme", "2026-01-02", "", "lead"],  # 2 good
    ["", "Nobody", "", "", "", "", ""],                                                   # 3 no email
    ["not-an-email", "Bad", "", "", "", "", ""],                                          # 4 invalid
    ["ANN@example.com", "Second", "", "", "", "", ""],                                    # 5 duplicate of 2
    ["cid@example.com", "Cid", "", "", "26/11/2026", "", ""],                            # 6 bad date
    ["dee@example.com", "Dee", "", "", "", "maybe", ""],                                 # 7 bad status
    ["eve@example.com", "Eve", "", "", "2026-03-04 10:30", "non-marketing", "customer"],  # 8 good
    ["fay@example.com", "Fay", "", "", "", "", "boss"],                                  # 9 bad stage
    ["gus@example.com", "G" * 101, "", "", "", "", ""],                                  # 10 too long
]
BAD_ROWS = [3, 4, 5, 6, 7, 9, 10]


def write_csv(path, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def count(ctx, model, *where):
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def contact_by_email(ctx, email):
    with ctx.read() as s:
        row = s.scalar(select(Contact).where(Contact.email == email))
        return None if row is None else contacts.contact_dict(row)


def snapshot(ctx):
    """Everything an import may touch."""
    with ctx.read() as s:
        cs = [contacts.contact_dict(c) for c in s.scalars(select(Contact).order_by(Contact.id))]
        acts = s.execute(select(Action.id, Action.kind)).all()
        audit = s.execute(select(AuditEvent.id, AuditEvent.contact_id)).all()
    return cs, acts, audit


def test_good_and_bad_rows_default_mode(ctx, tmp_path):
    path = write_csv(tmp_path / "contacts.csv", MIXED)
    r = import_csv(ctx, ALICE, path)
    assert (r.rows, r.created, r.updated, r.bad_rows, r.applied) == (9, 2, 0, 7, True)
    assert [e[0] for e in r.errors] == BAD_ROWS
    reasons = {row: reason for row, _, reason in r.errors}
    assert reasons[3] == "email is missing"
    assert reasons[4] == "invalid email 'not-an-email'"
    assert reasons[5] == "duplicate email in the file (first in row 2)"
    assert reasons[6].startswith("unparsable Create Date '26/11/2026'")
    assert reasons[7].startswith("unknown marketing contact status 'maybe'")
    assert reasons[9] == "unknown lifecycle stage 'boss'"
    assert reasons[10] == "First Name too long (101 characters, at most 100)"
    assert dict((row, email) for row, email, _ in r.errors)[5] == "ann@example.com"
    # stray HTML and quotes are data, stored as given
    ann = contact_by_email(ctx, "ann@example.com")
    assert ann["first_name"] == XSS and ann["last_name"] == 'O\'Neill "the boss"'
    assert (ann["company"], ann["lifecycle_stage"], ann["created_at"]) == ("Acme", "lead", datetime(2026, 1, 2))
    assert (ann["source"], ann["marketing_status"], ann["pending_non_marketing"]) == ("import", "non_marketing",
                                                                                       False)
    eve = contact_by_email(ctx, "eve@example.com")
    assert (eve["created_at"], eve["lifecycle_stage"]) == (datetime(2026, 3, 4, 10, 30), "customer")
    assert count(ctx, Contact) == 2
    # the error report: next to the input, original columns + error, bad rows only
    assert r.error_csv_path == str(tmp_path / "contacts.errors.csv")
    with open(r.error_csv_path, newline="", encoding="utf-8") as f:
        report = list(csv.reader(f))
    assert report[0] == MIXED[0] + ["error"]
    assert [line[:-1] for line in report[1:]] == [MIXED[n - 1] for n in BAD_ROWS]
    assert report[1][-1] == "row 3: email is missing"


def test_strict_mode_applies_nothing(ctx, tmp_path):
    existing = make_contact(ctx, "marketing", email="eve@example.com")
    before = snapshot(ctx)
    path = write_csv(tmp_path / "contacts.csv", MIXED)
    report = tmp_path / "bad.csv"
    r = import_csv(ctx, ALICE, path, strict=True, errors_path=report)
    assert (r.applied, r.action_id, r.created, r.updated, r.bad_rows) == (False, None, 0, 0, 7)
    assert [e[0] for e in r.errors] == BAD_ROWS
    assert snapshot(ctx) == before  # eve not set pending, ann not created, no action
    assert state_of(ctx, existing) == ("marketing", False)
    assert r.error_csv_path == str(report) and len(list(csv.reader(open(report)))) == 1 + len(BAD_ROWS)
    # the same file without its bad rows goes in, strictly
    good = write_csv(tmp_path / "good.csv", [MIXED[0], MIXED[1], MIXED[7]])
    r = import_csv(ctx, ALICE, good, strict=True)
    assert (r.applied, r.created, r.updated, r.bad_rows, r.error_csv_path) == (True, 1, 1, 0, None)
    assert state_of(ctx, existing) == ("marketing", True)


def test_headings_are_case_insensitive_with_aliases_and_unknown_ones_kept_as_custom_properties(ctx, tmp_path):
    rows = [["E-MAIL ADDRESS", "firstname", "LAST NAME", "company", "country / region", "Hard Bounce",
             "unsubscribed from all email", "last activity date", "LIFECYCLE STAGE", "Favourite colour",
             "Record ID", "Original Source"],
            ["Kim@Example.com", "Kim", "Lee", "Blue", "KR", "yes", "No", "2026-05-06T07:08:09Z", "MQL", "red", "77",
             "Organic search"]]
    r = import_csv(ctx, ADMIN, write_csv(tmp_path / "a.csv", rows))
    assert (r.created, r.bad_rows) == (1, 0)
    assert r.ignored_columns == ()
    assert r.new_properties == (("favourite_colour", "text", "Favourite colour"),)
    assert r.columns["E-MAIL ADDRESS"] == "email" and r.columns["Hard Bounce"] == "hard_bounced"
    kim = contact_by_email(ctx, "kim@example.com")
    assert {k: kim[k] for k in ("first_name", "last_name", "company", "country", "hard_bounced", "unsubscribed",
                                "last_activity_at", "lifecycle_stage", "source")} == {
        "first_name": "Kim", "last_name": "Lee", "company": "Blue", "country": "KR", "hard_bounced": True,
        "unsubscribed": False, "last_activity_at": datetime(2026, 5, 6, 7, 8, 9),
        "lifecycle_stage": "marketing_qualified_lead", "source": "import"}
    assert kim["id"] != 77  # Record ID is recognised, never imported
    with ctx.read() as s:
        assert s.get(Contact, kim["id"]).custom == {"favourite_colour": "red"}


def test_explicit_mapping_overrides_headings(ctx, tmp_path):
    rows = [["Correo", "Nombre", "Company", "Email"], ["luz@example.com", "Luz", "Sol", "ignored@example.com"]]
    path = write_csv(tmp_path / "m.csv", rows)
    r = import_csv(ctx, ADMIN, path, mapping={"correo": "email", "NOMBRE": "first_name", "Company": None})
    assert (r.created, r.bad_rows) == (1, 0)
    assert set(r.ignored_columns) == {"Company", "Email"}
    luz = contact_by_email(ctx, "luz@example.com")
    assert (luz["first_name"], luz["company"]) == ("Luz", None)
    assert contact_by_email(ctx, "ignored@example.com") is None


@pytest.mark.parametrize("rows, mapping, message", [
    ([["Name", "Company"], ["x", "y"]], None, "no email column"),
    ([["Email", "E-mail"], ["a@b.cd", "a@b.cd"]], None, "'Email' and 'E-mail' both mean email"),
    ([["Email"], ["a@b.cd"]], {"Mail": "email"}, "does not have: 'Mail'"),
    ([["Email", "X"], ["a@b.cd", "1"]], {"X": "shoe_size"}, "unknown property 'shoe_size'"),
    ([["Email"], ["a@b.cd"]], {"Email": None}, "no email column"),
    ([], None, "is empty"),
])
def test_unusable_files_are_refused_with_nothing_written(ctx, tmp_path, rows, mapping, message):
    before = snapshot(ctx)
    with pytest.raises(ValidationError, match=message):
        import_csv(ctx, ADMIN, write_csv(tmp_path / "x.csv", rows), mapping=mapping)
    assert snapshot(ctx) == before


def test_existing_contacts_are_updated_by_email_case_insensitively(ctx, tmp_path):
    cid = make_contact(ctx, "non_marketing", email="Jane.Doe@Example.com", first_name="Jane", company="Old",
                       country="NL")
    rows = [["Email", "First Name", "Company Name", "Country/Region", "Email hard bounced"],
            ["  JANE.DOE@EXAMPLE.COM ", "", "New & Co", "", "true"]]
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "u.csv", rows))
    assert (r.created, r.updated, r.status_changed, r.bad_rows) == (0, 1, 0, 0)
    jane = contacts.get_contact(ctx, cid)
    # blank cells keep what is stored; given values replace it
    assert (jane["first_name"], jane["company"], jane["country"], jane["hard_bounced"]) == ("Jane", "New & Co",
                                                                                           "NL", True)
    assert jane["email"] == "jane.doe@example.com" and count(ctx, Contact) == 1


def test_status_column_follows_the_status_rules(ctx, tmp_path):
    m = make_contact(ctx, "marketing", email="m@example.com")
    m2 = make_contact(ctx, "marketing", email="m2@example.com")
    p = make_contact(ctx, "pending", email="p@example.com")
    n = make_contact(ctx, "non_marketing", email="n@example.com")
    n2 = make_contact(ctx, "non_marketing", email="n2@example.com")
    keep = make_contact(ctx, "marketing", email="keep@example.com")
    rows = [["Email", "Marketing contact status", "Marketing contact until next update"],
            ["m@example.com", "Non-marketing contact", ""],     # marketing -> only pending
            ["m2@example.com", "Marketing contact", "Yes"],     # marketing, pending -> pending
            ["p@example.com", "marketing", "No"],               # pending -> cancelled
            ["n@example.com", "marketing", ""],                 # non-marketing -> marketing
            ["n2@example.com", "non_marketing", ""],            # nothing changes
            ["keep@example.com", "", ""],                       # no status: left alone
            ["new@example.com", "marketing", "yes"]]            # new: marketing and pending
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "s.csv", rows))
    assert (r.created, r.updated, r.status_changed, r.bad_rows) == (1, 6, 4, 0)
    assert state_of(ctx, m) == ("marketing", True)
    assert state_of(ctx, m2) == ("marketing", True)
    assert state_of(ctx, p) == ("marketing", False)
    assert state_of(ctx, n) == ("marketing", False)
    assert state_of(ctx, n2) == ("non_marketing", False)
    assert state_of(ctx, keep) == ("marketing", False)
    new = contact_by_email(ctx, "new@example.com")
    assert (new["marketing_status"], new["pending_non_marketing"]) == ("marketing", True)
    # one audit row per changed or created contact, with old and new values
    assert audit_rows(ctx, r.action_id) == sorted([
        (m, "marketing", "marketing", False, True),
        (m2, "marketing", "marketing", False, True),
        (p, "marketing", "marketing", True, False),
        (n, "non_marketing", "marketing", False, False),
        (new["id"], None, "marketing", None, True),
    ])


def test_user_without_permission_cannot_set_marketing_through_the_file(ctx, tmp_path):
    n = make_contact(ctx, "non_marketing", email="n@example.com", company="Old")
    p = make_contact(ctx, "pending", email="p@example.com")
    m = make_contact(ctx, "marketing", email="m@example.com")
    rows = [["Email", "Company", "Marketing contact status"],
            ["n@example.com", "New", "marketing"],           # 2 would become marketing: refused, whole row
            ["p@example.com", "", "marketing"],              # 3 would cancel pending: refused
            ["m@example.com", "Kept", "marketing"],          # 4 already marketing: no change, fine
            ["new1@example.com", "", "marketing"],           # 5 new marketing: refused
            ["new2@example.com", "", ""],                    # 6 new, default status
            ["new3@example.com", "", "non-marketing"]]       # 7 fine
    r = import_csv(ctx, BOB, write_csv(tmp_path / "b.csv", rows))
    assert [(row, reason) for row, _, reason in r.errors] == [
        (2, "no permission to set as marketing"), (3, "no permission to set as marketing"),
        (5, "no permission to set as marketing")]
    assert (r.created, r.updated, r.bad_rows) == (2, 1, 3)
    assert state_of(ctx, n) == ("non_marketing", False) and contacts.get_contact(ctx, n)["company"] == "Old"
    assert state_of(ctx, p) == ("marketing", True)
    assert contacts.get_contact(ctx, m)["company"] == "Kept"
    assert contact_by_email(ctx, "new1@example.com") is None
    assert contact_by_email(ctx, "new2@example.com")["marketing_status"] == "non_marketing"
    # the same file strictly: nothing at all
    before = snapshot(ctx)
    r = import_csv(ctx, BOB, write_csv(tmp_path / "b2.csv", rows), strict=True)
    assert not r.applied and r.bad_rows == 3 and snapshot(ctx) == before


def test_as_marketing_is_refused_for_bob_before_anything_changes(ctx, tmp_path):
    make_contact(ctx, "marketing", email="m@example.com")
    before = snapshot(ctx)
    rows = [["Email", "Marketing contact status"], ["x@example.com", ""], ["m@example.com", "non-marketing"]]
    with pytest.raises(PermissionDenied, match="bob does not have the 'Edit marketing contacts' permission"):
        import_csv(ctx, BOB, write_csv(tmp_path / "x.csv", rows), as_marketing=True)
    assert snapshot(ctx) == before
    assert not (tmp_path / "x.errors.csv").exists()


def test_as_marketing_creates_new_contacts_as_marketing_and_upgrades_the_tier(ctx, tmp_path, clock):
    account.configure(ctx, ADMIN, edition="starter", tier_steps={"starter": {"included": 2, "step": 2}})
    account.configure(ctx, ADMIN, tier=2)  # a request for the next update date...
    clock.set(datetime(2026, 12, 26, 0, 1))  # ...which the import's rollover applies first
    n = make_contact(ctx, "non_marketing", email="old@example.com")
    rows = [["Email", "Marketing contact status"]] + [[f"c{i}@example.com", ""] for i in range(4)] + [
        ["said-no@example.com", "non-marketing"], ["old@example.com", ""]]
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "x.csv", rows), as_marketing=True)
    assert (r.created, r.updated, r.bad_rows) == (5, 1, 0)
    assert {contact_by_email(ctx, f"c{i}@example.com")["marketing_status"] for i in range(4)} == {"marketing"}
    assert contact_by_email(ctx, "said-no@example.com")["marketing_status"] == "non_marketing"
    assert state_of(ctx, n) == ("non_marketing", False)  # existing contacts follow their own row only
    assert (r.tier_before, r.tier_after) == (2, 4)  # 4 marketing contacts: upgraded at once
    assert account.get_info(ctx).tier == 4


def test_new_contacts_get_the_import_tools_default_status(ctx, tmp_path):
    contacts.set_default_status(ctx, ADMIN, "import", "marketing")
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "x.csv", [["Email"], ["d@example.com"]]))
    assert r.created == 1 and contact_by_email(ctx, "d@example.com")["marketing_status"] == "marketing"


@pytest.mark.parametrize("step", ["import-staged", "import-contacts-updated", "import-contacts-created",
                                  "import-recorded"])
def test_failure_midway_leaves_nothing(ctx, tmp_path, step):
    make_contact(ctx, "marketing", email="m@example.com")
    before = snapshot(ctx)
    rows = [["Email", "Marketing contact status"], ["m@example.com", "non-marketing"], ["new@example.com", ""],
            ["", "marketing"], ["bad", ""]]
    path = write_csv(tmp_path / "x.csv", rows)

    def boom(name):
        if name == step:
            raise RuntimeError(f"crash at {name}")

    ctx.checkpoint = boom
    with pytest.raises(RuntimeError, match=f"crash at {step}"):
        import_csv(ctx, ALICE, path)
    ctx.checkpoint = lambda name: None
    assert snapshot(ctx) == before
    # the staging table went with the transaction: the next import on the pool works
    r = import_csv(ctx, ALICE, path)
    assert (r.created, r.updated, r.status_changed, r.bad_rows) == (1, 1, 1, 2)


def test_action_and_audit_rows(ctx, tmp_path):
    m = make_contact(ctx, "marketing", email="m@example.com")
    rows = [["Email", "Marketing contact status"], ["m@example.com", "non-marketing"], ["a@example.com", ""],
            ["b@example.com", "non-marketing"], ["x", ""]]
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "audit.csv", rows))
    with ctx.read() as s:
        action = s.get(Action, r.action_id)
        ids = {e: s.scalar(select(Contact.id).where(Contact.email == e)) for e in ("a@example.com", "b@example.com")}
    assert (action.kind, action.actor_kind, action.actor_name) == ("import", "user", "alice")
    assert (action.matched, action.changed) == (3, 3)
    assert action.details["created"] == 2 and action.details["updated"] == 1 and action.details["bad_rows"] == 1
    assert action.details["status_changed"] == 1 and "audit.csv" in action.description
    assert audit_rows(ctx, r.action_id) == sorted([
        (m, "marketing", "marketing", False, True),
        (ids["a@example.com"], None, "non_marketing", None, False),
        (ids["b@example.com"], None, "non_marketing", None, False)])
    # a second identical import changes no status: no audit rows, but it is still an action
    r2 = import_csv(ctx, ALICE, write_csv(tmp_path / "audit2.csv", rows[:4]))
    assert (r2.created, r2.updated, r2.status_changed) == (0, 3, 0)
    assert audit_rows(ctx, r2.action_id) == []


def test_due_rollover_is_applied_before_the_import(ctx, tmp_path, clock):
    p = make_contact(ctx, "pending", email="p@example.com")
    clock.set(datetime(2026, 12, 26, 0, 1))  # the next update date has passed
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "x.csv", [["Email", "Company"], ["p@example.com", "Co"]]))
    assert r.updated == 1 and state_of(ctx, p) == ("non_marketing", False)
    with ctx.read() as s:
        kinds = [k for (k,) in s.execute(select(Action.kind).order_by(Action.id))]
    assert kinds[-2:] == ["rollover", "import"]


def test_chunks_find_duplicates_across_chunks_and_keep_row_numbers(ctx, tmp_path):
    rows = [["Email", "Notes"]] + [[f"u{i}@example.com", ""] for i in range(7)]
    rows.insert(4, ["", ""])  # an empty row (row 5): skipped, still numbered
    rows.append(["U1@EXAMPLE.COM", "again"])  # row 10, duplicate of row 3, in another chunk
    rows.append(['u9@example.com', "two\nlines"])  # row 11: one record over two lines
    rows.append(["u10", ""])  # row 12
    calls = []
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "c.csv", rows), chunk_rows=2,
                   progress=lambda done, total: calls.append((done, total)))
    assert [(row, reason) for row, _, reason in r.errors] == [
        (10, "duplicate email in the file (first in row 3)"), (12, "invalid email 'u10'")]
    assert (r.rows, r.created) == (10, 8)
    assert calls[:5] == [(2, None), (4, None), (6, None), (8, None), (10, None)] and calls[-1] == (10, 10)


def test_file_objects_delimiters_and_bom(ctx):
    text = "\ufeffEmail;First Name\r\nsemi@example.com;Sem\r\n"
    r = import_csv(ctx, ALICE, io.BytesIO(text.encode("utf-8")))
    assert (r.created, r.bad_rows, r.ignored_columns) == (1, 0, ())
    assert contact_by_email(ctx, "semi@example.com")["first_name"] == "Sem"
    r = import_csv(ctx, ALICE, io.StringIO("Email\tFirst Name\ntab@example.com\tTab\nbad\tX\n"))
    assert r.created == 1 and r.error_csv_path is None
    assert r.error_csv_text == "Email\tFirst Name\terror\r\nbad\tX\trow 3: invalid email 'bad'\r\n"


def test_not_utf8_is_refused(ctx):
    with pytest.raises(ValidationError, match="not UTF-8"):
        import_csv(ctx, ALICE, io.BytesIO("Email,Name\nx@example.com,Jos\xe9\n".encode("latin-1")))
    assert count(ctx, Contact) == 0


def test_dates_are_local_to_the_account_unless_they_carry_an_offset(ctx, tmp_path):
    account.configure(ctx, ADMIN, timezone="Europe/Amsterdam")
    rows = [["Email", "Create Date", "Last Activity Date"],
            ["a@example.com", "2026-07-01 12:00", "2026-07-01T12:00:00Z"],
            ["b@example.com", "2026-01-15", "2026-01-15 08:00:00.250000+02:00"]]
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "d.csv", rows))
    assert r.bad_rows == 0
    a, b = contact_by_email(ctx, "a@example.com"), contact_by_email(ctx, "b@example.com")
    assert (a["created_at"], a["last_activity_at"]) == (datetime(2026, 7, 1, 10, 0), datetime(2026, 7, 1, 12, 0))
    assert (b["created_at"], b["last_activity_at"]) == (datetime(2026, 1, 14, 23, 0),
                                                        datetime(2026, 1, 15, 6, 0, 0, 250000))


def test_more_values_than_headings_and_bad_booleans_are_bad_rows(ctx):
    text = "Email,Name,Unsubscribed from all email\nok@example.com,A,no,,\nx@example.com,B,no,extra\ny@example.com,C,perhaps\n"
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert [(row, reason) for row, _, reason in r.errors] == [
        (3, "more values than headings (4 > 3)"),
        (4, "Unsubscribed from all email 'perhaps' is not a yes/no value (yes, no, true, false, 1, 0)")]
    assert r.created == 1


def test_all_reasons_of_a_row_are_reported(ctx):
    r = import_csv(ctx, ALICE, io.StringIO("Email,Create Date,Marketing contact status\nnope,yesterday,maybe\n"))
    assert r.errors[0][2].split("; ")[0] == "invalid email 'nope'"
    assert len(r.errors[0][2].split("; ")) == 3


@pytest.mark.parametrize("email", ["a@b.co", "A.B+c@Example.COM", "  x@y.zz  ", "no-at.example.com", "a@b",
                                   "a b@c.de", "a@@b.cd", "@b.cd", "a@b.", "x" * 250 + "@b.cd", "ü@ö.de",
                                   "a@b.c\n"])
def test_vectorised_email_rule_is_normalize_email(ctx, email):
    try:
        expected = normalize_email(email)
    except ValidationError:
        expected = None
    r = import_csv(ctx, ADMIN, io.StringIO(f'Email\n"{email}"\n'))
    if expected is None:
        assert r.created == 0 and r.errors[0][2].startswith("invalid email")
    else:
        assert r.created == 1 and contact_by_email(ctx, expected) is not None


def test_unknown_user_is_refused(ctx):
    from mcwidgets.domain.actors import Actor, ActorKind
    from mcwidgets.domain.errors import NotFound

    with pytest.raises(NotFound, match="mallory"):
        import_csv(ctx, Actor(ActorKind.USER, "mallory"), io.StringIO("Email\na@example.com\n"))
    assert count(ctx, Contact) == 0


def test_errors_listed_in_the_result_are_capped_but_counted(ctx, monkeypatch):
    monkeypatch.setattr(importer, "MAX_LISTED_ERRORS", 3)
    r = import_csv(ctx, ALICE, io.StringIO("Email\n" + "bad\n" * 5 + "ok@example.com\n"))
    assert (r.bad_rows, len(r.errors), r.created) == (5, 3, 1)
    assert r.error_csv_text.count("invalid email") == 5


def test_imported_contacts_work_with_the_status_actions(ctx):
    import_csv(ctx, ALICE, io.StringIO("Email,Marketing contact status\nq@example.com,marketing\n"))
    cid = contact_by_email(ctx, "q@example.com")["id"]
    status.set_non_marketing(ctx, ALICE, Selection.of_ids([cid]))
    assert state_of(ctx, cid) == ("marketing", True)


def test_large_import_into_a_small_table_rebuilds_the_indexes_inside_the_transaction(ctx, monkeypatch):
    from sqlalchemy import inspect

    from mcwidgets.store import importing

    monkeypatch.setattr(importing, "REBUILD_INDEXES_FROM", 2)  # SQLite only; PostgreSQL keeps its indexes
    indexes = lambda: sorted(ix["name"] for ix in inspect(ctx.engine).get_indexes("contacts"))  # noqa: E731
    before = indexes()
    assert "ix_contacts_last_name_id" in before
    text = "Email,Last Name\n" + "".join(f"r{i}@example.com,N{i % 3}\n" for i in range(6))

    def boom(name):
        if name == "import-contacts-created":
            raise RuntimeError("crash")

    ctx.checkpoint = boom
    with pytest.raises(RuntimeError):
        import_csv(ctx, ALICE, io.StringIO(text))
    assert indexes() == before and count(ctx, Contact) == 0
    ctx.checkpoint = lambda name: None
    r = import_csv(ctx, ALICE, io.StringIO(text))
    assert r.created == 6 and indexes() == before
    with ctx.read() as s:  # the rebuilt index serves the grid's order
        names = [n for (n,) in s.execute(select(Contact.last_name).order_by(Contact.last_name, Contact.id))]
    assert names == sorted(names)


@pytest.mark.parametrize("tz", ["UTC", "Europe/Amsterdam", "America/New_York"])
def test_vectorised_dates_mean_what_parse_datetime_means(tz):
    from zoneinfo import ZoneInfo

    from mcwidgets.services.csvcolumns import parse_datetime, parse_datetimes

    values = ["2026-03-29 02:30", "2026-10-25 02:30", "2026-03-08 02:30", "2026-11-01 01:30",  # DST gaps/overlaps
              "2026-11-26", "2026-11-26 13:05", "2026-11-26T13:05:07", "2026-11-26 13:05:07.5",
              "2026-11-26T12:05:00Z", "2026-11-26 13:05:00.250000+01:00", "2026-11-26T13:05-0500",
              "2026-11-26T13", "2026-02-30", "2026-11-26T24:00", "26/11/2026", "20261126", "2026-W48-4",
              "yesterday", "", "2026-11-26 13:05:00.1234567"]
    got, bad = parse_datetimes(values, ZoneInfo(tz))
    for v, g, b in zip(values, got.tolist(), bad.tolist()):
        try:
            expected = parse_datetime(v, ZoneInfo(tz))
        except ValueError:
            expected = "bad"
        assert ("bad" if b else g) == expected, v


SPIKY = [["Email", "Marketing contact status"], ["a@example.com", "marketing"], ["b@example.com", ""],
         ["n@example.com", "marketing"], ["c@example.com", "non-marketing"], ["p@example.com", "non-marketing"]]


def test_spike_guard_holds_a_large_marketing_import_until_an_admin_approves(ctx, tmp_path):
    from mcwidgets.services import workflows
    from mcwidgets.store.models import HeldAction

    account.configure(ctx, ADMIN, spike_limit=2)
    n = make_contact(ctx, "non_marketing", email="n@example.com")
    p = make_contact(ctx, "marketing", email="p@example.com")
    before = snapshot(ctx)
    path = write_csv(tmp_path / "spiky.csv", SPIKY)
    r = import_csv(ctx, ALICE, path, as_marketing=True)  # a, b created marketing, n set as marketing: 3 > 2
    assert (r.applied, r.action_id, r.created, r.marketing_changes) == (False, None, 0, 3)
    assert r.held_action_id is not None
    assert snapshot(ctx) == before  # nothing applied, not even p's non-marketing row
    held = workflows.list_held(ctx)
    assert [(h.id, h.kind, h.count, h.requested_by) for h in held] == [(r.held_action_id, "import", 3, "alice")]
    assert "spiky.csv" in held[0].what
    with pytest.raises(PermissionDenied):
        workflows.approve(ctx, ALICE, r.held_action_id)  # admins only
    done = workflows.approve(ctx, ADMIN, r.held_action_id)
    assert (done.applied, done.created, done.updated, done.marketing_changes) == (True, 3, 2, 3)
    assert state_of(ctx, n) == ("marketing", False) and state_of(ctx, p) == ("marketing", True)
    assert contact_by_email(ctx, "b@example.com")["marketing_status"] == "marketing"
    with ctx.read() as s:
        action = s.get(Action, done.action_id)
        assert s.get(HeldAction, r.held_action_id).result_action_id == done.action_id
    assert (action.kind, action.actor_name) == ("import", "alice")  # as the user who asked for it
    assert workflows.list_held(ctx) == []


def test_spike_guard_limit_is_inclusive_and_file_objects_cannot_be_held(ctx, tmp_path):
    from mcwidgets.domain.errors import Conflict

    account.configure(ctx, ADMIN, spike_limit=2)
    make_contact(ctx, "non_marketing", email="n@example.com")
    text = "".join(",".join(row) + "\n" for row in SPIKY)
    before = snapshot(ctx)
    with pytest.raises(Conflict, match="would set 3 contacts as marketing, more than the spike limit of 2"):
        import_csv(ctx, ALICE, io.StringIO(text), as_marketing=True)
    assert snapshot(ctx) == before
    account.configure(ctx, ADMIN, spike_limit=3)
    r = import_csv(ctx, ALICE, io.StringIO(text), as_marketing=True)
    assert (r.applied, r.held_action_id, r.created, r.marketing_changes) == (True, None, 4, 3)


def test_workflows_that_are_on_run_over_the_imported_contacts(ctx, tmp_path):
    from mcwidgets.services import workflows

    nl = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}
    old = make_contact(ctx, "marketing", email="old@example.com", country="BE")
    untouched = make_contact(ctx, "marketing", email="untouched@example.com", country="NL")
    workflows.create(ctx, ADMIN, "Dutch out", nl, "non-marketing")
    workflows.turn_on(ctx, ADMIN, "Dutch out", enroll_existing=False)
    rows = [["Email", "Country", "Marketing contact status"], ["old@example.com", "NL", ""],
            ["new@example.com", "NL", "marketing"], ["be@example.com", "BE", "marketing"]]
    r = import_csv(ctx, ALICE, write_csv(tmp_path / "wf.csv", rows))
    assert (r.created, r.updated) == (2, 1)
    assert [(run.workflow, run.enrolled, run.changed) for run in r.workflow_runs] == [("Dutch out", 2, 2)]
    assert state_of(ctx, old) == ("marketing", True)
    assert contact_by_email(ctx, "new@example.com")["pending_non_marketing"] is True
    assert contact_by_email(ctx, "be@example.com")["pending_non_marketing"] is False
    assert state_of(ctx, untouched) == ("marketing", False)  # not imported: not enrolled by the import
