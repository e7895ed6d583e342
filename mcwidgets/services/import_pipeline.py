"""An import's chunks handed to a thread of its own, one chunk behind the reading.

The import reads and validates the file in Python (holding the GIL) and has the
database stage and apply each chunk (SQLite runs a statement without the GIL; a
PostgreSQL server works in its own process). Done in turns, the two add up; with
the database work of chunk k on this thread while chunk k+1 is read and validated,
they overlap. One chunk at most waits, so memory stays at about two chunks.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, Sequence


class ChunkPipeline:
    """``with ChunkPipeline(session, apply) as pipe: pipe.put(rows) ...``

    ``apply(rows)`` runs on the pipeline's thread, for each chunk in the order given.
    The caller must not use the session inside the ``with`` block; the block ends only
    when every chunk is applied, and an error of ``apply`` is raised there (or at the
    next ``put``, after which nothing more is applied). If the caller fails, the thread
    is stopped and joined before the error goes on, so the transaction is never rolled
    back under a running statement.
    """

    def __init__(self, session, apply: Callable[[Sequence[tuple]], None]):
        session.connection()  # the transaction's connection, begun here, on the caller's thread
        self._apply = apply
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="mcw-import-chunks", daemon=True)

    def __enter__(self) -> "ChunkPipeline":
        self._thread.start()
        return self

    def _work(self) -> None:
        while (rows := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._apply(rows)
                except BaseException as e:  # handed over to the caller's thread
                    self._error = e

    def put(self, rows: Sequence[tuple]) -> None:
        if self._error is not None:
            raise self._error
        if rows:
            self._queue.put(rows)

    def __exit__(self, exc_type, exc, tb) -> None:
        self._queue.put(None)
        self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error
