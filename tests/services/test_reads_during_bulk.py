"""On PostgreSQL, a status from another connection answers while a bulk action over
300,000 contacts runs: it takes no row lock, so it does not wait for the action."""

import dataclasses
import threading

import pytest

from mcwidgets.domain.selection import Selection
from mcwidgets.services import demo, status, usage
from mcwidgets.services.context import Context
from tests.conftest import ADMIN

CONTACTS = 300_000


@pytest.mark.postgres
def test_status_answers_while_a_bulk_action_over_300k_contacts_runs(pg_url, clock):
    setup = Context.open(pg_url, clock=clock)
    reader = Context.open(pg_url, clock=clock)  # its own engine: another connection
    loaded = demo.build_demo(setup, contacts=CONTACTS)  # the bulk loader; its users include "admin"
    assert loaded.contacts == CONTACTS
    idle = usage.status(reader)
    assert idle.total == CONTACTS and idle.marketing > idle.pending

    # The bulk action stops inside its transaction, after its UPDATE of every marketing
    # contact: the account row and those rows are locked, nothing is committed yet.
    updated, release, finished = threading.Event(), threading.Event(), threading.Event()

    def checkpoint(step: str) -> None:
        if step == "contacts-updated":
            updated.set()
            assert release.wait(120), "the test never released the bulk action"

    bulk_ctx = dataclasses.replace(setup, checkpoint=checkpoint)
    results, errors = [], []

    def bulk():
        try:
            results.append(status.set_non_marketing(bulk_ctx, ADMIN, Selection(all_contacts=True)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            finished.set()

    reads, read_done = [], threading.Event()
    worker = threading.Thread(target=bulk)
    worker.start()
    try:
        assert updated.wait(120), errors
        reading = threading.Thread(target=lambda: (reads.append(usage.status(reader)), read_done.set()),
                                   daemon=True)
        reading.start()
        answered = read_done.wait(60)  # the old code waited here until the action committed
        assert not finished.is_set()  # the bulk action was still running, holding its locks
        assert answered, "status waited for the bulk action"
    finally:
        release.set()
        worker.join()
    assert not errors and results
    during = reads[0]
    # what was committed when it read: the action had not committed yet
    assert (during.marketing, during.pending, during.total) == (idle.marketing, idle.pending, idle.total)
    after = usage.status(reader)
    assert after.pending == idle.marketing and results[0].changed == idle.marketing - idle.pending
    for c in (setup, reader):
        c.dispose()
