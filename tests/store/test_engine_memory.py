"""SQLite connections keep a bounded page cache: the kernel's memory stays flat.

Each pooled connection has its own page cache, which fills up to its size with the
pages a query reads and keeps them as long as the connection lives. At 64 MB a
connection, the dashboard's kernel (a connection for its clicks, one for each
debounce timer's count) grew by ~200 MB over one visit of a million contacts
(``benchmarks/bench_memory.py``); the rows live in the OS's file cache anyway.
"""

from __future__ import annotations

import threading

from sqlalchemy import text

from mcwidgets.store.engine import make_engine

MAX_CACHE_BYTES = 8 * 1024 * 1024


def cache_bytes(conn) -> int:
    """The connection's page-cache bound in bytes (negative PRAGMA cache_size: KiB; positive: pages)."""
    size = conn.execute(text("PRAGMA cache_size")).scalar_one()
    if size < 0:
        return -size * 1024
    return size * conn.execute(text("PRAGMA page_size")).scalar_one()


def test_each_sqlite_connection_has_a_small_page_cache(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        sizes: list[int] = []

        def other_thread():  # a debounce timer's connection: configured the same way
            with engine.connect() as conn:
                sizes.append(cache_bytes(conn))

        with engine.connect() as conn:
            sizes.append(cache_bytes(conn))
            t = threading.Thread(target=other_thread)
            t.start()
            t.join()
        assert len(sizes) == 2
        assert all(0 < s <= MAX_CACHE_BYTES for s in sizes), sizes
    finally:
        engine.dispose()
