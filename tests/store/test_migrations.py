"""The Alembic migrations build exactly the schema the models describe, on both engines."""
import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from mcwidgets.store import migrate
from mcwidgets.store.engine import make_engine



def test_migrated_schema_matches_models(db_url):
    engine = make_engine(db_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diff = migrate.schema_diff(conn)
    engine.dispose()
    assert diff == []


def test_opening_a_store_twice_migrates_once(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    assert migrate.upgrade(engine) is True
    assert migrate.upgrade(engine) is False
    engine.dispose()


def test_sqlite_store_uses_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def _action(conn) -> int:
    return conn.exec_driver_sql(
        "INSERT INTO actions (kind, actor_kind, actor_name, at, description, matched, changed) "
        "VALUES ('bulk', 'user', 'admin', '2026-03-10 12:00:00', 'x', 1, 1) RETURNING id").scalar()


AUDIT = ("INSERT INTO audit_events (action_id, contact_id, at, old_status, new_status, old_pending, new_pending) "
         "VALUES ({}, 1, '2026-03-10 12:00:00', 'marketing', 'non_marketing', false, false)")


def test_an_audit_row_must_name_an_existing_action(db_url):
    """The foreign key (SQLite) or its statement-level triggers (PostgreSQL, migration 0008)."""
    engine = make_engine(db_url)
    try:
        keys = inspect(engine).get_foreign_keys("audit_events")
        # checked per row by a key on SQLite, per statement by triggers on PostgreSQL
        assert [k["constrained_columns"] for k in keys] == ([] if engine.dialect.name == "postgresql"
                                                            else [["action_id"]])
        with engine.begin() as conn:
            aid = _action(conn)
            conn.exec_driver_sql(AUDIT.format(aid))  # an existing action: fine
        with pytest.raises(IntegrityError):
            with engine.begin() as conn:
                conn.exec_driver_sql(AUDIT.format(aid + 1000))
        with pytest.raises(IntegrityError):  # set-based too: one bad row among good ones
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO audit_events (action_id, contact_id, at, old_status, new_status, old_pending, "
                    f"new_pending) SELECT CASE WHEN k = 3 THEN {aid + 1000} ELSE {aid} END, k, "
                    "'2026-03-10 12:00:00', 'marketing', 'non_marketing', false, false "
                    "FROM (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) s")
        with pytest.raises(IntegrityError):
            with engine.begin() as conn:
                conn.exec_driver_sql(f"UPDATE audit_events SET action_id = {aid + 1000}")
        with pytest.raises(IntegrityError):  # an action its audit rows still name stays
            with engine.begin() as conn:
                conn.exec_driver_sql(f"DELETE FROM actions WHERE id = {aid}")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM audit_events").scalar() == 1
            assert conn.exec_driver_sql(f"SELECT count(*) FROM actions WHERE id = {aid}").scalar() == 1
        with engine.begin() as conn:  # once its audit rows are gone, the action may go
            conn.exec_driver_sql("DELETE FROM audit_events")
            conn.exec_driver_sql(f"DELETE FROM actions WHERE id = {aid}")
    finally:
        engine.dispose()
