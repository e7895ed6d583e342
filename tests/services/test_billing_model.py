"""Model-based test of billing (issue 11): random sequences against a small reference model.

A hypothesis ``RuleBasedStateMachine`` drives the services with the clock moving
forward (across month ends, leap days and DST changes, to the exact start of the
update date shown) and sometimes back; it changes the billing period, start date,
time zone, edition and tier; sets random selections marketing / non-marketing;
imports; creates contacts by tool; acknowledges tier events; and rolls over
explicitly or lazily (``status``). After every step the store is compared with a
reference model written here in plain Python (a dict of contacts and the account):
states and pending flags, counts, the processed boundary, the next update date,
edition, tier and requested tier, tier events and the number of audit rows.

Both engines. The test command runs a bounded number of examples;
``MCW_BILLING_EXAMPLES=2000`` (and ``MCW_BILLING_STEPS``) make a long soak.
"""

from __future__ import annotations

import calendar
import itertools
import os
import shutil
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)
from sqlalchemy import func, select, text

from mcwidgets.domain.errors import PermissionDenied, ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, contacts, importer, rollover, status, tier_events, usage, users
from mcwidgets.services.context import Context
from mcwidgets.store.models import Account, AuditEvent, Contact, TierEvent
from tests.conftest import ADMIN, ALICE, BOB, Clock

EXAMPLES = int(os.environ.get("MCW_BILLING_EXAMPLES", "12"))
STEPS = int(os.environ.get("MCW_BILLING_STEPS", "25"))
UTC = timezone.utc
_counter = itertools.count()

ZONES = ["UTC", "America/Los_Angeles", "Europe/Amsterdam", "Pacific/Auckland", "Australia/Lord_Howe",
         "America/Havana", "Asia/Kathmandu"]  # Havana: DST starts AT midnight; Lord Howe: half an hour
STARTS = [datetime(2026, 11, 26, 12, 0), datetime(2028, 1, 30, 23, 30), datetime(2027, 3, 13, 8, 0),
          datetime(2026, 10, 24, 22, 0), datetime(2028, 2, 28, 23, 59), datetime(2027, 11, 6, 7, 30)]
STEPS_BY_EDITION = {"starter": (1, 1), "professional": (2, 3), "enterprise": (5, 5)}
TIER_STEPS = {e: {"included": i, "step": s} for e, (i, s) in STEPS_BY_EDITION.items()}
HOURS = [1, 5, 7, 23, 24, 25, 24 * 3, 24 * 13, 24 * 29, 24 * 31, 24 * 45, 24 * 400]


# ---- the reference model: plain Python, no mcwidgets ---------------------------------

def local(instant: datetime, tz: str) -> date:
    return instant.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()


def midnight(d: date, tz: str) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def on_schedule(period: str, start: date, year: int, month: int) -> date:
    if period == "annual":
        return date(year, month, 1)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_from(d: date):
    y, m = d.year, d.month
    while True:
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def dates_between(period, start, after: date, upto: date) -> list[date]:
    out = []
    for y, m in months_from(after):
        if (y, m) > (upto.year, upto.month):
            return out
        d = on_schedule(period, start, y, m)
        if after < d <= upto and d >= start:
            out.append(d)


def first_after(period, start, today: date) -> date:
    for y, m in months_from(today):
        d = on_schedule(period, start, y, m)
        if d > today and d >= start:
            return d


def fitting(edition: str, count: int) -> int:
    inc, step = STEPS_BY_EDITION[edition]
    return inc if count <= inc else inc + -(-(count - inc) // step) * step


def valid_tier(edition: str, tier: int) -> bool:
    inc, step = STEPS_BY_EDITION[edition]
    return tier >= inc and (tier - inc) % step == 0


class Model:
    def __init__(self, now: datetime):
        self.now = now
        self.created = now
        self.period, self.start, self.tz = "monthly", local(now, "UTC"), "UTC"
        self.edition, self.tier, self.requested = "professional", 2000, None
        self.boundary, self.last_processed = now, None
        self.contacts: dict[str, tuple[str, bool]] = {}  # email -> (status, pending)
        self.events: list[dict] = []  # oldest first
        self.audit = 0
        self.import_default = "non_marketing"

    @property
    def marketing(self) -> int:
        return sum(1 for s, _ in self.contacts.values() if s == "marketing")

    def next_date(self) -> date:
        return first_after(self.period, self.start, local(max(self.boundary, self.now), self.tz))

    def roll(self) -> list[date]:
        """Due update dates, applied: pending contacts leave, a requested tier is tried."""
        if self.now <= self.boundary:
            return []
        due = dates_between(self.period, self.start, local(self.boundary, self.tz), local(self.now, self.tz))
        if not due:
            return []
        for email, (s, p) in self.contacts.items():
            if p:
                self.contacts[email] = ("non_marketing", False)
                self.audit += 1
        if self.requested is not None and self.requested < self.tier and self.marketing <= self.requested:
            self.tier, self.requested = self.requested, None
        self.last_processed, self.boundary = due[-1], midnight(due[-1], self.tz)
        return due

    def raised(self, actor: str, kind: str, contacts: int) -> None:
        if self.marketing > self.tier:
            new = fitting(self.edition, self.marketing)
            self.events.append({"tier_from": self.tier, "tier_to": new, "actor": actor, "action_kind": kind,
                                "contacts": contacts, "at": self.now, "acked": False})
            self.tier = new

    def add(self, email: str, status_: str) -> None:
        self.contacts[email] = (status_, False)
        self.audit += 1


# ---- the machine ------------------------------------------------------------------------

class BillingMachine(RuleBasedStateMachine):
    new_db = None  # set by the test: () -> (url, drop)
    workdir = None

    def __init__(self):
        super().__init__()
        self.ctx = None
        self.drop = None
        self.n = 0

    # -- set-up -------------------------------------------------------------------------
    @initialize(start=st.sampled_from(STARTS), minutes=st.integers(0, 60 * 24 * 3))
    def open_store(self, start, minutes):
        now = start + timedelta(minutes=minutes)
        self.clock = Clock(now.replace(tzinfo=UTC))
        url, self.drop = type(self).new_db()
        self.ctx = Context.open(url, clock=self.clock)
        self.model = Model(now)
        users.add_user(self.ctx, None, "admin", admin=True)
        users.add_user(self.ctx, ADMIN, "alice")
        users.add_user(self.ctx, ADMIN, "bob", can_edit_marketing=False)
        # Small tiers so a few contacts cross them; set up: tier 2 applies at once.
        account.configure(self.ctx, ADMIN, tier_steps=TIER_STEPS, tier=2)
        self.model.tier = 2

    def teardown(self):
        if self.ctx is not None:
            self.ctx.dispose()
        if self.drop is not None:
            self.drop()

    def _set_clock(self, now: datetime) -> None:
        self.model.now = now
        self.clock.set(now.replace(tzinfo=UTC))

    def _ids(self, emails) -> list[int]:
        with self.ctx.read() as s:
            return list(s.scalars(select(Contact.id).where(Contact.email.in_(list(emails)))))

    def _email(self) -> str:
        self.n += 1
        return f"c{self.n}@example.com"

    # -- the clock ----------------------------------------------------------------------
    @rule(hours=st.sampled_from(HOURS), minutes=st.sampled_from([0, 1, 30, 59]))
    def clock_forward(self, hours, minutes):
        self._set_clock(self.model.now + timedelta(hours=hours, minutes=minutes))

    @rule(hours=st.sampled_from([1, 9, 24, 24 * 20, 24 * 40]))
    def clock_back(self, hours):
        self._set_clock(self.model.now - timedelta(hours=hours))

    @rule(offset=st.sampled_from([-1, 0, 0, 1]))
    def clock_to_the_update_date_shown(self, offset):
        """Status shows a date; rollover acts exactly from the start of that day (account time)."""
        shown = usage.status(self.ctx).next_update_date
        self.model.roll()
        assert shown == self.model.next_date()
        start_of_day = midnight(shown, self.model.tz)
        self._set_clock(start_of_day + timedelta(minutes=offset))
        result = rollover.rollover(self.ctx)
        due = self.model.roll()
        assert list(result.update_dates) == due
        assert (shown in due) == (offset >= 0)

    # -- rollover, explicit and lazy --------------------------------------------------------
    @rule()
    def roll_over(self):
        pending = sum(1 for _, p in self.model.contacts.values() if p)
        result = rollover.rollover(self.ctx)
        due = self.model.roll()
        assert list(result.update_dates) == due
        assert result.changed == (pending if due else 0)
        assert len(result.action_ids) == (1 if due else 0)

    @rule()
    def status_lazily(self):
        r = usage.status(self.ctx)
        self.model.roll()
        assert r.next_update_date == self.model.next_date()
        assert (r.marketing, r.tier) == (self.model.marketing, self.model.tier)

    # -- settings ----------------------------------------------------------------------------
    @rule(billing=st.none() | st.sampled_from(["monthly", "annual"]),
          start=st.none() | st.builds(lambda y, m, d: date(y, m, min(d, calendar.monthrange(y, m)[1])),
                                      st.integers(2025, 2028), st.integers(1, 12),
                                      st.sampled_from([1, 10, 15, 28, 29, 30, 31])),
          tz=st.none() | st.sampled_from(ZONES + ["Mars/Olympus_Mons"]),
          edition=st.none() | st.sampled_from(list(STEPS_BY_EDITION)),
          k=st.none() | st.integers(0, 3))
    def configure(self, billing, start, tz, edition, k):
        m = self.model
        final_edition = edition or m.edition
        inc, step = STEPS_BY_EDITION[final_edition]
        tier = None if k is None else inc + k * step
        try:
            account.configure(self.ctx, ADMIN, billing=billing, start=start, timezone=tz, edition=edition,
                              tier=tier)
        except ValidationError:
            assert tz == "Mars/Olympus_Mons"
            m.roll()  # due dates were rolled over before the change was refused
            return
        m.roll()
        schedule = (m.period, m.start, m.tz)
        setting_up = m.last_processed is None
        if billing:
            m.period = billing
        if start:
            m.start = start
        if tz:
            if start is None and setting_up and m.start == local(m.created, m.tz):
                m.start = local(m.created, tz)
            m.tz = tz
        if (m.period, m.start, m.tz) != schedule:
            m.boundary = max(m.boundary, m.now)
        count = m.marketing
        if edition:
            if setting_up and edition != m.edition:
                m.tier, m.requested = fitting(edition, count), None
            elif not valid_tier(edition, m.tier):
                m.tier = fitting(edition, max(count, m.tier))
            m.edition = edition
        if tier is not None:
            if tier >= m.tier or (setting_up and count <= tier):
                m.tier, m.requested = tier, None
            else:
                m.requested = tier
        if count > m.tier:
            m.tier = fitting(m.edition, count)

    @rule(default=st.sampled_from(["marketing", "non_marketing"]))
    def set_import_default(self, default):
        contacts.set_default_status(self.ctx, ADMIN, "import", default)
        self.model.import_default = default

    @rule()
    def acknowledge(self):
        n = tier_events.acknowledge(self.ctx, ADMIN)
        assert n == sum(1 for e in self.model.events if not e["acked"])
        for e in self.model.events:
            e["acked"] = True

    # -- contacts ------------------------------------------------------------------------------
    @precondition(lambda self: self.model.contacts)
    @rule(data=st.data(), who=st.sampled_from(["alice", "bob"]))
    def set_marketing(self, data, who):
        emails = data.draw(st.lists(st.sampled_from(sorted(self.model.contacts)), min_size=1, max_size=4,
                                    unique=True))
        actor = ALICE if who == "alice" else BOB
        m = self.model
        try:
            result = status.set_marketing(self.ctx, actor, Selection.of_ids(self._ids(emails)))
        except PermissionDenied:
            assert who == "bob"
            m.roll()
            return
        assert who == "alice"
        m.roll()
        changed = 0
        for e in emails:
            if m.contacts[e] != ("marketing", False):
                m.contacts[e] = ("marketing", False)
                m.audit += 1
                changed += 1
        assert result.changed == changed
        m.raised("alice", "set_marketing", len(emails))

    @precondition(lambda self: self.model.contacts)
    @rule(data=st.data(), who=st.sampled_from(["alice", "bob"]))
    def set_non_marketing(self, data, who):
        emails = data.draw(st.lists(st.sampled_from(sorted(self.model.contacts)), min_size=1, max_size=4,
                                    unique=True))
        result = status.set_non_marketing(self.ctx, ALICE if who == "alice" else BOB,
                                          Selection.of_ids(self._ids(emails)))
        m = self.model
        m.roll()
        changed = 0
        for e in emails:
            if m.contacts[e] == ("marketing", False):
                m.contacts[e] = ("marketing", True)
                m.audit += 1
                changed += 1
        assert result.changed == changed

    @rule(who=st.sampled_from(["alice", "bob"]), source=st.sampled_from(["forms", "manual"]))
    def create_by_tool(self, who, source):
        email = self._email()
        _, result = contacts.create_contact(self.ctx, ALICE if who == "alice" else BOB,
                                            contacts.NewContact(email), source=source)
        m = self.model
        m.roll()
        default = "marketing" if source == "forms" else "non_marketing"
        refused = who == "bob" and default == "marketing"
        m.add(email, "non_marketing" if refused else default)
        assert result.not_permitted == (1 if refused else 0)
        m.raised(who, "create", 1)

    @rule(who=st.sampled_from(["alice", "alice-as-marketing", "bob"]), new=st.integers(1, 4),
          existing=st.booleans())
    def import_file(self, who, new, existing):
        m = self.model
        emails = [self._email() for _ in range(new)]
        old = sorted(m.contacts)[:1] if existing else []
        path = type(self).workdir / f"import{self.n}.csv"
        path.write_text("Email\n" + "".join(f"{e}\n" for e in emails + old))
        actor = BOB if who == "bob" else ALICE
        result = importer.import_csv(self.ctx, actor, path, as_marketing=who == "alice-as-marketing")
        m.roll()
        initial = "marketing" if who == "alice-as-marketing" else m.import_default
        refused = who == "bob" and initial == "marketing"
        for e in emails:
            m.add(e, "non_marketing" if refused else initial)
        assert (result.created, result.updated, result.bad_rows) == (new, len(old), 0)
        assert result.not_permitted == (new if refused else 0)
        m.raised("bob" if who == "bob" else "alice", "import", new + len(old))

    # -- after every step: the store agrees with the model ------------------------------------
    @invariant()
    def store_matches_model(self):
        if self.ctx is None:
            return
        m = self.model
        with self.ctx.read() as s:
            got = {e: (st_, bool(p)) for e, st_, p in
                   s.execute(select(Contact.email, Contact.marketing_status, Contact.pending_non_marketing))}
            assert got == m.contacts
            acc = s.get(Account, 1)
            assert (acc.billing_period, acc.billing_start, acc.timezone) == (m.period, m.start, m.tz)
            assert (acc.edition, acc.tier, acc.requested_tier) == (m.edition, m.tier, m.requested)
            assert acc.processed_until == m.boundary
            assert acc.last_update_processed == m.last_processed
            assert account.info(s, m.now).next_update_date == m.next_date()
            assert s.scalar(select(func.count()).select_from(AuditEvent)) == m.audit
            evs = s.scalars(select(TierEvent).order_by(TierEvent.id)).all()
            assert [{"tier_from": e.tier_from, "tier_to": e.tier_to, "actor": e.actor_name,
                     "action_kind": e.action_kind, "contacts": e.contacts, "at": e.at,
                     "acked": e.acknowledged_at is not None} for e in evs] == m.events
        # status --json lists them newest first
        listed = tier_events.list_events(self.ctx)
        assert [(e.tier_from, e.tier_to) for e in listed] == [(e["tier_from"], e["tier_to"])
                                                               for e in reversed(m.events)][:50]


# ---- running it on both engines -----------------------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_db(request, tmp_path):
    """A factory of fresh migrated databases: () -> (url, drop)."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")

        def make():
            path = tmp_path / f"model{next(_counter)}.db"
            shutil.copy(template, path)

            def drop():
                for suffix in ("", "-wal", "-shm"):
                    p = path.with_name(path.name + suffix)
                    if p.exists():
                        p.unlink()

            return f"sqlite:///{path}", drop

        return make
    admin, base = request.getfixturevalue("pg_template")

    def make():
        name = f"mcw_model{os.getpid()}_{next(_counter)}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE mcw_template'))

        def drop():
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

        return f"{base}/{name}", drop

    return make


def test_billing_model(new_db, tmp_path, request):
    examples = EXAMPLES if "sqlite" in request.node.name else max(1, EXAMPLES // 2)
    BillingMachine.new_db = staticmethod(new_db)
    BillingMachine.workdir = tmp_path
    run_state_machine_as_test(
        BillingMachine,
        settings=settings(max_examples=examples, stateful_step_count=STEPS, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck)),
    )
