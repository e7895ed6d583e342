"""Benchmark: CSV import of N contacts (default 1,000,000) into a fresh SQLite database.

    .venv/bin/python benchmarks/bench_import.py [--rows N] [--dir DIR] [--no-update]

Steps, each in its own process so that each peak RSS (ru_maxrss) is its own:

1. generate: a CRM-like contacts CSV (the export headings) of N rows, vectorised;
2. import:   ``services.importer.import_csv`` into a fresh, migrated SQLite database
             (validation, staging, set-based INSERT, audit rows, action, tier check);
3. update:   the same file again into that database (every row updates a contact);
4. baseline: the same rows read with the csv module and inserted with one plain
             ``executemany`` INSERT into the contacts table of another fresh, migrated
             database (indexes in place, one transaction, garbage collector paused as
             the import pauses it): no validation, no staging, no audit.

Prints rows/s for each, the import/baseline ratio, and peak RSS per step.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(path: Path, rows: int, seed: int = 42) -> dict:
    import numpy as np
    import pandas as pd

    from mcwidgets.services.csvcolumns import EXPORT_HEADINGS
    from mcwidgets.services.demo import COMPANIES, FIRST_NAMES, LAST_NAMES

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    chunk = 250_000
    with open(path, "w", newline="", encoding="utf-8") as f:
        headings = [h for p, h in EXPORT_HEADINGS.items() if p != "id"]
        csv.writer(f).writerow(headings)
        for lo in range(0, rows, chunk):
            n = min(chunk, rows - lo)
            idx = np.arange(lo, lo + n)
            first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
            last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
            comp = rng.integers(0, len(COMPANIES), n)
            company = np.array([c for c, _ in COMPANIES], dtype=object)[comp]
            domain = np.array([d for _, d in COMPANIES], dtype=object)[comp]
            email = pd.Series(idx).map("contact{}".format).to_numpy(dtype=object) + "@" + domain
            created = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365 * 86400, n), unit="s")
            activity = created + pd.to_timedelta(rng.integers(0, 200 * 86400, n), unit="s")
            frame = pd.DataFrame({
                "Email": email,
                "First Name": first,
                "Last Name": last,
                "Company Name": company,
                "Country/Region": np.array(["NL", "BE", "DE", "GB", "US", "FR"], dtype=object)[rng.integers(0, 6, n)],
                "Lifecycle Stage": np.array(["subscriber", "lead", "marketing_qualified_lead", "customer"],
                                            dtype=object)[rng.integers(0, 4, n)],
                "Source": np.array(["forms", "import", "integrations", "manual"], dtype=object)[rng.integers(0, 4, n)],
                "Create Date": pd.Series(created).dt.strftime("%Y-%m-%d %H:%M"),
                "Last Activity Date": pd.Series(activity).dt.strftime("%Y-%m-%d %H:%M").where(rng.random(n) < 0.8, ""),
                "Email hard bounced": np.where(rng.random(n) < 0.03, "Yes", "No"),
                "Unsubscribed from all email": np.where(rng.random(n) < 0.08, "Yes", "No"),
                "Marketing contact status": np.where(rng.random(n) < 0.4, "Marketing contact", "Non-marketing contact"),
                "Marketing contact until next update": "No",
            })[headings]
            frame.to_csv(f, header=False, index=False)
    return {"seconds": time.perf_counter() - started, "bytes": path.stat().st_size}


def fresh_db(path: Path) -> str:
    from mcwidgets.domain.actors import Actor, ActorKind
    from mcwidgets.services import account, users
    from mcwidgets.services.context import Context

    if path.exists():
        path.unlink()
    url = f"sqlite:///{path}"
    ctx = Context.open(url)
    users.add_user(ctx, None, "admin", admin=True)
    # ~40 % of the rows say "Marketing contact": far above the default spike limit
    account.configure(ctx, Actor(ActorKind.USER, "admin"), spike_limit=1_000_000_000)
    ctx.dispose()
    return url


def run_import(csv_path: Path, db_path: Path, fresh: bool) -> dict:
    from mcwidgets.domain.actors import Actor, ActorKind
    from mcwidgets.services.context import Context
    from mcwidgets.services.importer import import_csv

    url = fresh_db(db_path) if fresh else f"sqlite:///{db_path}"
    ctx = Context.open(url)
    started = time.perf_counter()
    r = import_csv(ctx, Actor(ActorKind.USER, "admin"), csv_path)
    seconds = time.perf_counter() - started
    ctx.dispose()
    return {"seconds": seconds, "rows": r.rows, "created": r.created, "updated": r.updated,
            "status_changed": r.status_changed, "bad_rows": r.bad_rows}


BASELINE_COLUMNS = ("email", "first_name", "last_name", "company", "country", "lifecycle_stage", "source",
                    "created_at", "last_activity_at", "hard_bounced", "unsubscribed", "marketing_status",
                    "pending_non_marketing")


def baseline_rows(csv_path: Path) -> Iterator[tuple]:
    """The rows of a file ``generate`` wrote, as values of ``BASELINE_COLUMNS``, read with
    the csv module and converted by hand: what a plain load does (no validation)."""
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for r in reader:
            yield (r[0].lower(), r[1], r[2], r[3], r[4], r[5], r[6], r[7] or None, r[8] or None,
                   r[9] == "Yes", r[10] == "Yes", "marketing" if r[11] == "Marketing contact" else "non_marketing",
                   False)


def insert_batches(conn, sql: str, rows: Iterable[tuple], size: int = 50_000) -> int:
    """``executemany`` of ``rows`` in batches of ``size``; the number of rows."""
    n = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            conn.executemany(sql, batch)
            n += len(batch)
            batch = []
    conn.executemany(sql, batch)
    return n + len(batch)


def run_baseline(csv_path: Path, db_path: Path) -> dict:
    fresh_db(db_path)
    sql = (f"INSERT INTO contacts ({', '.join(BASELINE_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in BASELINE_COLUMNS)})")
    gc.disable()  # as the import does while streaming: a fair baseline
    started = time.perf_counter()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    n = insert_batches(conn, sql, baseline_rows(csv_path))
    conn.execute("COMMIT")
    conn.close()
    return {"seconds": time.perf_counter() - started, "rows": n}


def child(step: str, csv_path: str, db_path: str, rows: int) -> None:
    if step == "generate":
        out = generate(Path(csv_path), rows)
    elif step == "import":
        out = run_import(Path(csv_path), Path(db_path), fresh=True)
    elif step == "update":
        out = run_import(Path(csv_path), Path(db_path), fresh=False)
    else:
        out = run_baseline(Path(csv_path), Path(db_path))
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def step(name: str, csv_path: Path, db_path: Path, rows: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", name, "--csv", str(csv_path), "--db", str(db_path),
                           "--rows", str(rows)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"step {name} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", help="working folder (default: a temporary one)")
    ap.add_argument("--no-update", action="store_true", help="skip the re-import (update) step")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.csv, args.db, args.rows)
        return
    work = Path(args.dir or tempfile.mkdtemp(prefix="mcw-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / "contacts.csv"
    g = step("generate", csv_path, work / "unused.db", args.rows)
    print(f"generated {args.rows:,} rows ({g['bytes'] / 1e6:.0f} MB) in {g['seconds']:.1f} s")
    imp = step("import", csv_path, work / "import.db", args.rows)
    base = step("baseline", csv_path, work / "baseline.db", args.rows)
    rate, base_rate = imp["rows"] / imp["seconds"], base["rows"] / base["seconds"]
    print(f"import   (fresh SQLite): {imp['rows']:,} rows in {imp['seconds']:.1f} s = {rate:,.0f} rows/s; "
          f"created {imp['created']:,}, bad {imp['bad_rows']:,}; peak RSS {imp['peak_rss_mb']:.0f} MB")
    print(f"baseline (executemany):  {base['rows']:,} rows in {base['seconds']:.1f} s = {base_rate:,.0f} rows/s; "
          f"peak RSS {base['peak_rss_mb']:.0f} MB")
    print(f"ratio: the import takes {imp['seconds'] / base['seconds']:.2f}x the raw INSERT's time "
          f"({rate / base_rate:.0%} of its rows/s)")
    if not args.no_update:
        upd = step("update", csv_path, work / "import.db", args.rows)
        print(f"re-import (all updates): {upd['rows']:,} rows in {upd['seconds']:.1f} s = "
              f"{upd['rows'] / upd['seconds']:,.0f} rows/s; updated {upd['updated']:,}, status changes "
              f"{upd['status_changed']:,}; peak RSS {upd['peak_rss_mb']:.0f} MB")
    if not args.dir:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
