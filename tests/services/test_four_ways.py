"""The spec's four ways to set contacts as non-marketing give the same result.

Wizard (its logic, without widgets), bulk action over a filter, workflow, and the
programmatic way (the CLI): each starts from a copy of the same database and must
leave the same contacts pending, with the same audit rows.
"""

from __future__ import annotations

import json
import shutil

from sqlalchemy import create_engine, select, text

from mcwidgets.app import App
from mcwidgets.cli import main
from mcwidgets.domain.wizard import wizard_filter
from mcwidgets.store.models import AuditEvent, Contact

NOW = "2026-11-26T12:00:00+00:00"
STALE = {"propertyName": "last_activity_at", "operator": "MORE_THAN_DAYS_AGO", "value": 365}


def clone(url: str, suffix: str) -> str:
    if url.startswith("sqlite"):
        src = url.split("///", 1)[1]
        dst = f"{src}.{suffix}"
        shutil.copy(src, dst)
        return f"sqlite:///{dst}"
    base, name = url.rsplit("/", 1)
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}_{suffix}" TEMPLATE "{name}"'))
    admin.dispose()
    return f"{base}/{name}_{suffix}"


def outcome(url):
    app = App.open(url, now=NOW)
    with app.ctx.read() as s:
        states = dict(s.execute(select(Contact.id, Contact.pending_non_marketing)).all())
        audit = sorted(tuple(r) for r in s.execute(select(
            AuditEvent.contact_id, AuditEvent.old_status, AuditEvent.new_status,
            AuditEvent.old_pending, AuditEvent.new_pending)))
    app.close()
    return states, audit


def test_four_ways_same_result(db_url):
    app = App.open(db_url, now=NOW, user="admin")
    app.add_user("admin", admin=True)
    app.demo(contacts=1_500, seed=21)
    app.close()
    # The wizard's selection: unengaged (both boxes ticked) or no activity for a year.
    flt = wizard_filter(hard_bounced=True, unsubscribed=True,
                        filter={"filterGroups": [{"filters": [STALE]}]}, lists=())
    urls = {way: clone(db_url, way) for way in ("wizard", "bulk", "workflow", "cli")}

    a = App.open(urls["wizard"], now=NOW, user="admin")
    a.run_wizard(flt)
    a.close()
    a = App.open(urls["bulk"], now=NOW, user="admin")
    a.set_non_marketing(filter=flt)
    a.close()
    a = App.open(urls["workflow"], now=NOW, user="admin")
    a.create_workflow("Clean up", flt, "non-marketing")
    a.turn_on_workflow("Clean up", enroll_existing=True)
    a.close()
    assert main(["--db", urls["cli"], "--now", NOW, "set-status", "non-marketing",
                 "--filter", json.dumps(flt), "--as", "admin"]) == 0

    results = {way: outcome(url) for way, url in urls.items()}
    reference = results["wizard"]
    assert sum(reference[0].values()) > 100  # a real selection, not an empty one
    assert len(reference[1]) > 0
    for way, result in results.items():
        assert result == reference, way
