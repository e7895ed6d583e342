"""Benchmark: mcwidgets' services against hand-written SQL, at a million contacts.

    .venv/bin/python benchmarks/run.py [--contacts 1000000] [--engines sqlite,postgres]
                                       [--quick] [--repeat 3] [--pg-url URL] [--parts PART,...]

``--parts`` (or the environment variable MCW_BENCH_PARTS) runs only some parts:
demo, counts, pages, memory, bulk (set as non-marketing), rollover, status_during_bulk
(status from another connection while a bulk action runs), import, custom (filters on
custom properties); the default is all of them. Without ``demo`` the demo contacts are loaded once, untimed.

Not part of the test run. For each engine it builds N demo contacts (default
1,000,000) in a throwaway database (SQLite: a temporary file; PostgreSQL: a
throwaway server from Debian's binaries, ``tests.support.pgserver.PgServer``, or
``--pg-url``, whose contacts it REPLACES), then times each operation twice in the
same process on the same database: through mcwidgets (``App`` and its services) and
as the same work done with hand-written SQL text on the engine's raw DBAPI
connection (``engine.raw_connection()``). Each pair runs several times, alternating,
and the median is reported; mutating operations are undone between runs, outside
the timed part, by one UPDATE of the contacts the run changed back to the old values
its audit rows hold, plus deleting those audit rows and the action (PostgreSQL: then
VACUUM ANALYZE, so dead rows do not pile up from run to run).

Operations (mcwidgets | raw SQL):

* demo load: ``App.demo(N)`` (clear, generate, bulk load, history) | clear + the same
  rows (pre-converted, untimed) with ``executemany`` (SQLite, secondary indexes
  dropped and rebuilt, as the loader does) / ``COPY`` + ANALYZE (PostgreSQL); and the
  loader alone (``store.bulk.load_contacts`` of a pre-built frame) | the insert alone;
* CSV import of N rows into a fresh store: ``services.importer.import_csv`` | the
  rows read with the csv module and inserted with ``executemany`` / ``COPY`` in one
  transaction (``benchmarks/bench_import.py``'s baseline; its CSV generator);
* filtered count, three filters: ``App.count(filter)`` | ``SELECT count(*) ... WHERE``;
* grid pages (50 rows), sorts last_name and created_at desc: first, next (after the
  middle one), middle (row N/2, i.e. 500,000) and last: ``App.page`` | keyset SQL
  (the middle one: the key from a covering-index ``LIMIT 1 OFFSET n``, then a keyset
  read; the plain ``LIMIT 50 OFFSET n`` is shown in the detail table); and the first
  and next page with a filter (country IN (Netherlands, Belgium));
* set as non-marketing over ``country IN (Netherlands, Belgium)`` (~31 % of contacts):
  ``App.set_non_marketing(filter=...)`` | the minimal raw work: action row + ``INSERT
  INTO audit_events ... SELECT`` of one audit row per contact + ``UPDATE`` of the
  pending flag (both with the filter and the transition's condition);
* rollover of ~30 % of contacts made pending (untimed set-up): ``App.rollover()`` with
  the clock moved past the update date | action row + audit INSERT ... SELECT + UPDATE;
* status while a bulk action runs: ``usage.status`` from another connection, called
  again and again while ``set_non_marketing`` over every contact runs in a thread |
  the same status when idle (no raw SQL side: the figure is the latency, and the ratio
  during / idle; a read takes no write lock, so it does not wait for the action);
* custom properties (``store.custom``: the JSON column + one expression index per property):
  every contact gets ``employees`` (number, 0..1999), ``tier`` (enumeration, a copy of its
  lifecycle stage) and ``last_seen`` (datetime, a copy of its last activity) by one raw
  UPDATE (untimed), then ``App.create_property`` builds each index (timed, one run). Counts
  ``employees > 500``, ``tier = lead`` and ``last_seen`` more than 180 days ago:
  ``App.count`` | the same count in raw SQL on the same layout (the indexed JSON
  expression); and ``App.count`` on the custom property | ``App.count`` of the same filter
  on its built-in twin column (lifecycle_stage, last_activity_at; ``employees`` has none);
* peak RSS (VmHWM) of a fresh process that opens the App, builds the whole dashboard
  (every tab) and pages through the grid; the JSON bytes of one 50-row grid page.

Prints a detail table per engine, then one Markdown table (with date, machine and
command) that the README can quote. ``--quick``: 20,000 contacts, one run each.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The demo's clock: billing starts that day (monthly), so nothing is due until a month later.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=35)  # past exactly one update date: the rollover is due
SEED = 42
USER = "admin"

RATIO_TARGET = 1.3
BIG = int(os.environ.get("MCW_BENCH_BIG", 2_000_000))  # contacts: above it the demo part loads fewer times (see Bench.demo_load)
PARTS = ("demo", "counts", "pages", "memory", "bulk", "rollover", "status_during_bulk", "import", "custom")
PAGE_MS_TARGET = 20.0
RSS_MB_TARGET = 300.0
PAGE_BYTES_TARGET = 20 * 1024
PAGE_SIZE = 50

GRID_COLUMNS = ("id, email, first_name, last_name, company, country, lifecycle_stage, source, created_at, "
                "last_activity_at, hard_bounced, unsubscribed, marketing_status, pending_non_marketing")
DEMO_COLUMNS = ("email", "first_name", "last_name", "company", "country", "lifecycle_stage", "source",
                "created_at", "last_activity_at", "hard_bounced", "unsubscribed", "marketing_status",
                "pending_non_marketing")
SECONDARY_INDEXES = {  # contacts' non-unique indexes (store.models.Contact), by hand
    "ix_contacts_created_at_id": "contacts (created_at, id)",
    "ix_contacts_last_activity_id": "contacts (last_activity_at, id)",
    "ix_contacts_last_name_id": "contacts (last_name, id)",
    "ix_contacts_status_pending": "contacts (marketing_status, pending_non_marketing)",
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------
# Results


@dataclass
class Row:
    engine: str
    op: str
    kind: str  # "time" (seconds), "page" (seconds, 20 ms target), "rate", "rss", "bytes",
    #            "latency" (seconds: a read during a write | the same read idle)
    mcw: float
    raw: float | None = None
    runs: tuple[list[float], list[float]] | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.raw in (None, 0) or self.kind in ("rss", "bytes"):
            return None
        if self.kind == "rate":  # rows/s: the ratio of times
            return self.raw / self.mcw
        return self.mcw / self.raw

    def fmt(self, v: float | None) -> str:
        if v is None:
            return "—"
        if self.kind in ("page", "latency"):
            return f"{v * 1000:.1f} ms"
        if self.kind == "time":
            return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"
        if self.kind == "rate":
            return f"{v:,.0f} rows/s"
        if self.kind == "rss":
            return f"{v:.0f} MB"
        if self.kind == "bytes":
            return f"{v / 1024:.1f} KB ({v:,.0f} B)"
        return str(v)

    def target(self) -> str:
        r = self.ratio
        if self.kind == "rss":
            return f"{'yes' if self.mcw < RSS_MB_TARGET else '**no**'} (< {RSS_MB_TARGET:.0f} MB)"
        if self.kind == "bytes":
            return f"{'yes' if self.mcw < PAGE_BYTES_TARGET else '**no**'} (< 20 KB)"
        if self.kind == "latency":  # the read answered while the write ran, not after it
            return "yes (answers during the action)" if "answered 0 " not in self.note else "**no**"
        ok_ratio = r is not None and r <= RATIO_TARGET
        if self.kind == "page":
            ok_ms = self.mcw * 1000 < PAGE_MS_TARGET
            return (f"{'yes' if ok_ms else '**no**'} (< 20 ms); "
                    f"ratio {'yes' if ok_ratio else '**no**'} (≤ {RATIO_TARGET}x)")
        return f"{'yes' if ok_ratio else '**no**'} (≤ {RATIO_TARGET}x)"


RESULTS: list[Row] = []
LOADAVG: dict[str, list[float]] = {}  # engine -> 1-minute load averages sampled during its runs
CURRENT = {"engine": ""}


def sample_load() -> None:
    LOADAVG.setdefault(CURRENT["engine"], []).append(os.getloadavg()[0])
EXTRA: list[str] = []  # detail lines printed with the engine's table


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def pair(engine: str, op: str, kind: str, reps: int, mcw: Callable, raw: Callable,
         reset_mcw: Callable | None = None, reset_raw: Callable | None = None,
         warmup: bool = False, note: str = "") -> Row:
    """Alternate mcwidgets / raw ``reps`` times; resets run untimed after each."""
    sample_load()
    if warmup:
        mcw()
        raw()
    tm, tr = [], []
    for _ in range(reps):
        dt, out = timed(mcw)
        tm.append(dt)
        if reset_mcw:
            reset_mcw(out)
        dt, out = timed(raw)
        tr.append(dt)
        if reset_raw:
            reset_raw(out)
    row = Row(engine, op, kind, median(tm), median(tr), (tm, tr), note)
    RESULTS.append(row)
    log(f"{engine:8} {op:55} mcw {row.fmt(row.mcw):>12}  raw {row.fmt(row.raw):>12}  "
        f"ratio {row.ratio:.2f}  runs mcw={[round(x, 4) for x in tm]} raw={[round(x, 4) for x in tr]}")
    return row


# ---------------------------------------------------------------------------
# The raw side: hand-written SQL on the engine's DBAPI connection


class Raw:
    """One pooled DBAPI connection of the engine, with '?' placeholders on both databases."""

    def __init__(self, engine):
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.fairy = engine.raw_connection()
        self.conn = self.fairy.driver_connection  # sqlite3 (autocommit: we BEGIN) / psycopg

    def sql(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s") if self.pg else text

    def dt(self, d: datetime):
        """A naive-UTC datetime parameter as each store keeps it."""
        return d if self.pg else d.strftime("%Y-%m-%d %H:%M:%S.%f")

    def begin(self) -> None:
        if not self.pg:
            self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.commit() if self.pg else self.conn.execute("COMMIT")

    def end_read(self) -> None:
        if self.pg:
            self.conn.rollback()

    def all(self, text: str, params=()) -> list:
        cur = self.conn.cursor()
        try:
            cur.execute(self.sql(text), params)
            return cur.fetchall()
        finally:
            cur.close()

    def run(self, text: str, params=()) -> int:
        cur = self.conn.cursor()
        try:
            cur.execute(self.sql(text), params)
            return cur.rowcount
        finally:
            cur.close()

    def read(self, text: str, params=()) -> list:
        rows = self.all(text, params)
        self.end_read()
        return rows

    def maintain(self, *tables: str) -> None:
        """Untimed, between runs: PostgreSQL VACUUM ANALYZE; SQLite WAL checkpoint."""
        if self.pg:
            self.conn.rollback()
            self.conn.autocommit = True
            try:
                for t in tables:
                    self.conn.execute(f"VACUUM ANALYZE {t}")
            finally:
                self.conn.autocommit = False
        else:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        try:
            if self.pg:
                self.conn.rollback()
        finally:
            self.fairy.close()


def raw_action(raw: Raw, kind: str, at: datetime) -> int:
    row = raw.all("INSERT INTO actions (kind, actor_kind, actor_name, at, description, matched, changed) "
                  "VALUES (?, 'user', 'admin', ?, '', 0, 0) RETURNING id", (kind, raw.dt(at)))
    return int(row[0][0])


def raw_transition(raw: Raw, action_id: int, at: datetime, where: str, new_status: str, new_pending: str) -> int:
    """The minimal raw work of a status change: one audit row per contact it changes
    (INSERT ... SELECT, old values read as they are), then the UPDATE; same condition."""
    raw.run("INSERT INTO audit_events (contact_id, action_id, at, old_status, new_status, old_pending, "
            f"new_pending) SELECT id, ?, ?, marketing_status, {new_status}, pending_non_marketing, {new_pending} "
            f"FROM contacts WHERE {where}", (action_id, raw.dt(at)))
    sets = [f"pending_non_marketing = {new_pending}"]
    if new_status != "marketing_status":
        sets.insert(0, f"marketing_status = {new_status}")
    return raw.run(f"UPDATE contacts SET {', '.join(sets)} WHERE {where}")


def undo_action(raw: Raw, action_id: int) -> int:
    """Untimed: put the contacts an action changed back as its audit rows say; drop its trail."""
    raw.begin()
    n = raw.run("UPDATE contacts SET marketing_status = e.old_status, pending_non_marketing = e.old_pending "
                "FROM audit_events e WHERE e.action_id = ? AND e.contact_id = contacts.id", (action_id,))
    raw.run("DELETE FROM audit_events WHERE action_id = ?", (action_id,))
    raw.run("DELETE FROM actions WHERE id = ?", (action_id,))
    raw.commit()
    return n


# ---------------------------------------------------------------------------
# The benchmark of one engine


class Bench:
    def __init__(self, engine_name: str, url: str, n: int, reps: int, light_reps: int, work: Path,
                 admin_url: Callable[[str], str] | None, import_rows: int | None = None):
        from mcwidgets.app import App

        self.name, self.url, self.n, self.reps, self.light = engine_name, url, n, reps, light_reps
        self.import_rows = import_rows or n
        self.work = work
        self.db_url_for = admin_url  # PostgreSQL: database name -> URL (for the import's fresh stores)
        self.app = App.open(url, now=NOW, user=USER)
        self.raw = Raw(self.app.ctx.engine)
        self.pg = self.raw.pg

    def close(self) -> None:
        self.raw.close()
        self.app.close()

    # -- demo load -------------------------------------------------------------
    def demo_load(self) -> None:
        from mcwidgets.services.demo import demo_frame
        from mcwidgets.store.bulk import CONTACTS, _column_values, load_contacts

        n = self.n
        # Past BIG contacts (the 10,000,000 run): no warm-up load and no "loader alone" row
        # (each load takes minutes), and on PostgreSQL the raw side COPYs a file of the rows in
        # COPY's CSV form written untimed, rather than tuples held in memory (gigabytes).
        big = n > BIG
        if not big:
            log(f"{self.name}: warm-up demo load of {n:,} contacts (untimed)")
            self.app.demo(contacts=n, seed=SEED)
        gen_s, _ = timed(lambda: demo_frame(n, SEED, NOW.replace(tzinfo=None)))
        EXTRA.append(f"demo load: generating the {n:,}-row frame alone (numpy, in App.demo) takes "
                     f"{gen_s:.2f} s")

        state = {}
        copy_file = self.work / "demo-copy.csv"

        def prepare():  # untimed: the demo's rows as plain tuples of the values the loader writes
            frame = demo_frame(n, SEED, NOW.replace(tzinfo=None))
            if big and self.pg:
                import csv
                with open(copy_file, "w", newline="") as f:
                    w = csv.writer(f)
                    for lo in range(0, n, 500_000):
                        part = frame.iloc[lo:lo + 500_000]
                        w.writerows(zip(*[_column_values(part[c], CONTACTS.c[c].type) for c in DEMO_COLUMNS]))
                state["rows"] = None
            else:
                state["rows"] = list(zip(*[_column_values(frame[c], CONTACTS.c[c].type) for c in DEMO_COLUMNS]))
            del frame

        def raw_clear():
            raw = self.raw
            if self.pg:
                raw.run("TRUNCATE audit_events, actions, usage_snapshots, list_members, contacts "
                        "RESTART IDENTITY")
                raw.commit()
            else:
                raw.begin()
                for t in ("audit_events", "actions", "usage_snapshots", "list_members", "contacts"):
                    raw.run(f"DELETE FROM {t}")
                raw.commit()

        def raw_insert():
            rows = state["rows"]
            raw = self.raw
            names = ", ".join(DEMO_COLUMNS)
            if self.pg and rows is None:  # big: the file prepared untimed, streamed as it is
                with raw.conn.cursor() as cur, \
                        cur.copy(f"COPY contacts ({names}) FROM STDIN WITH (FORMAT csv)") as copy, \
                        open(copy_file, "rb") as f:
                    while block := f.read(1 << 20):
                        copy.write(block)
                raw.commit()
                raw.run("ANALYZE contacts")
                raw.commit()
            elif self.pg:
                with raw.conn.cursor() as cur, cur.copy(f"COPY contacts ({names}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
                raw.commit()
                raw.run("ANALYZE contacts")
                raw.commit()
            else:
                raw.begin()
                for ix in SECONDARY_INDEXES:
                    raw.run(f"DROP INDEX IF EXISTS {ix}")
                cur = raw.conn.cursor()
                marks = ", ".join("?" for _ in DEMO_COLUMNS)
                for i in range(0, len(rows), 50_000):
                    cur.executemany(f"INSERT INTO contacts ({names}) VALUES ({marks})", rows[i:i + 50_000])
                cur.close()
                for ix, on in SECONDARY_INDEXES.items():
                    raw.run(f"CREATE INDEX {ix} ON {on}")
                raw.commit()

        tm, tr, tl, tr_ins = [], [], [], []
        for i in range(self.reps):
            sample_load()
            # raw: clear + insert of the pre-built rows (both timed)
            prepare()
            t_clear, _ = timed(raw_clear)
            t_ins, _ = timed(raw_insert)
            tr.append(t_clear + t_ins)
            tr_ins.append(t_ins)
            state.clear()
            if copy_file.exists():
                copy_file.unlink()
            gc.collect()
            self.raw.maintain("contacts")
            if big:
                log(f"{self.name}: raw load {t_clear + t_ins:.1f} s; now App.demo (on a cleared store: no "
                    f"warm-up demo marked the raw rows as demo data)")
                raw_clear()
                dt, _ = timed(partial(self.app.demo, contacts=n, seed=SEED))
                tm.append(dt)
                self.raw.maintain("contacts")
                continue
            # the loader alone (store.bulk.load_contacts) on the pre-built frame, after an untimed clear
            frame = demo_frame(n, SEED, NOW.replace(tzinfo=None))
            raw_clear()
            dt, _ = timed(partial(load_contacts, self.app.ctx.engine, frame))
            tl.append(dt)
            frame = None
            gc.collect()
            self.raw.maintain("contacts")
            # mcwidgets: App.demo (clear, generate, convert, load, history)
            dt, _ = timed(partial(self.app.demo, contacts=n, seed=SEED))
            tm.append(dt)
            self.raw.maintain("contacts")
        row = Row(self.name, f"demo load ({n:,} contacts)", "time", median(tm), median(tr), (tm, tr),
                  note="App.demo: clear + generate + load + history; raw: clear + insert of the same rows, "
                       "pre-built untimed")
        RESULTS.append(row)
        log(f"{self.name:8} {row.op:55} mcw {row.fmt(row.mcw)}  raw {row.fmt(row.raw)}  ratio {row.ratio:.2f}  "
            f"runs mcw={[round(x, 2) for x in tm]} raw={[round(x, 2) for x in tr]}")
        if big:
            RESULTS[-1].note += ("; raw COPY streams a CSV file of the rows written untimed" if self.pg else "")
            c = self.raw.read("SELECT count(*), sum(CASE WHEN marketing_status = 'marketing' THEN 1 ELSE 0 END) "
                              "FROM contacts")[0]
            EXTRA.append(f"after the demo: {c[0]:,} contacts, {c[1]:,} marketing")
            return
        row = Row(self.name, f"bulk loader alone (store.bulk.load_contacts, {n:,} rows)", "time", median(tl),
                  median(tr_ins), (tl, tr_ins), note="frame pre-built untimed; raw: insert of pre-built tuples")
        RESULTS.append(row)
        log(f"{self.name:8} {row.op:55} mcw {row.fmt(row.mcw)}  raw {row.fmt(row.raw)}  ratio {row.ratio:.2f}  "
            f"runs mcw={[round(x, 2) for x in tl]} raw={[round(x, 2) for x in tr_ins]}")
        c = self.raw.read("SELECT count(*), sum(CASE WHEN marketing_status = 'marketing' THEN 1 ELSE 0 END) "
                          "FROM contacts")[0]
        EXTRA.append(f"after the demo: {c[0]:,} contacts, {c[1]:,} marketing")

    # -- counts ----------------------------------------------------------------
    def counts(self) -> None:
        cutoff = datetime.combine(NOW.date() - timedelta(days=180), datetime.min.time())
        cases = [
            ("count: country IN (Netherlands, Belgium)",
             {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "IN",
                                             "values": ["Netherlands", "Belgium"]}]}]},
             "SELECT count(*) FROM contacts WHERE lower(country) IN ('netherlands', 'belgium')", ()),
            ("count: last activity more than 180 days ago",
             {"filterGroups": [{"filters": [{"propertyName": "last_activity_at", "operator": "MORE_THAN_DAYS_AGO",
                                             "value": 180}]}]},
             "SELECT count(*) FROM contacts WHERE last_activity_at < ?", (self.raw.dt(cutoff),)),
            ("count: lifecycle stage = lead AND NOT unsubscribed",
             {"filterGroups": [{"filters": [{"propertyName": "lifecycle_stage", "operator": "EQ", "value": "lead"},
                                            {"propertyName": "unsubscribed", "operator": "EQ", "value": False}]}]},
             "SELECT count(*) FROM contacts WHERE lifecycle_stage = 'lead' AND unsubscribed = FALSE", ()),
        ]
        for op, flt, sql, params in cases:
            a, b = self.app.count(flt), self.raw.read(sql, params)[0][0]
            assert a == b, (op, a, b)
            row = pair(self.name, op, "time", self.light, partial(self.app.count, flt),
                       partial(self.raw.read, sql, params), warmup=True)
            row.note = f"{a:,} contacts"
        # The case-sensitive IN a hand-writer might also write (same result on this data):
        sql = "SELECT count(*) FROM contacts WHERE country IN ('Netherlands', 'Belgium')"
        ts = [timed(partial(self.raw.read, sql))[0] for _ in range(self.light)]
        EXTRA.append(f"count: the exact-case `country IN ('Netherlands', 'Belgium')` takes "
                     f"{median(ts) * 1000:.0f} ms (raw)")

    # -- custom properties --------------------------------------------------------
    def custom(self) -> None:
        raw = self.raw
        log(f"{self.name}: custom property values for every contact (one raw UPDATE, untimed)")
        raw.begin()
        if self.pg:
            raw.run("UPDATE contacts SET custom = jsonb_strip_nulls(jsonb_build_object("
                    "'employees', (id::bigint * 7919) % 2000, 'tier', lifecycle_stage, 'last_seen', "
                    "to_char(last_activity_at, 'YYYY-MM-DD HH24:MI:SS')))")
        else:
            raw.run("UPDATE contacts SET custom = json_object('employees', (id * 7919) % 2000, "
                    "'tier', lifecycle_stage, 'last_seen', strftime('%Y-%m-%d %H:%M:%S', last_activity_at))")
            # json_object keeps SQL NULL as JSON null: an unknown value is an absent key
            raw.run("UPDATE contacts SET custom = json_remove(custom, '$.tier') "
                    "WHERE json_type(custom, '$.tier') = 'null'")
            raw.run("UPDATE contacts SET custom = json_remove(custom, '$.last_seen') "
                    "WHERE json_type(custom, '$.last_seen') = 'null'")
        raw.commit()
        stages = ["subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity",
                  "customer", "evangelist", "other"]
        for name, label, type_, options in (("employees", "Employees", "number", ()),
                                            ("tier", "Tier", "enumeration", stages),
                                            ("last_seen", "Last seen", "datetime", ())):
            dt, _ = timed(partial(self.app.create_property, name, label, type_, options))
            EXTRA.append(f"custom: creating property {name} ({type_}) with its expression index over "
                         f"{self.n:,} contacts takes {dt:.2f} s")
        raw.maintain("contacts")
        if not self.pg:
            raw.run("ANALYZE")
        cutoff = datetime.combine(NOW.date() - timedelta(days=180), datetime.min.time())
        cut = cutoff.strftime("%Y-%m-%d %H:%M:%S")
        j = (lambda k, cast="": f"((custom ->> '{k}'){cast})") if self.pg else (
            lambda k, cast="": f"json_extract(custom, '$.{k}')")
        flt = lambda prop, op, value: {"filterGroups": [{"filters": [  # noqa: E731
            {"propertyName": prop, "operator": op, "value": value}]}]}
        cases = [
            ("custom count: employees > 500 (number)", flt("employees", "GT", 500),
             f"SELECT count(*) FROM contacts WHERE {j('employees', '::numeric')} > 500", None),
            ("custom count: tier = lead (enumeration)", flt("tier", "EQ", "lead"),
             f"SELECT count(*) FROM contacts WHERE {j('tier')} = 'lead'", flt("lifecycle_stage", "EQ", "lead")),
            ("custom count: last_seen more than 180 days ago (datetime)", flt("last_seen", "MORE_THAN_DAYS_AGO", 180),
             f"SELECT count(*) FROM contacts WHERE {j('last_seen')} < '{cut}'"
             + (' COLLATE "C"' if self.pg else ""),
             flt("last_activity_at", "MORE_THAN_DAYS_AGO", 180)),
        ]
        for op, custom_filter, sql, builtin_filter in cases:
            a, b = self.app.count(custom_filter), raw.read(sql)[0][0]
            assert a == b, (op, a, b)
            row = pair(self.name, op + ": vs raw SQL on the same layout", "time", self.light,
                       partial(self.app.count, custom_filter), partial(raw.read, sql), warmup=True)
            row.note = f"{a:,} contacts"
            if builtin_filter is not None:
                c = self.app.count(builtin_filter)
                assert a == c, (op, a, c)
                row = pair(self.name, op + ": vs the same filter on the built-in column", "time", self.light,
                           partial(self.app.count, custom_filter), partial(self.app.count, builtin_filter),
                           warmup=True)
                row.note = f"{a:,} contacts; both through App.count"

    # -- pages -----------------------------------------------------------------
    def pages(self) -> None:
        total = self.raw.read("SELECT count(*) FROM contacts")[0][0]
        middle = min(500_000, total // 2)
        middle -= middle % PAGE_SIZE
        last_n = total - ((total - 1) // PAGE_SIZE) * PAGE_SIZE
        raw = self.raw
        for sort, desc in (("last_name", False), ("created_at", True)):
            label = f"{sort}{' desc' if desc else ''}"
            d = "DESC" if desc else "ASC"
            rd = "ASC" if desc else "DESC"
            cmp_after = "<" if desc else ">"
            cmp_from = "<=" if desc else ">="
            order, rorder = f"ORDER BY {sort} {d}, id {d}", f"ORDER BY {sort} {rd}, id {rd}"
            k = PAGE_SIZE + 1

            def raw_first(order=order, k=k):
                return raw.read(f"SELECT {GRID_COLUMNS} FROM contacts {order} LIMIT {k}")

            def raw_middle(sort=sort, order=order, cmp_from=cmp_from, k=k):
                key = raw.all(f"SELECT {sort}, id FROM contacts {order} LIMIT 1 OFFSET {middle}")[0]
                return raw.read(f"SELECT {GRID_COLUMNS} FROM contacts WHERE ({sort}, id) {cmp_from} (?, ?) "
                                f"{order} LIMIT {k}", tuple(key))

            def raw_offset(order=order):
                return raw.read(f"SELECT {GRID_COLUMNS} FROM contacts {order} LIMIT {PAGE_SIZE} OFFSET {middle}")

            def raw_last(rorder=rorder):
                return raw.read(f"SELECT {GRID_COLUMNS} FROM contacts {rorder} LIMIT {last_n}")[::-1]

            mid_page = self.app.page(sort=sort, descending=desc, size=PAGE_SIZE, position=("offset", middle))
            last_row = mid_page.rows[-1]
            after = (raw.dt(last_row[sort]) if isinstance(last_row[sort], datetime) else last_row[sort],
                     last_row["id"])

            def raw_next(sort=sort, order=order, cmp_after=cmp_after, k=k, after=after):
                return raw.read(f"SELECT {GRID_COLUMNS} FROM contacts WHERE ({sort}, id) {cmp_after} (?, ?) "
                                f"{order} LIMIT {k}", after)

            page = partial(self.app.page, sort=sort, descending=desc, size=PAGE_SIZE)
            # As the grid does: its first page counts the contacts (it shows the total),
            # the pages after it reuse that count.
            known = partial(page, total=mid_page.total)

            def raw_first_counted(raw_first=raw_first):
                raw.read("SELECT count(*) FROM contacts")
                return raw_first()

            cases = [
                ("first, time to rows (the grid: rows before the count)", partial(page, count=False), raw_first),
                ("first (with the count)", page, raw_first_counted),
                (f"middle (row {middle:,})", partial(known, position=("offset", middle)), raw_middle),
                ("next (after the middle one)", partial(known, position="next", cursor=mid_page.next_cursor),
                 raw_next),
                ("last", partial(known, position="last"), raw_last),
            ]
            for what, m, r in cases:
                ids_m = [row["id"] for row in m().rows]
                ids_r = [row[0] for row in r()][:PAGE_SIZE]
                assert ids_m == ids_r, (label, what, ids_m[:3], ids_r[:3])
                pair(self.name, f"page {what}, {label}", "page", self.light, m, r, warmup=True)
            ts = [timed(raw_offset)[0] for _ in range(max(1, self.light // 2))]
            EXTRA.append(f"page middle, {label}: plain `LIMIT {PAGE_SIZE} OFFSET {middle:,}` of full rows "
                         f"(raw) takes {median(ts) * 1000:.1f} ms")
        # The grid with a filter: its first page counts the matching contacts, the next reuse the count.
        flt = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "IN",
                                              "values": ["Netherlands", "Belgium"]}]}]}
        where = "lower(country) IN ('netherlands', 'belgium')"
        first = self.app.page(flt, sort="last_name", size=PAGE_SIZE)
        key = (first.rows[-1]["last_name"], first.rows[-1]["id"])
        cases = [
            ("first (with the count)", lambda: self.app.page(flt, sort="last_name", size=PAGE_SIZE),
             lambda: (raw.read(f"SELECT count(*) FROM contacts WHERE {where}"),
                      raw.read(f"SELECT {GRID_COLUMNS} FROM contacts WHERE {where} "
                               f"ORDER BY last_name, id LIMIT {PAGE_SIZE + 1}"))[1]),
            ("next", lambda: self.app.page(flt, sort="last_name", size=PAGE_SIZE, position="next",
                                           cursor=first.next_cursor, total=first.total),
             lambda: raw.read(f"SELECT {GRID_COLUMNS} FROM contacts WHERE {where} AND (last_name, id) > (?, ?) "
                              f"ORDER BY last_name, id LIMIT {PAGE_SIZE + 1}", key)),
        ]
        raw_filtered_first = partial(raw.read, f"SELECT {GRID_COLUMNS} FROM contacts WHERE {where} "
                                               f"ORDER BY last_name, id LIMIT {PAGE_SIZE + 1}")
        cases.insert(0, ("first, time to rows (the grid: rows before the count)",
                         lambda: self.app.page(flt, sort="last_name", size=PAGE_SIZE, count=False),
                         raw_filtered_first))
        for what, m, r in cases:
            ids_m = [row["id"] for row in m().rows]
            ids_r = [row[0] for row in r()][:PAGE_SIZE]
            assert ids_m == ids_r, ("filtered", what, ids_m[:3], ids_r[:3])
            pair(self.name, f"page {what}, last_name, filtered country IN (Netherlands, Belgium)", "page",
                 self.light, m, r, warmup=True)
        ts = [timed(lambda: raw.read("SELECT count(*) FROM contacts"))[0] for _ in range(self.light)]
        EXTRA.append(f"page: `SELECT count(*) FROM contacts` (the total every App.page call computes) "
                     f"takes {median(ts) * 1000:.1f} ms (raw)")
        self.grid_time_to_rows(flt, raw_filtered_first)

    def grid_time_to_rows(self, flt: dict, raw_first: Callable) -> None:
        """The ContactGrid itself: a new filter set -> its first page's rows in the widget (the
        count handed to the background runner, which runs it after the timed part)."""
        from mcwidgets.widgets.grid import ContactGrid

        jobs: list = []
        grid = ContactGrid(self.app, subscribe=False, background=lambda work, done: jobs.append((work, done)))
        other = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ",
                                                "value": "Germany"}]}]}
        state = {"i": 0}

        def set_filter():
            state["i"] += 1
            grid.filter = flt if state["i"] % 2 else other  # a new filter each time
            return grid.rows

        def drain(_out=None):  # untimed: the counts, as the worker thread would run them
            while jobs:
                work, done = jobs.pop(0)
                done(work(), None)

        row = pair(self.name, "grid: a new filter to its first page's rows (count in the background)", "page",
                   self.light, set_filter, raw_first, reset_mcw=drain, warmup=True,
                   note="ContactGrid.filter set, rows formatted; raw: the filtered first page")
        drain()
        EXTRA.append(f"grid time to rows: the count arrives afterwards ({grid.total:,} contacts); "
                     f"{row.fmt(row.mcw)} to rows")

    # -- set as non-marketing ----------------------------------------------------
    def set_non_marketing(self) -> None:
        flt = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "IN",
                                              "values": ["Netherlands", "Belgium"]}]}]}
        raw = self.raw
        at = NOW.replace(tzinfo=None)
        matched = raw.read("SELECT count(*) FROM contacts WHERE lower(country) IN ('netherlands', 'belgium')")[0][0]
        info = {}

        def mcw():
            r = self.app.set_non_marketing(filter=flt)
            info["changed"] = r.changed
            return r.action_id

        def raw_op():
            raw.begin()
            aid = raw_action(raw, "set_non_marketing", at)
            n = raw_transition(raw, aid, at, "lower(country) IN ('netherlands', 'belgium') "
                               "AND marketing_status = 'marketing' AND pending_non_marketing = FALSE",
                               "marketing_status", "TRUE")
            raw.commit()
            info["raw_changed"] = n
            return aid

        def reset(aid):
            undo_action(raw, aid)
            raw.maintain("contacts", "audit_events")

        pair(self.name, f"set non-marketing (filter matches {matched:,})", "time", self.reps, mcw, raw_op,
             reset, reset)
        RESULTS[-1].note = f"{info['changed']:,} changed"
        assert info["changed"] == info["raw_changed"], info

    # -- rollover ----------------------------------------------------------------
    def rollover(self) -> None:
        from mcwidgets.app import App

        raw = self.raw
        raw.begin()  # untimed set-up: ~30 % of the contacts pending
        raw.run("UPDATE contacts SET pending_non_marketing = TRUE WHERE marketing_status = 'marketing' "
                "AND pending_non_marketing = FALSE AND id % 2 = 0")
        raw.commit()
        raw.maintain("contacts")
        pending = raw.read("SELECT count(*) FROM contacts WHERE pending_non_marketing = TRUE")[0][0]
        acc = raw.read("SELECT last_update_processed, processed_until, tier, requested_tier FROM account "
                       "WHERE id = 1")[0]
        snap = raw.read("SELECT coalesce(max(id), 0) FROM usage_snapshots")[0][0]
        later = App.open(self.url, now=LATER, user=USER)
        at = LATER.replace(tzinfo=None)
        info = {}

        def mcw():
            r = later.rollover()
            assert len(r.action_ids) == 1, r
            info["changed"] = r.changed
            return r.action_ids[0]

        def reset_mcw(aid):
            undo_action(raw, aid)
            raw.begin()
            raw.run("UPDATE account SET last_update_processed = ?, processed_until = ?, tier = ?, "
                    "requested_tier = ? WHERE id = 1", tuple(acc))
            raw.run("DELETE FROM usage_snapshots WHERE id > ?", (snap,))
            raw.commit()
            raw.maintain("contacts", "audit_events")

        def raw_op():
            raw.begin()
            aid = raw_action(raw, "rollover", at)
            n = raw_transition(raw, aid, at, "pending_non_marketing = TRUE", "'non_marketing'", "FALSE")
            raw.commit()
            info["raw_changed"] = n
            return aid

        def reset_raw(aid):
            undo_action(raw, aid)
            raw.maintain("contacts", "audit_events")

        try:
            pair(self.name, f"rollover ({pending:,} pending)", "time", self.reps, mcw, raw_op, reset_mcw, reset_raw)
        finally:
            later.close()
        RESULTS[-1].note = f"{info['changed']:,} changed"
        assert info["changed"] == info["raw_changed"] == pending, (info, pending)

    # -- status while a bulk action runs ---------------------------------------------
    def status_during_bulk(self) -> None:
        """``usage.status`` from another connection while ``set_non_marketing`` over every
        contact runs in a thread, against the same status idle. Reads take no write lock,
        so none of them waits for the action's transaction to end."""
        from dataclasses import replace

        from mcwidgets.domain.actors import Actor, ActorKind
        from mcwidgets.domain.selection import Selection
        from mcwidgets.services import status as status_service
        from mcwidgets.services import usage
        from mcwidgets.services.context import Context

        sample_load()
        reader = Context.open(self.url, now=NOW)  # its own engine: another connection
        try:
            usage.status(reader)  # warm-up (and the day's snapshot, the one read that writes)
            idle = [timed(lambda: usage.status(reader))[0] for _ in range(self.light)]
            running, finished = threading.Event(), threading.Event()
            bulk_ctx = replace(self.app.ctx, checkpoint=lambda step: step == "action-recorded" and running.set())
            out: dict = {}

            def bulk():
                t = time.perf_counter()
                try:
                    out["result"] = status_service.set_non_marketing(
                        bulk_ctx, Actor(ActorKind.USER, USER), Selection(all_contacts=True))
                finally:
                    out["seconds"] = time.perf_counter() - t
                    finished.set()
                    running.set()  # (a failure before the action was recorded)

            worker = threading.Thread(target=bulk)
            worker.start()
            during, late = [], 0
            running.wait()  # the action holds the write lock from here until it commits
            while not finished.is_set():
                dt, _ = timed(lambda: usage.status(reader))
                if finished.is_set():
                    late += 1  # ended after the action: not counted as answered during it
                else:
                    during.append(dt)
            worker.join()
        finally:
            reader.dispose()
        result = out["result"]
        undo_action(self.raw, result.action_id)
        self.raw.maintain("contacts", "audit_events")
        row = Row(self.name, f"status while a bulk action over {self.n:,} contacts runs (raw SQL column: idle)",
                  "latency",
                  median(during) if during else out["seconds"], median(idle), (during, idle),
                  note=f"answered {len(during)} times during the {out['seconds']:.2f} s action "
                       f"({result.changed:,} changed), max {max(during, default=0) * 1000:.1f} ms")
        RESULTS.append(row)
        log(f"{self.name:8} {row.op:55} during {row.fmt(row.mcw):>10}  idle {row.fmt(row.raw):>10}  "
            f"ratio {row.ratio:.2f}  {row.note}")
        print(f"status latency on {self.name} at {self.n:,} contacts: {row.fmt(row.mcw)} (median) while a "
              f"bulk action runs vs {row.fmt(row.raw)} idle; {row.note}", flush=True)

    # -- import ------------------------------------------------------------------
    def csv_import(self, csv_path: Path) -> None:
        if self.import_rows < self.n:
            return self.csv_import_into_store(csv_path)
        from mcwidgets.domain.actors import Actor, ActorKind
        from mcwidgets.services import account, users
        from mcwidgets.services.context import Context
        from mcwidgets.services.importer import import_csv
        from mcwidgets.store.engine import make_engine

        from bench_import import BASELINE_COLUMNS, baseline_rows, insert_batches  # benchmarks/ is sys.path[0]

        rows_expected = self.n

        def fresh(k: int) -> str:
            if self.pg:
                name = f"mcw_bench_import_{k}"
                self.raw.maintain()  # ends the transaction
                self.raw.conn.autocommit = True
                self.raw.conn.execute(f"DROP DATABASE IF EXISTS {name}")
                self.raw.conn.execute(f"CREATE DATABASE {name}")
                self.raw.conn.autocommit = False
                url = self.db_url_for(name)
            else:
                url = f"sqlite:///{self.work / f'import-{k}.db'}"
            ctx = Context.open(url, now=NOW)
            users.add_user(ctx, None, USER, admin=True)
            account.configure(ctx, Actor(ActorKind.USER, USER), spike_limit=1_000_000_000)
            ctx.dispose()
            return url

        def drop(k: int, url: str) -> None:
            if self.pg:
                self.raw.conn.autocommit = True
                self.raw.conn.execute(f"DROP DATABASE IF EXISTS mcw_bench_import_{k} WITH (FORCE)")
                self.raw.conn.autocommit = False
            else:
                for suffix in ("", "-wal", "-shm"):
                    p = self.work / f"import-{k}.db{suffix}"
                    if p.exists():
                        p.unlink()

        def mcw(url):
            ctx = Context.open(url, now=NOW)
            try:
                dt, r = timed(lambda: import_csv(ctx, Actor(ActorKind.USER, USER), csv_path,
                                                 errors_path=self.work / "errors.csv"))
            finally:
                ctx.dispose()
            assert r.created == rows_expected and r.bad_rows == 0, r
            return dt

        def raw_insert(url):
            engine = make_engine(url)
            fairy = engine.raw_connection()
            conn = fairy.driver_connection
            names = ", ".join(BASELINE_COLUMNS)
            gc.disable()  # as the import does while streaming (bench_import's baseline)
            try:
                started = time.perf_counter()
                n = 0
                if self.pg:
                    with conn.cursor() as cur, cur.copy(f"COPY contacts ({names}) FROM STDIN") as copy:
                        for row in baseline_rows(csv_path):
                            copy.write_row(row)
                            n += 1
                    conn.commit()
                else:
                    conn.execute("BEGIN IMMEDIATE")
                    marks = ", ".join("?" for _ in BASELINE_COLUMNS)
                    n = insert_batches(conn, f"INSERT INTO contacts ({names}) VALUES ({marks})",
                                       baseline_rows(csv_path))
                    conn.execute("COMMIT")
                dt = time.perf_counter() - started
            finally:
                gc.enable()
                fairy.close()
                engine.dispose()
            assert n == rows_expected, n
            return dt

        tm, tr = [], []
        k = 0
        for _ in range(self.reps):
            for fn, out in ((mcw, tm), (raw_insert, tr)):
                sample_load()
                k += 1
                url = fresh(k)
                gc.collect()
                out.append(fn(url))
                drop(k, url)
        row = Row(self.name, f"CSV import ({self.n:,} rows, fresh store)", "rate",
                  self.n / median(tm), self.n / median(tr), (tm, tr),
                  note=f"mcw {median(tm):.1f} s, raw {median(tr):.1f} s")
        RESULTS.append(row)
        log(f"{self.name:8} {row.op:55} mcw {row.fmt(row.mcw)}  raw {row.fmt(row.raw)}  time ratio "
            f"{row.ratio:.2f}  runs mcw={[round(x, 1) for x in tm]} raw={[round(x, 1) for x in tr]}")

    def csv_import_into_store(self, csv_path: Path) -> None:
        """``--import-rows`` below ``--contacts``: the file's new contacts imported into the
        benchmark's own store (N contacts) | the same rows inserted raw into its contacts
        table; each undone untimed (the contacts above the largest id before, the import's
        audit rows and action) and VACUUM ANALYZE."""
        from mcwidgets.domain.actors import Actor, ActorKind
        from mcwidgets.services import account
        from mcwidgets.services.importer import import_csv

        from bench_import import BASELINE_COLUMNS, baseline_rows, insert_batches  # benchmarks/ is sys.path[0]

        raw, k = self.raw, self.import_rows
        account.configure(self.app.ctx, Actor(ActorKind.USER, USER), spike_limit=1_000_000_000)
        top = raw.read("SELECT coalesce(max(id), 0) FROM contacts")[0][0]
        actions_top = raw.read("SELECT coalesce(max(id), 0) FROM actions")[0][0]
        raw.end_read()

        def mcw():
            gc.collect()
            r = import_csv(self.app.ctx, Actor(ActorKind.USER, USER), csv_path, errors_path=self.work / "errors.csv")
            assert r.created == k and r.bad_rows == 0, r
            return r.action_id

        def raw_insert():
            conn = raw.conn
            names = ", ".join(BASELINE_COLUMNS)
            gc.disable()
            try:
                if self.pg:
                    raw.conn.rollback()
                    with conn.cursor() as cur, cur.copy(f"COPY contacts ({names}) FROM STDIN") as copy:
                        for row in baseline_rows(csv_path):
                            copy.write_row(row)
                    conn.commit()
                else:
                    raw.begin()
                    marks = ", ".join("?" for _ in BASELINE_COLUMNS)
                    insert_batches(conn, f"INSERT INTO contacts ({names}) VALUES ({marks})", baseline_rows(csv_path))
                    raw.commit()
            finally:
                gc.enable()

        def reset(_out=None):
            raw.begin()
            raw.run("DELETE FROM audit_events WHERE action_id > ?", (actions_top,))
            raw.run("DELETE FROM actions WHERE id > ?", (actions_top,))
            n = raw.run("DELETE FROM contacts WHERE id > ?", (top,))
            raw.commit()
            raw.maintain("contacts", "audit_events", "actions")
            assert n == k, (n, k)

        row = pair(self.name, f"CSV import ({k:,} new rows into {self.n:,} contacts)", "time", self.reps, mcw,
                   raw_insert, reset, reset)
        row.note = "raw: the rows read with the csv module and COPY/executemany into contacts"

    # -- memory and page bytes (a fresh process) ---------------------------------
    def memory(self) -> None:
        proc = subprocess.run([sys.executable, __file__, "--child-memory", self.url], capture_output=True,
                              text=True, cwd=ROOT, check=False)
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"the memory child failed on {self.name}")
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        RESULTS.append(Row(self.name, f"peak RSS: open App, whole dashboard, grid {out['how']}", "rss",
                           out["vmhwm_mb"], note=f"imports alone {out['imports_mb']:.0f} MB; "
                           f"after dashboard {out['dashboard_mb']:.0f} MB"))
        static = ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in out["static_bytes"].items())
        RESULTS.append(Row(self.name, f"bytes of one {out['rows']}-row grid page ({out['bytes_how']})", "bytes",
                           out["page_bytes"], note=(f"of which {static}, sent once when the widget is created"
                                                    if static else "")))
        if static:
            RESULTS.append(Row(self.name, "bytes a page change sends (the page's synced traits: rows, "
                                          "paging figures, selection)", "bytes", out["per_page_bytes"]))
        log(f"{self.name:8} memory: {out}")


# ---------------------------------------------------------------------------
# The child process of the memory figure


def vm(field_name: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child_memory(url: str) -> None:
    import ipywidgets  # noqa: F401  (counted in "imports alone")

    from mcwidgets.app import App
    from mcwidgets.dashboard import build_dashboard

    imports_mb = vm("VmRSS")
    app = App.open(url, now=NOW, user=USER)
    dash = build_dashboard(app)
    for title, _ in dash.tab_specs:  # the whole dashboard: every tab built
        dash.select(title)
    dashboard_mb = vm("VmRSS")

    try:
        from mcwidgets.widgets.grid import ContactGrid
    except ImportError:
        ContactGrid = None
    if ContactGrid is not None:
        grid = next((p for p in dash.panels.values() if isinstance(p, ContactGrid)), None)
        how = "ContactGrid (dashboard's own)" if grid is not None else "ContactGrid(app)"
        if grid is None:
            grid = ContactGrid(app)
        grid.page_size = PAGE_SIZE
        for to in ("first", "next", "next", "last", "prev", "first"):
            grid.go(to)
        assert not grid.error, grid.error
        how += " first/next/next/last/prev/first"
        state = grid.get_state()
        page_bytes = len(json.dumps(state, default=str))
        bytes_how = "len(json.dumps(ContactGrid.get_state()))"
        # What moving to another page sends: the synced traits a page fetch sets.
        keys = ["rows", "total", "start", "end", "page_number", "page_count", "has_next", "has_prev",
                "checked", "selected_count", "busy", "error"]
        per_page = len(json.dumps(grid.get_state(key=keys), default=str))
        static = {k: len(json.dumps(v, default=str)) for k, v in state.items() if k in ("_esm", "_css")}
        rows_n = len(grid.rows)
    else:
        how = "app.page first/next/middle/last/prev"
        p = app.page(size=PAGE_SIZE)
        p = app.page(size=PAGE_SIZE, position="next", cursor=p.next_cursor)
        p = app.page(size=PAGE_SIZE, position=("offset", p.total // 2))
        p = app.page(size=PAGE_SIZE, position="last")
        p = app.page(size=PAGE_SIZE, position="prev", cursor=p.prev_cursor)
        rows = app.page(size=PAGE_SIZE).rows
        page_bytes = per_page = len(json.dumps(rows, default=str))
        bytes_how, static, rows_n = "JSON of app.page(size=50).rows", {}, len(rows)
    app.close()
    print(json.dumps({"vmhwm_mb": vm("VmHWM"), "imports_mb": imports_mb, "dashboard_mb": dashboard_mb,
                      "how": how, "page_bytes": page_bytes, "bytes_how": bytes_how, "per_page_bytes": per_page,
                      "static_bytes": static, "rows": rows_n}))


# ---------------------------------------------------------------------------
# Report


def db_url(base, name: str) -> str:
    """The URL of database ``name`` on the server of URL ``base``."""
    return base.set(database=name).render_as_string(hide_password=False)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores (`nproc` = {os.cpu_count()}), {cpu}{mem}, {platform.platform()}"


def versions() -> str:
    import sqlite3

    import sqlalchemy

    parts = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}",
             f"SQLAlchemy {sqlalchemy.__version__}"]
    try:
        import psycopg
        parts.append(f"psycopg {psycopg.__version__}")
    except ImportError:
        pass
    return ", ".join(parts)


def print_details(engine: str) -> None:
    print(f"\n### {engine}: details (median; every run listed)\n")
    for r in [r for r in RESULTS if r.engine == engine]:
        runs = ""
        if r.runs:
            fmt = (lambda x: f"{x:.2f}s") if r.kind in ("time", "rate") else (lambda x: f"{x * 1000:.2f}ms")
            runs = f"  mcw runs [{', '.join(map(fmt, r.runs[0]))}]  raw runs [{', '.join(map(fmt, r.runs[1]))}]"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        print(f"- {r.op}: mcwidgets {r.fmt(r.mcw)}, raw {r.fmt(r.raw)}, ratio {ratio}"
              f"{'; ' + r.note if r.note else ''}{runs}")
    for line in EXTRA_BY_ENGINE.get(engine, []):
        print(f"- {line}")


EXTRA_BY_ENGINE: dict[str, list[str]] = {}


def print_markdown(command: str, pg_version: str | None) -> None:
    print("\n## Benchmark: mcwidgets vs hand-written SQL\n")
    print(f"Date: {date.today().isoformat()}. Machine: {machine()}.  ")
    print(f"Software: {versions()}{', ' + pg_version if pg_version else ''}.  ")
    print(f"Command: `{command}`.  ")
    print("Times are medians of alternating runs in one process on one database; ratio = mcwidgets / raw "
          "(for the import: raw rows/s over mcwidgets rows/s, i.e. the ratio of times).\n")
    for engine, xs in LOADAVG.items():
        print(f"1-minute load average sampled during the {engine} runs: {min(xs):.1f}–{max(xs):.1f} "
              f"(median {median(xs):.1f}) on {os.cpu_count()} cores"
              f"{' — other work was running on the machine: figures are noisy' if max(xs) > 2.5 else ''}.  ")
    print()
    print("| engine | operation | mcwidgets | raw SQL | ratio | target met? |")
    print("|---|---|---|---|---|---|")
    for r in RESULTS:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        op = r.op + (f" — {r.note}" if r.note and r.kind not in ("rss",) else "")
        if r.kind == "rss":
            op += f" ({r.note})"
        print(f"| {r.engine} | {op} | {r.fmt(r.mcw)} | {r.fmt(r.raw)} | {ratio} | {r.target()} |")


# ---------------------------------------------------------------------------


def run_engine(engine: str, url: str, args, work: Path, db_url_for, csv_path: Path) -> None:
    global EXTRA
    EXTRA = EXTRA_BY_ENGINE.setdefault(engine, [])
    CURRENT["engine"] = engine
    b = Bench(engine, url, args.contacts, args.reps, args.light_reps, work, db_url_for, args.import_rows)
    parts = args.parts
    try:
        if "demo" in parts:
            b.demo_load()
        elif args.keep_contacts:
            n = b.raw.read("SELECT count(*) FROM contacts")[0][0]
            b.raw.end_read()
            if n != args.contacts:
                raise SystemExit(f"--keep-contacts: the store holds {n:,} contacts, not {args.contacts:,}")
            log(f"{engine}: using the {n:,} contacts already in the store (--keep-contacts)")
            EXTRA.append(f"contacts: the {n:,} already in the store (--keep-contacts), not loaded by this run")
        else:
            log(f"{engine}: demo load of {args.contacts:,} contacts (the demo part is not selected: no raw side)")
            dt, _ = timed(partial(b.app.demo, contacts=args.contacts, seed=SEED))
            EXTRA.append(f"demo load (App.demo, {args.contacts:,} contacts, once, no raw side): {dt:.1f} s")
            log(EXTRA[-1])
            b.raw.maintain("contacts")
        steps = {"counts": b.counts, "pages": b.pages, "memory": b.memory, "bulk": b.set_non_marketing,
                 "rollover": b.rollover, "status_during_bulk": b.status_during_bulk,
                 "import": lambda: b.csv_import(csv_path), "custom": b.custom}
        for name, step in steps.items():
            if name in parts:
                step()
    finally:
        b.close()
    print_details(engine)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contacts", "--size", type=int, default=None,
                    help="contacts (default 1,000,000; --quick 20,000)")
    ap.add_argument("--import-rows", type=int, default=None,
                    help="rows of the CSV import (default: --contacts, into a fresh store); fewer than "
                         "--contacts: imported into the benchmark's store of --contacts contacts")
    ap.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--quick", action="store_true", help="a smoke check: 20,000 contacts, one run each")
    ap.add_argument("--repeat", type=int, default=None,
                    help="runs of each loading/mutating pair (default 3); reads run max(5, this) times")
    ap.add_argument("--pg-url", help="an existing PostgreSQL database to use (its contacts are REPLACED)")
    ap.add_argument("--parts", default=os.environ.get("MCW_BENCH_PARTS", ",".join(PARTS)),
                    help=f"comma-separated parts to run (default all; env MCW_BENCH_PARTS): {', '.join(PARTS)}")
    ap.add_argument("--keep-contacts", action="store_true",
                    help="with --pg-url and without the demo part: use the contacts already in the store "
                         "(it must hold --contacts of them), e.g. the 10,000,000 of benchmarks/scale_demo.py")
    ap.add_argument("--child-memory", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_memory:
        child_memory(args.child_memory)
        return
    if args.contacts is None:
        args.contacts = 20_000 if args.quick else 1_000_000
    reps = args.repeat or (1 if args.quick else 3)
    args.reps, args.light_reps = reps, (1 if args.quick and not args.repeat else max(5, reps))
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown_parts = set(args.parts) - set(PARTS)
    if unknown_parts or not args.parts:
        raise SystemExit(f"unknown part(s): {', '.join(sorted(unknown_parts)) or '(none given)'} "
                         f"(expected some of {', '.join(PARTS)})")
    engines = [{"postgresql": "postgres"}.get(e.strip(), e.strip()) for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"sqlite", "postgres"}
    if unknown:
        raise SystemExit(f"unknown engine(s): {', '.join(sorted(unknown))}")
    command = " ".join([".venv/bin/python benchmarks/run.py", *map(shlex.quote, sys.argv[1:])])
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="mcw-bench-"))
    pg_version = None
    try:
        from bench_import import (
            generate,  # benchmarks/ is sys.path[0] when run as a script
        )

        csv_path = work / "contacts.csv"
        if "import" in args.parts:
            args.import_rows = min(args.import_rows or args.contacts, args.contacts)
            log(f"generating a {args.import_rows:,}-row CSV for the import")
            generate(csv_path, args.import_rows)
        for engine in engines:
            log(f"=== {engine}: {args.contacts:,} contacts, {args.reps} run(s) per write pair, "
                f"{args.light_reps} per read pair")
            if engine == "sqlite":
                run_engine("SQLite", f"sqlite:///{work / 'bench.db'}", args, work, None, csv_path)
                for p in work.glob("bench.db*"):
                    p.unlink()
            else:
                server = None
                try:
                    if args.pg_url:
                        url = args.pg_url
                    else:
                        from tests.support.pgserver import PgServer
                        server = PgServer().start()
                        url = server.url()
                    from sqlalchemy.engine import make_url
                    base = make_url(url if "+" in url.split(":", 1)[0] else
                                    url.replace("postgresql://", "postgresql+psycopg://", 1))
                    from mcwidgets.store.engine import make_engine
                    eng = make_engine(url)
                    with eng.connect() as c:
                        pg_version = "PostgreSQL " + c.exec_driver_sql("SHOW server_version").scalar()
                    eng.dispose()
                    run_engine("PostgreSQL", url, args, work,
                               partial(db_url, base), csv_path)
                finally:
                    if server is not None:
                        server.stop()
    finally:
        for p in sorted(work.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        work.rmdir()
    print_markdown(command, pg_version)
    print(f"\n(whole run: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
