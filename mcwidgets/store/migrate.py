"""Schema migrations (Alembic), applied when a store is opened."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: several processes opening a new PostgreSQL database at once
# take turns at migrating it.
_PG_LOCK_KEY = 0x6D63776964


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the newest revision; returns True if anything ran."""
    head = head_revision()
    if current_revision(engine) == head:
        return False
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


# The models declare audit_events.action_id as a foreign key to actions; on PostgreSQL
# migration 0008 replaces that key by statement-level triggers (same guarantee, checked
# once per statement), so a comparison of the database with the models leaves it out there.
def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "foreign_key_constraint":
        table = getattr(getattr(obj, "parent", None), "name", None) or getattr(obj, "table", None)
        table = getattr(table, "name", table)
        if table == "audit_events" and [c for c in getattr(obj, "column_keys", [])] == ["action_id"]:
            return False
    return True


def schema_diff(conn) -> list:
    """Alembic's differences between the database on ``conn`` and the models (empty: they match)."""
    from alembic.autogenerate import compare_metadata

    from .models import Base

    opts = {"include_object": _include_object} if conn.dialect.name == "postgresql" else {}
    return compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
