"""Alembic environment: always given a connection by mcwidgets.store.migrate."""

from alembic import context

from mcwidgets.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the package drives migrations
    raise RuntimeError("run migrations through mcwidgets.store.migrate.upgrade(engine)")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
