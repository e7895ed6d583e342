"""Benchmark: the kernel's memory over a user's whole visit of the dashboard, in one process.

    .venv/bin/python benchmarks/bench_memory.py [--contacts 1000000] [--db PATH] [--trace [N]]

What a Voila kernel does, without the browser: open the App, build the dashboard
(``build_dashboard``, as ``dashboard_from_env`` does), then drive its widgets the way
clicks do, printing the process's resident set size (VmRSS, and the peak VmHWM) after
each step:

1. load: the App and the dashboard (the Overview);
2. contacts tab: the Contacts panel and its grid's first page;
3. filters: four filters typed into the FilterBuilder, each applied to the grid and counted;
4. pages: next x5, last, prev, a sort by created date (descending), first;
5. forecast: "Select all N matching" over country IN (Netherlands, Belgium), "Set as non-marketing" (the forecast);
6. bulk action: the typed count, Confirm (a set-based update of ~300,000 contacts);
7. wizard: the Manage marketing contacts tab, its four steps and "Update contacts";
8. undo: the wizard's Undo (asked and answered), then the bulk action's on the Activity tab;
9. every tab: Workflows, Activity, Settings and the Overview shown again;
10. again: steps 3 to 6 and the bulk action's undo a second time (what it adds is what leaks).

The database is a SQLite file made by the demo loader (``App.demo``, seed 42, clock
2026-03-10): ``--db PATH`` reuses one (a copy is driven, the file is left as it is);
without it one is built in a temporary folder first (untimed, in a child process so
that building it does not count). ``--trace N``: also tracemalloc, and the N biggest
growths (by line) between steps, to find what holds on to memory.

Goal: under 300 MB throughout (the README quotes the last run).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SEED = 42
USER = "admin"
RSS_MB_TARGET = 300.0

COUNTRY = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "IN",
                                          "values": ["Netherlands", "Belgium"]}]}]}
FILTERS = [
    {"filterGroups": [{"filters": [{"propertyName": "lifecycle_stage", "operator": "EQ", "value": "lead"}]}]},
    {"filterGroups": [{"filters": [{"propertyName": "last_activity_at", "operator": "MORE_THAN_DAYS_AGO",
                                    "value": 180}]}]},
    {"filterGroups": [{"filters": [{"propertyName": "lifecycle_stage", "operator": "EQ", "value": "lead"},
                                   {"propertyName": "unsubscribed", "operator": "EQ", "value": False}]}]},
    COUNTRY,
]


def vm(field_name: str) -> float:
    """A /proc/self/status figure in MB (VmRSS: resident now; VmHWM: the peak)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def live_widgets() -> int:
    """Widgets not closed: each holds its state and, in a kernel, a comm, until closed."""
    from ipywidgets.widgets.widget import _instances

    return len(_instances)


def build_db(path: Path, contacts: int) -> None:
    code = ("import sys; sys.path.insert(0, sys.argv[3]);"
            "from benchmarks.bench_memory import _build; _build(sys.argv[1], int(sys.argv[2]))")
    subprocess.run([sys.executable, "-c", code, str(path), str(contacts), str(ROOT)], check=True)


def _build(path: str, contacts: int) -> None:
    from mcwidgets.app import App

    app = App.open(f"sqlite:///{path}", now=NOW, user=USER)
    try:
        r = app.demo(contacts=contacts, seed=SEED)
        app.status()
    finally:
        app.close()
    print(f"demo database: {r.contacts:,} contacts ({r.marketing:,} marketing) in {r.seconds:.1f} s",
          file=sys.stderr)


def wait(ready, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.02)


class Visit:
    """The steps, each a method; ``run`` prints the RSS after each."""

    def __init__(self, url: str, trace: int, *, display_dashboard: bool = False):
        self.url = url
        self.trace = trace
        self.display_dashboard = display_dashboard
        self.rows: list[dict] = []
        self._snap = None

    def measure(self, step: str, t0: float) -> None:
        seconds = time.perf_counter() - t0
        pool = getattr(getattr(self, "app", None), "ctx", None)
        pool = pool.engine.pool if pool is not None else None
        row = {"step": step, "rss_mb": round(vm("VmRSS"), 1), "peak_mb": round(vm("VmHWM"), 1),
               "seconds": round(seconds, 2), "connections": pool.checkedin() + pool.checkedout() if pool else 0,
               "widgets": live_widgets()}
        self.rows.append(row)
        print(f"{step:<58} RSS {row['rss_mb']:6.1f} MB  peak {row['peak_mb']:6.1f} MB  {seconds:6.2f} s  "
              f"{row['connections']} db conn.  {row['widgets']:,} widgets", flush=True)
        if self.trace:
            import tracemalloc

            snap = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)])
            if self._snap is not None:
                top = snap.compare_to(self._snap, "lineno")[: self.trace]
                for stat in top:
                    print(f"      {stat}", flush=True)
            current, peak = tracemalloc.get_traced_memory()
            print(f"      traced now {current / 2**20:.1f} MB, traced peak {peak / 2**20:.1f} MB", flush=True)
            tracemalloc.reset_peak()
            self._snap = snap

    def run(self) -> list[dict]:
        t0 = time.perf_counter()
        import ipywidgets  # noqa: F401

        from mcwidgets.app import App
        from mcwidgets.dashboard import build_dashboard

        if self.trace:
            import tracemalloc

            tracemalloc.start(8)
        self.measure("imports", t0)

        t0 = time.perf_counter()
        self.app = App.open(self.url, now=NOW, user=USER, create=False)
        self.app.status()  # as dashboard_from_env does
        self.dash = build_dashboard(self.app)
        if self.display_dashboard:  # in a kernel: as the Voila page shows it
            from IPython.display import display

            display(self.dash)
        self.measure("1 load: App and dashboard (Overview)", t0)

        for name, step in [("2 Contacts tab: panel and first grid page", self.contacts_tab),
                           ("3 filters: four filters applied and counted", self.filters),
                           ("4 pages: next x5, last, prev, sort, first", self.pages),
                           ("5 forecast: select all matching, Set as non-marketing", self.forecast),
                           ("6 bulk action: typed count, Confirm", self.bulk),
                           ("7 wizard: four steps, Update contacts", self.wizard),
                           ("8 undo: the wizard's, then the bulk action's (Activity)", self.undo),
                           ("9 every tab shown again", self.every_tab),
                           ("10 again: filters, pages, a bulk action, its undo", self.again)]:
            t0 = time.perf_counter()
            step()
            self.measure(name, t0)
        gc.collect()
        self.measure("after gc.collect()", time.perf_counter())
        self.app.close()
        return self.rows

    # ---- the steps -------------------------------------------------------------------
    def contacts_tab(self) -> None:
        self.panel = self.dash.select("Contacts")
        assert self.panel.grid.rows and not self.panel.grid.error, self.panel.grid.error

    def filters(self) -> None:
        """As typed: the panel applies the filter to the grid, and the builder counts it, on
        their debounce timers (other threads), as in the dashboard."""
        grid, builder = self.panel.grid, self.panel.builder
        for flt in FILTERS:
            builder.filter = flt
            wait(lambda: grid.filter == builder.filter and not grid.busy and builder.count is not None,
                 f"the grid and the count of {flt}")
            assert not grid.error, grid.error

    def pages(self) -> None:
        grid = self.panel.grid
        for _ in range(5):
            grid.go("next")
        grid.go("last")
        grid.go("prev")
        grid.sort_by("created_at", descending=True)
        grid.go("first")
        assert grid.rows and not grid.error, grid.error

    def forecast(self) -> None:
        grid = self.panel.grid
        grid.select_all_matching()
        self.panel.actions.open("set_non_marketing")
        actions = self.panel.actions
        assert actions.pending is not None, actions.error_html.value
        self.expected = actions.expected

    def bulk(self) -> None:
        actions = self.panel.actions
        actions.typed.value = f"{self.expected:,}"
        actions.confirm()
        assert actions.result is not None and actions.result.changed > 0, actions.error_html.value
        self.bulk_action_id = actions.result.action_id

    def wizard(self) -> None:
        wz = self.dash.select("Manage marketing contacts")
        wz.go(2)
        wz._leave(2, skip=False)
        wz.builder.filter = FILTERS[1]  # last activity more than 180 days ago
        wait(lambda: wz.builder.count is not None, "the wizard's filter count")
        wz._leave(3, skip=False)
        assert wz.forecast is not None and wz.forecast.changes > 0, wz.message.value
        wz.update_contacts()
        assert wz.result is not None and wz.result.changed > 0, wz.message.value
        self.wz = wz

    def undo(self) -> None:
        wz = self.wz
        wz.undo()
        wz.confirm.answer("yes")
        assert wz.undo_result is not None, wz.message.value
        activity = self.dash.select("Activity")
        activity.ask_undo(self.bulk_action_id)
        activity.confirm.answer("yes")
        assert activity.last_undo is not None, activity.message.value
        self.first_undo = activity.last_undo.action_id

    def again(self) -> None:
        """A second round of the same work: what a second round adds is what leaks."""
        self.dash.select("Contacts")
        self.panel.grid.clear_selection()
        self.filters()
        self.pages()
        self.forecast()
        self.bulk()
        activity = self.dash.select("Activity")
        activity.ask_undo(self.bulk_action_id)
        activity.confirm.answer("yes")
        assert activity.last_undo is not None and activity.last_undo.action_id != self.first_undo, \
            activity.message.value
        self.dash.select("Overview")

    def every_tab(self) -> None:
        for title in ("Workflows", "Activity", "Settings", "Overview"):
            self.dash.select(title)


def in_kernel(url: str, trace: int) -> list[dict]:
    """Run the visit in a real ipykernel, as Voila does: every widget opens a comm and
    each state change is serialised and sent (here to a client that reads and drops it)."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from benchmarks.bench_memory import Visit\n"
            f"_visit = Visit({url!r}, {trace}, display_dashboard=True)\n"
            "_rows = _visit.run()\n"
            "import json; print('ROWS ' + json.dumps(_rows))\n")
    rows: list[dict] = []
    try:
        msg_id = kc.execute(code)
        while True:
            msg = kc.get_iopub_msg(timeout=1800)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                for line in content["text"].splitlines(keepends=True):
                    if line.startswith("ROWS "):
                        rows = json.loads(line[5:])
                    else:
                        sys.stdout.write(line)
                sys.stdout.flush()
            elif kind == "error":
                raise SystemExit("the visit failed in the kernel:\n" + "\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, help="a demo SQLite database to copy (else one is built)")
    ap.add_argument("--trace", type=int, nargs="?", const=12, default=0,
                    help="tracemalloc: the N biggest growths between steps (default 12)")
    ap.add_argument("--in-process", action="store_true",
                    help="drive the widgets in this process, with no kernel (no comms: nothing is serialised)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mcw-mem-") as tmp:
        db = Path(tmp) / "visit.db"
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            build_db(db, args.contacts)
        url = f"sqlite:///{db}"
        rows = Visit(url, args.trace).run() if args.in_process else in_kernel(url, args.trace)
    worst = max(r["rss_mb"] for r in rows)
    print(f"highest RSS after a step: {worst:.0f} MB; peak (VmHWM) {rows[-1]['peak_mb']:.0f} MB; goal < "
          f"{RSS_MB_TARGET:.0f} MB: {'yes' if worst < RSS_MB_TARGET else 'no'}")
    where = "in this process (no kernel)" if args.in_process else "in an ipykernel (as under Voila)"
    print(f"{datetime.now(UTC):%Y-%m-%d} · {where} · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs")
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
