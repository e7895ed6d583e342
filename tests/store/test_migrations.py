"""The Alembic migrations build exactly the schema the models describe, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from mcwidgets.store import migrate
from mcwidgets.store.engine import make_engine
from mcwidgets.store.models import Base


def test_migrated_schema_matches_models(db_url):
    engine = make_engine(db_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
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
