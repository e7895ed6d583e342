"""Issue 11: billing dates stay exact when settings, time zones and clocks change.

Each test replays one finding of the audit, on SQLite and PostgreSQL: the next
update date ``status`` shows is exactly when rollover acts, a settings change
never makes a past date due, a clock set back never shows a processed date, a new
account is set up with the edition and tier given, a tier raised by an action is
recorded as a tier event, and a restricted user never creates marketing contacts.
"""

import time
from datetime import date, datetime, timezone

import pytest

from mcwidgets.domain.errors import PermissionDenied
from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, contacts, forms, history, importer, rollover, status, tier_events, usage, users
from mcwidgets.services.context import Context
from mcwidgets.store.models import Account
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import make_contact, state_of

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def opened(db_url, clock):
    """``opened("2026-03-15T02:00")``: a store opened (account created) at that instant, with admin,
    alice and bob (restricted)."""
    made = []

    def open_at(when: str) -> Context:
        clock.set(at(when))
        c = Context.open(db_url, clock=clock)
        users.add_user(c, None, "admin", admin=True)
        users.add_user(c, ADMIN, "alice")
        users.add_user(c, ADMIN, "bob", can_edit_marketing=False)
        made.append(c)
        return c

    yield open_at
    for c in made:
        c.dispose()


def next_date(ctx) -> str:
    return usage.status(ctx).next_update_date.isoformat()


# ---- finding 1: an account west of UTC skips its first update date -------------------

def test_account_west_of_utc_rolls_over_at_its_first_local_update_date(opened, clock):
    ctx = opened("2026-03-15T02:00")  # still 14 March in Los Angeles
    account.configure(ctx, ADMIN, billing="monthly", start="2026-01-15", timezone="America/Los_Angeles")
    p = make_contact(ctx, "pending")
    assert next_date(ctx) == "2026-03-15"
    clock.set(at("2026-03-15T06:59"))
    assert rollover.rollover(ctx).changed == 0 and state_of(ctx, p) == ("marketing", True)
    clock.set(at("2026-03-15T07:00"))  # Los Angeles midnight
    r = rollover.rollover(ctx)
    assert [d.isoformat() for d in r.update_dates] == ["2026-03-15"] and r.changed == 1
    assert state_of(ctx, p) == ("non_marketing", False)
    assert next_date(ctx) == "2026-04-15"


def test_a_new_account_whose_zone_is_set_takes_its_start_from_the_local_creation_date(opened, clock):
    ctx = opened("2026-03-15T02:00")
    info = account.configure(ctx, ADMIN, timezone="America/Los_Angeles")  # start not given
    assert info.billing_start == date(2026, 3, 14)  # the day it was created, in Los Angeles
    assert info.next_update_date == date(2026, 4, 14)


# ---- finding 2: a settings change never makes a past date due ------------------------

def test_switching_annual_to_monthly_keeps_pending_contacts_until_the_new_next_date(opened, clock):
    ctx = opened("2026-02-20T12:00")
    account.configure(ctx, ADMIN, billing="annual", start="2025-06-15")
    clock.set(at("2026-03-01T00:00"))
    assert [d.isoformat() for d in rollover.rollover(ctx).update_dates] == ["2026-03-01"]
    clock.set(at("2026-03-10T09:00"))
    p = make_contact(ctx, "pending")
    assert next_date(ctx) == "2026-04-01"
    clock.set(at("2026-03-20T09:00"))
    info = account.configure(ctx, ADMIN, billing="monthly", start="2026-01-15")
    assert state_of(ctx, p) == ("marketing", True)  # 2026-03-15 is past: never due
    assert info.next_update_date == date(2026, 4, 15) and next_date(ctx) == "2026-04-15"
    clock.set(at("2026-04-14T23:59"))
    assert rollover.rollover(ctx).changed == 0 and state_of(ctx, p) == ("marketing", True)
    clock.set(at("2026-04-15T00:00"))
    assert rollover.rollover(ctx).changed == 1 and state_of(ctx, p) == ("non_marketing", False)


@pytest.mark.parametrize("now, new_start, expected_next", [
    ("2026-03-20T09:00", "2026-01-10", "2026-04-10"),  # 03-10 is past on the new schedule
    ("2026-03-30T09:00", "2026-01-28", "2026-04-28"),  # 03-28 is past, after the 03-25 processed
])
def test_moving_the_monthly_start_day_never_makes_a_past_date_due(opened, clock, now, new_start, expected_next):
    ctx = opened("2026-01-25T12:00")
    account.configure(ctx, ADMIN, billing="monthly", start="2026-01-25")
    clock.set(at(now))
    p = make_contact(ctx, "pending")  # due dates (02-25, ...) roll over first; pending for the next one
    account.configure(ctx, ADMIN, start=new_start)
    assert state_of(ctx, p) == ("marketing", True)
    assert next_date(ctx) == expected_next
    clock.set(at(expected_next + "T00:00"))
    assert rollover.rollover(ctx).changed == 1


# ---- finding 3: moving the time zone west after a rollover ---------------------------

def test_zone_moved_west_after_a_rollover_shows_the_date_rollover_applies(opened, clock):
    ctx = opened("2026-02-15T00:00")  # UTC account, update dates on the 15th
    clock.set(at("2026-03-15T00:00"))
    assert rollover.rollover(ctx).update_dates == (date(2026, 3, 15),)
    clock.set(at("2026-03-15T03:00"))
    p = make_contact(ctx, "pending")
    account.configure(ctx, ADMIN, timezone="America/Los_Angeles")  # 14 March, 20:00 there
    shown = next_date(ctx)
    assert shown == "2026-03-15"
    clock.set(at("2026-03-15T07:00"))  # Los Angeles midnight
    r = rollover.rollover(ctx)
    assert [d.isoformat() for d in r.update_dates] == [shown] and state_of(ctx, p) == ("non_marketing", False)


def test_zone_moved_east_never_makes_a_date_due_at_once(opened, clock):
    ctx = opened("2026-02-15T00:00")
    clock.set(at("2026-03-14T20:00"))
    p = make_contact(ctx, "pending")
    account.configure(ctx, ADMIN, timezone="Pacific/Auckland")  # already 15 March, 09:00 there
    assert next_date(ctx) == "2026-04-15"
    assert state_of(ctx, p) == ("marketing", True)  # status applied nothing either


# ---- finding 4: a clock set back after a rollover ------------------------------------

def test_clock_set_back_never_shows_a_processed_date(ctx, clock):
    clock.set(at("2026-12-26T00:00"))
    rollover.rollover(ctx)
    clock.set(at("2026-12-20T00:00"))  # behind the processed boundary
    p = make_contact(ctx, "pending")
    assert next_date(ctx) == "2027-01-26"
    assert account.get_info(ctx).next_update_date == date(2027, 1, 26)
    clock.set(at("2026-12-26T12:00"))
    assert rollover.rollover(ctx).changed == 0 and state_of(ctx, p) == ("marketing", True)
    clock.set(at("2027-01-26T00:00"))
    assert rollover.rollover(ctx).changed == 1


def test_processed_boundary_is_an_instant(ctx, clock):
    account.configure(ctx, ADMIN, timezone="Europe/Amsterdam")
    clock.set(at("2026-12-25T23:00"))  # 26 Dec, 00:00 in Amsterdam
    rollover.rollover(ctx)
    with ctx.read() as s:
        acc = s.get(Account, 1)
        assert acc.processed_until == datetime(2026, 12, 25, 23, 0)
        assert acc.last_update_processed == date(2026, 12, 26)


def test_a_clock_far_in_the_future_catches_up_in_one_transition(ctx, clock):
    p = make_contact(ctx, "pending")
    clock.set(at("2226-11-26T12:00"))  # 2,400 missed update dates
    started = time.perf_counter()
    r = rollover.rollover(ctx)
    assert time.perf_counter() - started < 5
    assert len(r.update_dates) == 2400 and r.update_dates[0] == date(2026, 12, 26)
    assert r.update_dates[-1] == date(2226, 11, 26) and len(r.action_ids) == 1 and r.changed == 1
    assert state_of(ctx, p) == ("non_marketing", False)
    (row,) = [a for a in history.list_actions(ctx) if a.kind == "rollover"]
    assert row.details["update_date"] == "2226-11-26" and row.details["count"] == 2400
    assert row.details["first_update_date"] == "2026-12-26"
    assert next_date(ctx) == "2226-12-26"


# ---- finding 5: a new account is set up with the edition and tier given ---------------

def test_new_account_set_up_as_starter_1000_gets_tier_1000(ctx):
    info = account.configure(ctx, ADMIN, edition="starter", tier=1000)
    assert (info.edition, info.tier, info.requested_tier) == ("starter", 1000, None)


def test_new_account_edition_alone_takes_the_smallest_tier_that_fits(ctx):
    info = account.configure(ctx, ADMIN, edition="starter")
    assert (info.tier, info.requested_tier) == (1000, None)


def test_setting_up_a_tier_the_count_does_not_fit_is_a_request(ctx):
    account.configure(ctx, ADMIN, tier_steps={"starter": {"included": 1, "step": 1}})
    for i in range(3):
        make_contact(ctx, "marketing", i)
    info = account.configure(ctx, ADMIN, edition="starter", tier=2)
    assert (info.tier, info.requested_tier) == (3, 2)


def test_after_an_update_date_a_lower_tier_is_a_request(ctx, clock):
    clock.set(at("2026-12-26T00:00"))
    rollover.rollover(ctx)
    info = account.configure(ctx, ADMIN, edition="starter", tier=1000)
    assert (info.tier, info.requested_tier) == (2000, 1000)
    clock.set(at("2027-01-26T00:00"))
    assert rollover.rollover(ctx).tier_after == 1000


# ---- finding 6: tier events ------------------------------------------------------------

def _import_marketing(ctx, tmp_path, n, actor=ALICE):
    path = tmp_path / "many.csv"
    path.write_text("Email\n" + "".join(f"c{i}@example.com\n" for i in range(n)))
    return importer.import_csv(ctx, actor, path, as_marketing=True)


def test_an_import_over_the_tier_records_a_tier_event(ctx, clock, tmp_path):
    clock.set(at("2026-06-03T10:00"))
    result = _import_marketing(ctx, tmp_path, 2001)
    assert (result.tier_before, result.tier_after) == (2000, 7000)
    (ev,) = tier_events.list_events(ctx)
    assert (ev.tier_from, ev.tier_to, ev.actor, ev.action_kind, ev.action_id) == (2000, 7000, "alice", "import",
                                                                                    result.action_id)
    assert ev.text == "Tier raised from 2,000 to 7,000 on 3 Jun 2026 by alice's import of 2,001 contacts"
    assert ev.acknowledged_by is None
    js = usage.status(ctx).as_json()["tier_events"]
    assert js[0]["tier_from"] == 2000 and js[0]["tier_to"] == 7000 and js[0]["at"].startswith("2026-06-03T10:00")
    assert js[0]["text"] == ev.text and js[0]["acknowledged_by"] is None
    kinds = [a.kind for a in history.list_actions(ctx)]
    assert kinds[0] == "tier_raised" and "import" in kinds


def test_tier_events_are_newest_first_and_only_admins_acknowledge(ctx, clock):
    account.configure(ctx, ADMIN, tier_steps={"professional": {"included": 1, "step": 1}})
    account.configure(ctx, ADMIN, tier=1)
    make_contact(ctx, "marketing", 1)  # 1 of 1: fits
    clock.set(at("2026-11-27T10:00"))
    cid = make_contact(ctx, "non_marketing", 2)
    status.set_marketing(ctx, ALICE, Selection.of_ids([cid]))  # 2 > 1
    clock.set(at("2026-11-28T10:00"))
    contacts.create_contact(ctx, ADMIN, contacts.NewContact("x@example.com"), status="marketing")
    evs = tier_events.list_events(ctx)
    assert [(e.tier_from, e.tier_to) for e in evs] == [(2, 3), (1, 2)]
    assert evs[1].text == ("Tier raised from 1 to 2 on 27 Nov 2026 by alice's bulk action setting 1 contact "
                           "as marketing")
    assert evs[0].text.endswith("by admin's creation of 1 contact")
    with pytest.raises(PermissionDenied):
        tier_events.acknowledge(ctx, ALICE)
    assert tier_events.acknowledge(ctx, ADMIN) == 2
    assert tier_events.list_events(ctx, unacknowledged=True) == []
    assert [e.acknowledged_by for e in tier_events.list_events(ctx)] == ["admin", "admin"]
    assert [e["acknowledged_by"] for e in usage.status(ctx).as_json()["tier_events"]] == ["admin", "admin"]


def test_no_tier_event_when_the_count_fits(ctx):
    make_contact(ctx, "marketing")
    assert tier_events.list_events(ctx) == []
    assert usage.status(ctx).as_json()["tier_events"] == []


# ---- finding 7: a restricted user never creates marketing contacts by a default --------

def test_restricted_user_creating_by_the_forms_tool_gets_a_non_marketing_contact(ctx):
    cid, result = contacts.create_contact(ctx, BOB, contacts.NewContact("v@example.com"), source="forms")
    assert state_of(ctx, cid) == ("non_marketing", False)
    assert result.not_permitted == 1 and "Edit marketing contacts" in result.note
    cid2, result2 = contacts.create_contact(ctx, ALICE, contacts.NewContact("w@example.com"), source="forms")
    assert state_of(ctx, cid2) == ("marketing", False) and result2.not_permitted == 0 and result2.note is None


def test_visitor_form_submission_follows_the_form_default(ctx):
    sub = forms.submit_form(ctx, "signup", contacts.NewContact("visitor@example.com"))
    assert sub.created and sub.status == "marketing"
    assert state_of(ctx, sub.contact_id) == ("marketing", False)


def test_restricted_user_import_with_a_marketing_default_creates_non_marketing(ctx, tmp_path):
    contacts.set_default_status(ctx, ADMIN, "import", "marketing")
    path = tmp_path / "bob.csv"
    path.write_text("Email\nb1@example.com\nb2@example.com\n")
    result = importer.import_csv(ctx, BOB, path)
    assert result.created == 2 and result.bad_rows == 0
    assert result.not_permitted == 2 and "Edit marketing contacts" in result.note
    assert usage.status(ctx).marketing == 0
    # the same file by alice follows the default
    path.write_text("Email\na1@example.com\n")
    assert importer.import_csv(ctx, ALICE, path).not_permitted == 0
    assert usage.status(ctx).marketing == 1
