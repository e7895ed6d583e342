"""Build a large demo store fast: the demo's contacts at N / k, then each copied k times in SQL.

    .venv/bin/python benchmarks/scale_demo.py URL --contacts 10000000 [--base 1000000]

``App.demo(base)`` loads ``base`` demo contacts (history, users, account as the demo
makes them); then ONE ``INSERT ... SELECT`` per copy adds them again with the email
made unique (``first.last.7@x`` -> ``first.last.7.c2@x``), with the contacts' secondary
indexes dropped during the copies and built again after (PostgreSQL only). The result
has the demo's distributions exactly, repeated: what ``benchmarks/run.py --keep-contacts``
measures at ten million contacts when loading them row by row from Python would take
longer than the machine can give (a shared 2-core machine: ~40 min for App.demo(10M)).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # as benchmarks/run.py
COLUMNS = ("first_name", "last_name", "company", "country", "lifecycle_stage", "source", "created_at",
           "last_activity_at", "hard_bounced", "unsubscribed", "marketing_status", "pending_non_marketing")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--contacts", type=int, default=10_000_000)
    ap.add_argument("--base", type=int, default=1_000_000)
    a = ap.parse_args()
    if a.contacts % a.base:
        raise SystemExit("--contacts must be a multiple of --base")
    from mcwidgets.app import App
    from mcwidgets.store.bulk import _secondary_indexes

    app = App.open(a.url, now=NOW, user="admin")
    t = time.perf_counter()
    app.demo(contacts=a.base, seed=42)
    print(f"App.demo({a.base:,}): {time.perf_counter() - t:.1f} s", flush=True)
    engine = app.ctx.engine
    if engine.dialect.name != "postgresql":
        raise SystemExit("PostgreSQL only")
    cols = ", ".join(COLUMNS)
    t = time.perf_counter()
    with engine.begin() as conn:
        top = conn.exec_driver_sql("SELECT max(id) FROM contacts").scalar()  # the demo's ids end here
        for ix in _secondary_indexes():
            ix.drop(conn)
        for k in range(2, a.contacts // a.base + 1):
            conn.exec_driver_sql(
                f"INSERT INTO contacts (email, {cols}) SELECT regexp_replace(email, '@', '.c{k}@'), {cols} "
                f"FROM contacts WHERE id <= {top} ORDER BY id")
            print(f"copy {k}: {time.perf_counter() - t:.1f} s", flush=True)
        for ix in _secondary_indexes():
            ix.create(conn)
        print(f"indexes: {time.perf_counter() - t:.1f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE contacts")
    n = app.count()
    print(f"{n:,} contacts in {time.perf_counter() - t:.1f} s after the demo", flush=True)
    app.close()


if __name__ == "__main__":
    main()
