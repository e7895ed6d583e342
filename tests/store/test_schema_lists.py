"""The lists and saved views migration: the schema matches the models, and it goes down and up."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from mcwidgets.store import migrate
from mcwidgets.store.engine import make_engine



def test_migrated_schema_matches_the_models(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = migrate.schema_diff(conn)
        assert diff == []
        names = set(inspect(engine).get_table_names())
        assert {"contact_lists", "list_members", "saved_views"} <= names
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("list_members")}
        assert "ix_list_members_contact" in indexes
    finally:
        engine.dispose()


def test_lists_migration_downgrades_and_upgrades_again(sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert not {"contact_lists", "list_members", "saved_views"} & set(inspect(engine).get_table_names())
        assert migrate.upgrade(engine) is True
        assert {"contact_lists", "list_members", "saved_views"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
