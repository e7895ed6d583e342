"""The import's chunks staged on a thread of its own (services.import_pipeline.ChunkPipeline)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect, select

from mcwidgets.services.import_pipeline import ChunkPipeline
from mcwidgets.store import importing as sql


def _row(n: int, email: str | None = None) -> tuple:
    values = {c: None for c in sql.STAGING_COLUMNS}
    values.update(row_no=n, email=email or f"c{n}@example.com", email_ok=True)
    return tuple(values[c] for c in sql.STAGING_COLUMNS)


def _staged(session, table) -> list[int]:
    return [r for (r,) in session.execute(select(table.c.row_no).order_by(table.c.row_no))]


def test_every_chunk_is_staged_in_order_before_the_block_ends(ctx):
    with ctx.write() as session:
        table = sql.create_staging(session)
        with ChunkPipeline(session, lambda rows: sql.load_staging(session, table, rows)) as writer:
            for lo in range(2, 2000, 100):
                writer.put([_row(n) for n in range(lo, lo + 100)])
        assert _staged(session, table) == list(range(2, 2002))
        sql.drop_staging(session, table)


def test_a_failed_chunk_is_raised_to_the_caller_and_nothing_after_it_is_written(ctx):
    with ctx.write() as session:
        table = sql.create_staging(session)
        with pytest.raises(Exception) as caught:  # the driver's own error (the raw connection writes)
            with ChunkPipeline(session, lambda rows: sql.load_staging(session, table, rows)) as writer:
                writer.put([_row(2)])
                writer.put([_row(3), _row(3)])  # the same row number twice: the primary key refuses it
                for n in range(4, 200):
                    writer.put([_row(n)])  # raises the writer's error once it has failed
        assert isinstance(caught.value, session.get_bind().dialect.dbapi.IntegrityError), caught.value
        session.rollback()
    with ctx.read() as session:  # the transaction rolled back: the staging table went with it
        assert not inspect(session.connection()).has_table(sql.STAGING_NAME)


def test_the_callers_error_stops_and_joins_the_writer_first(ctx):
    before = {t.name for t in threading.enumerate()}
    with ctx.write() as session:
        table = sql.create_staging(session)
        with pytest.raises(RuntimeError, match="reading failed"):
            with ChunkPipeline(session, lambda rows: sql.load_staging(session, table, rows)) as writer:
                writer.put([_row(n) for n in range(2, 500)])
                raise RuntimeError("reading failed")
        assert not any(t.name == "mcw-import-chunks" for t in threading.enumerate() if t.name not in before)
        assert _staged(session, table) == list(range(2, 500))  # what was handed over was written, then it stopped
        sql.drop_staging(session, table)
