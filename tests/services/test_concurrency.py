"""Many users at once on PostgreSQL: the result equals a serial run in commit order.

Several sessions, each with its own engine and connection (as separate dashboard
kernels would), run overlapping bulk actions, set-as-marketing, an import, a
workflow run and a rollover at the same moment. Writers serialise on the account
row, so every action commits whole; the test then replays the same operations
one by one, in the order their actions committed, on a copy of the starting
database, and demands the same contacts, the same pending flags and the same
audit trail.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from mcwidgets.app import App
from mcwidgets.services.context import DBAPIError, retry_on_conflict
from mcwidgets.store.models import Action, AuditEvent, Contact

pytestmark = pytest.mark.postgres

START = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)
LATER = datetime(2026, 12, 27, 9, tzinfo=timezone.utc)  # the 2026-12-26 update date has passed


def f(prop, op, **kw):
    return {"filterGroups": [{"filters": [{"propertyName": prop, "operator": op, **kw}]}]}


def operations(csv_path):
    """(name, user, callable(app)) — each returns the action id it created, or None."""
    return [
        ("non-marketing NL/BE", "alice",
         lambda a: a.set_non_marketing(filter=f("country", "IN", values=["Netherlands", "Belgium"])).action_id),
        ("non-marketing leads", "admin",
         lambda a: a.set_non_marketing(filter=f("lifecycle_stage", "EQ", value="lead")).action_id),
        ("marketing NL", "admin",
         lambda a: a.set_marketing(filter=f("country", "EQ", value="Netherlands")).action_id),
        ("non-marketing ids", "alice", lambda a: a.set_non_marketing(list(range(1, 400))).action_id),
        ("import", "admin", lambda a: a.import_csv(csv_path).action_id),
        ("workflow run", "admin", lambda a: _first_action(a.run_workflows("Bounced out"))),
        ("rollover", "admin", lambda a: (a.rollover().action_ids or (None,))[0]),
        ("marketing customers", "alice",
         lambda a: a.set_marketing(filter=f("lifecycle_stage", "EQ", value="customer")).action_id),
    ]


def _first_action(results):
    return next((r.action_id for r in results if r.action_id), None)


def prepare(url, csv_path):
    app = App.open(url, now=START, user="admin")
    app.add_user("admin", admin=True)
    app.add_user("alice")
    app.demo(contacts=3_000, seed=11)
    app.create_workflow("Bounced out", f("hard_bounced", "EQ", value=True), "non-marketing")
    app.turn_on_workflow("Bounced out", enroll_existing=False)
    app.close()


def write_csv(path):
    lines = ["Email,First Name,Country/Region,Email hard bounced,Marketing contact status"]
    # existing demo contacts (ids 1..) are matched by email below; new ones are created
    for i in range(60):
        lines.append(f"new{i}@import.example,New{i},Netherlands,{'true' if i % 3 == 0 else 'false'},non-marketing")
    path.write_text("\n".join(lines) + "\n")


def snapshot(url):
    app = App.open(url, now=LATER)
    with app.ctx.read() as s:
        contacts = {r.email: (r.marketing_status, r.pending_non_marketing, r.hard_bounced)
                    for r in s.execute(select(Contact.email, Contact.marketing_status,
                                              Contact.pending_non_marketing, Contact.hard_bounced))}
        actions = s.execute(select(Action.id, Action.kind, Action.actor_name, Action.matched, Action.changed)
                            .order_by(Action.id)).all()
        audit = s.execute(select(Contact.email, Action.kind, Action.actor_name, AuditEvent.old_status,
                                 AuditEvent.new_status, AuditEvent.old_pending, AuditEvent.new_pending)
                          .join(Contact, Contact.id == AuditEvent.contact_id)
                          .join(Action, Action.id == AuditEvent.action_id)
                          .order_by(AuditEvent.action_id, Contact.email)).all()
    app.close()
    # Action ids may have gaps where a transaction rolled back: compare by order.
    return contacts, [tuple(a[1:]) for a in actions], [tuple(r) for r in audit]


def copy_database(admin_url_base, source, target):
    from sqlalchemy import create_engine

    admin = create_engine(f"{admin_url_base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))
    admin.dispose()


@pytest.mark.parametrize("round_", range(int(os.environ.get("MCW_CONCURRENCY_ROUNDS", "2"))))
def test_parallel_sessions_equal_a_serial_run(pg_url, tmp_path, round_):
    csv_path = tmp_path / "import.csv"
    write_csv(csv_path)
    prepare(pg_url, csv_path)
    base, name = pg_url.rsplit("/", 1)
    serial_name = f"{name}_serial"
    copy_database(base, name, serial_name)
    serial_url = f"{base}/{serial_name}"

    ops = operations(str(csv_path))
    apps = [App.open(pg_url, now=LATER, user=user) for _, user, _ in ops]  # one engine each
    barrier = threading.Barrier(len(ops))
    done: dict[str, int | None] = {}
    errors = []

    def work(i):
        name_, _, call = ops[i]
        try:
            barrier.wait()
            done[name_] = call(apps[i])
        except Exception as e:  # reported below
            errors.append((name_, repr(e)))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(ops))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for a in apps:
        a.close()
    assert not errors

    # Replay serially in commit order (ops that changed nothing have no action: skipped).
    order = sorted((aid, n) for n, aid in done.items() if aid is not None)
    by_name = {n: (u, c) for n, u, c in ops}
    for _, n in order:
        user, call = by_name[n]
        app = App.open(serial_url, now=LATER, user=user)
        call(app)
        app.close()
    parallel, serial = snapshot(pg_url), snapshot(serial_url)
    assert parallel[0] == serial[0]  # every contact's status, pending flag, fields
    assert parallel[1] == serial[1]  # the same actions, in the same order, with the same counts
    assert parallel[2] == serial[2]  # the same audit rows, none lost, none twice
    kinds = [k for k, *_ in parallel[1]]
    assert kinds.count("rollover") == 1  # raced by every session, applied once


def test_retry_on_conflict_runs_again_when_the_database_asks():
    class Orig(Exception):
        sqlstate = "40P01"  # deadlock detected

    calls = []

    @retry_on_conflict
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise DBAPIError("UPDATE ...", {}, Orig("deadlock detected"))
        return "done"

    assert flaky() == "done" and len(calls) == 3

    @retry_on_conflict
    def broken():
        raise DBAPIError("UPDATE ...", {}, ValueError("not retryable"))

    with pytest.raises(DBAPIError):
        broken()
