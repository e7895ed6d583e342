"""Migration 0004 (billing boundary): an existing account gets the boundary as an instant."""

from datetime import date, datetime

from alembic import command
from sqlalchemy import text

from mcwidgets.store import migrate
from mcwidgets.store.engine import make_engine


def test_existing_account_gets_the_start_of_its_last_processed_date_in_its_zone(db_url):
    engine = make_engine(db_url)
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM account"))
        conn.execute(text(
            "INSERT INTO account (id, name, billing_period, billing_start, timezone, edition, tier, "
            "last_update_processed, created_at) VALUES (1, 'Old', 'monthly', :start, 'America/Los_Angeles', "
            "'professional', 2000, :last, :created)"),
            {"start": date(2026, 1, 15), "last": date(2026, 3, 15), "created": datetime(2026, 1, 10, 9, 0)})
    assert migrate.upgrade(engine) is True
    with engine.connect() as conn:
        got = conn.execute(text("SELECT processed_until FROM account WHERE id = 1")).scalar()
    engine.dispose()
    if isinstance(got, str):
        got = datetime.fromisoformat(got)
    assert got == datetime(2026, 3, 15, 7, 0)  # Los Angeles midnight, in UTC
