"""Migration 0006: the contacts' status stamps (prev_*, last_action_id, status_changed_at)
and their index are dropped; the audit rows, which undo and history read, carry the data."""

from datetime import datetime

from alembic import command
from sqlalchemy import inspect, text

from mcwidgets.store import migrate
from mcwidgets.store.engine import make_engine

STAMPS = {"prev_marketing_status", "prev_pending", "last_action_id", "status_changed_at"}
T0, T1 = datetime(2026, 11, 1, 9, 0), datetime(2026, 11, 2, 9, 0)


def _to(engine, revision: str, *, down: bool) -> None:
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("contacts")}


def _indexes(engine) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes("contacts")}


def test_head_has_no_status_stamps_on_contacts(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    assert not (_columns(engine) & STAMPS)
    assert "ix_contacts_last_action" not in _indexes(engine)
    engine.dispose()


def test_upgrade_keeps_every_stamped_change_as_an_audit_row_and_downgrade_restores_the_stamps(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    _to(engine, "0005", down=True)
    assert STAMPS <= _columns(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO actions (id, kind, actor_kind, actor_name, at, description, matched, "
                          "changed) VALUES (1, 'create', 'user', 'admin', :t0, '', 2, 2), "
                          "(2, 'set_non_marketing', 'user', 'alice', :t1, '', 2, 2)"), {"t0": T0, "t1": T1})
        conn.execute(text(
            "INSERT INTO contacts (id, email, source, created_at, marketing_status, pending_non_marketing, "
            "prev_marketing_status, prev_pending, last_action_id, status_changed_at) VALUES "
            "(1, 'a@example.com', 'manual', :t0, 'marketing', TRUE, 'marketing', FALSE, 2, :t1), "
            "(2, 'b@example.com', 'manual', :t0, 'marketing', TRUE, 'marketing', FALSE, 2, :t1), "
            "(3, 'c@example.com', 'manual', :t0, 'non_marketing', FALSE, NULL, NULL, NULL, NULL)"),
            {"t0": T0, "t1": T1})
        # contact 1's change by action 2 has its audit row; contact 2's does not (the
        # migration must not lose it); both have their creation rows
        conn.execute(text(
            "INSERT INTO audit_events (action_id, contact_id, at, old_status, new_status, old_pending, "
            "new_pending) VALUES (1, 1, :t0, NULL, 'marketing', NULL, FALSE), "
            "(1, 2, :t0, NULL, 'marketing', NULL, FALSE), (2, 1, :t1, 'marketing', 'marketing', FALSE, TRUE)"),
            {"t0": T0, "t1": T1})
    _to(engine, "0006", down=False)
    assert not (_columns(engine) & STAMPS)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT action_id, contact_id, old_status, new_status, old_pending, new_pending "
                                 "FROM audit_events ORDER BY contact_id, id")).all()
        states = conn.execute(text("SELECT id, marketing_status, pending_non_marketing FROM contacts "
                                   "ORDER BY id")).all()
    assert [(a, c, os, ns, bool(op) if op is not None else None, bool(np)) for a, c, os, ns, op, np in rows] == [
        (1, 1, None, "marketing", None, False), (2, 1, "marketing", "marketing", False, True),
        (1, 2, None, "marketing", None, False), (2, 2, "marketing", "marketing", False, True),
    ]
    assert [(i, s, bool(p)) for i, s, p in states] == [
        (1, "marketing", True), (2, "marketing", True), (3, "non_marketing", False)]
    # and back: the stamps are rebuilt from each contact's latest audit row
    _to(engine, "0005", down=True)
    assert STAMPS <= _columns(engine) and "ix_contacts_last_action" in _indexes(engine)
    with engine.connect() as conn:
        stamps = conn.execute(text("SELECT id, prev_marketing_status, prev_pending, last_action_id, "
                                   "status_changed_at FROM contacts ORDER BY id")).all()
    got = [(i, s, None if p is None else bool(p), a, None if t is None else
            (datetime.fromisoformat(t) if isinstance(t, str) else t)) for i, s, p, a, t in stamps]
    assert got == [(1, "marketing", False, 2, T1), (2, "marketing", False, 2, T1), (3, None, None, None, None)]
    _to(engine, "head", down=False)
    engine.dispose()
