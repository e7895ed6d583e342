"""Adapters to the database: SQLAlchemy models, engine set-up, migrations and SQL."""
