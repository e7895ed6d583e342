"""Reads read: status, the account and the forecasts take no write lock (BEGIN
IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL), so they answer while a
writer holds it; a due update date or the missing daily snapshot is the only case
a read writes, and then it shows exactly the state the rollover leaves."""

import threading
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import event, func, select

from mcwidgets.domain.billing import day_start
from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, forecast, status, usage, workflows
from mcwidgets.store.engine import WRITE
from mcwidgets.store.models import Action, UsageSnapshot
from tests.conftest import ADMIN, ALICE
from tests.services.helpers import make_contact, state_of

UTC = timezone.utc
ALL = Selection(all_contacts=True)
NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}


@contextmanager
def counting_writes(ctx):
    """Counts the write transactions (the ``WRITE`` execution option) begun inside."""
    count = [0]

    def on_begin(conn):
        if conn.get_execution_options().get(WRITE):
            count[0] += 1

    event.listen(ctx.engine, "begin", on_begin)
    try:
        yield count
    finally:
        event.remove(ctx.engine, "begin", on_begin)


def reads(ctx):
    return {
        "status": lambda: usage.status(ctx),
        "account": lambda: account.get_info(ctx),
        "forecast": lambda: forecast.forecast_action(ctx, "set_non_marketing", ALL),
        "workflow dry run": lambda: workflows.dry_run(ctx, "Dutch"),
    }


def setup_store(ctx):
    make_contact(ctx, "non_marketing", country="NL")
    make_contact(ctx, "pending")
    workflows.create(ctx, ADMIN, "Dutch", NL, "marketing")
    usage.status(ctx)  # the day's first read takes the daily snapshot


def test_reads_begin_no_write_transaction(ctx):
    setup_store(ctx)
    for name, read in reads(ctx).items():
        with counting_writes(ctx) as writes:
            read()
        assert writes[0] == 0, name
    with counting_writes(ctx) as writes:  # an action: its own transaction, no rollover one when none is due
        status.set_non_marketing(ctx, ALICE, ALL)
    assert writes[0] == 1


def test_reads_answer_while_a_writer_holds_the_lock(ctx):
    setup_store(ctx)
    holding, release = threading.Event(), threading.Event()

    def writer():
        with ctx.write():
            holding.set()
            release.wait(60)

    w = threading.Thread(target=writer)
    w.start()
    try:
        assert holding.wait(30)
        for name, read in reads(ctx).items():
            done, out = threading.Event(), []
            r = threading.Thread(target=lambda: (out.append(read()), done.set()), daemon=True)
            r.start()
            assert done.wait(20), f"{name} waited for the writer"
            assert w.is_alive() and not release.is_set()  # the writer still holds the lock
        assert out and out[0] is not None
    finally:
        release.set()
        w.join()


def test_status_after_an_update_date_reports_the_rolled_over_state(ctx, clock):
    setup_store(ctx)
    p = make_contact(ctx, "pending", 2)
    before = usage.status(ctx)
    assert before.next_update_date.isoformat() == "2026-12-26" and before.pending == 2
    clock.set(day_start(before.next_update_date, "UTC"))  # the instant the update date starts
    with counting_writes(ctx) as writes:
        after = usage.status(ctx)
    assert writes[0] >= 1  # the due rollover, applied by the read's check
    assert (after.pending, after.next_update_date.isoformat()) == (0, "2027-01-26")
    assert after.non_marketing == before.non_marketing + 2 and state_of(ctx, p) == ("non_marketing", False)
    info = account.get_info(ctx)
    assert info.last_update_processed.isoformat() == "2026-12-26"
    assert info.next_update_date == after.next_update_date
    with counting_writes(ctx) as writes:  # done: reading again writes nothing
        assert usage.status(ctx) == after
    assert writes[0] == 0
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Action).where(Action.kind == "rollover")) == 1


def test_get_info_and_forecasts_apply_a_due_rollover_first(ctx, clock):
    setup_store(ctx)
    clock.set(datetime(2026, 12, 26, 0, 0, tzinfo=UTC))
    fc = forecast.forecast_action(ctx, "set_marketing", ALL)
    assert fc.before.pending == 0  # the pending contact left at the update date
    assert account.get_info(ctx).next_update_date.isoformat() == "2027-01-26"


def test_the_first_read_of_the_day_takes_the_daily_snapshot_once(ctx, clock):
    setup_store(ctx)
    clock.set(datetime(2026, 11, 27, 13, 0, tzinfo=UTC))  # a day and an hour later, nothing due
    with counting_writes(ctx) as writes:
        usage.status(ctx)
        usage.status(ctx)
    assert writes[0] == 1
    with ctx.read() as s:
        daily = s.scalars(select(UsageSnapshot.taken_at).where(UsageSnapshot.reason == "daily")
                          .order_by(UsageSnapshot.taken_at)).all()
    assert daily == [datetime(2026, 11, 26, 12, 0), datetime(2026, 11, 27, 13, 0)]
