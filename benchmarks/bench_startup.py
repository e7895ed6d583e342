"""Benchmark: start-up of the dashboard, beside an empty Voila notebook, in Chromium.

    .venv/bin/python benchmarks/bench_startup.py [--contacts 20000] [--runs 3]

Before anything is timed: a fresh demo database of ``--contacts`` contacts (fixed
clock), a notebook with one ``print`` cell, and Chromium (Debian's, launched as the
browser tests launch it, see tests/e2e/conftest.py).

Each run starts a server on a free port and opens a new browser page on it:

* **dashboard**: ``python -m mcwidgets --db URL --now NOW serve --port P --no-browser``;
  usable when the Overview's marketing count and a trace of the plotly usage chart
  are rendered (``.mcw-count-marketing .mcw-value`` and
  ``.mcw-usage-chart .js-plotly-plot .scatterlayer .trace``);
* **empty Voila**: ``python -m voila empty.ipynb --port=P --no-browser --Voila.ip=127.0.0.1``;
  usable when the cell's printed text is on the page.

Four kinds, alternating, ``--runs`` of each (issue 16 item 1, preheated kernels):

* **dashboard, cold** (``serve --preheat 0``) and **empty Voila, cold**: the clock
  starts just before the server process is launched;
* **dashboard, preheated** (``serve --preheat 1``) and **empty Voila, open**: the
  server is already running (for the dashboard: its pooled kernel has built the
  dashboard and said so on the log); the clock starts when the page is opened. The
  goal: the preheated dashboard usable no slower than the empty, non-preheated page.

For the cold kinds the clock starts just before the server process is launched and stops when the
selector is there; "listening" is when the server first accepts a connection (the
page is requested then; an HTTP probe of the page would make Voila run a second
kernel). Requests that leave 127.0.0.1 (CDN fonts) are refused at once, as
in the browser tests. The two kinds alternate, ``--runs`` of each; the medians and
their ratio are printed.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.voila import (CHROMIUM, CHROMIUM_ARGS, NOW, free_port, only_local,  # noqa: E402
                                 serve_argv, started)

DASHBOARD_READY = (".mcw-count-marketing .mcw-value", ".mcw-usage-chart .js-plotly-plot .scatterlayer .trace")
EMPTY_MARK = "voila-empty-notebook-ok"
TIMEOUT_S = 120
KINDS = ("dashboard-cold", "empty-cold", "dashboard-preheated", "empty-open")
PREHEATED_READY = re.compile(r"mcwidgets: preheated dashboard ready in kernel")


def make_demo(folder: Path, contacts: int) -> str:
    from mcwidgets.app import App

    url = f"sqlite:///{folder / 'startup.db'}"
    app = App.open(url, now=NOW, user="admin")
    try:
        result = app.demo(contacts=contacts, seed=42)
        app.status()  # the day's snapshot, as a dashboard opened before would have left it
    finally:
        app.close()
    print(f"demo database: {result.contacts:,} contacts ({result.marketing:,} marketing), "
          f"built in {result.seconds:.1f} s (not timed)")
    return url


def make_empty_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f'print("{EMPTY_MARK}")')]
    nb.cells[0].id = "empty"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def wait_until_warm(kind: str, log_path: Path) -> None:
    """A running server, ready for a page: the preheated dashboard's kernel has built it."""
    if kind == "dashboard-preheated":
        deadline = time.monotonic() + TIMEOUT_S
        while not PREHEATED_READY.search(log_path.read_text(errors="replace")):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no preheated kernel ready in {TIMEOUT_S} s")
            time.sleep(0.5)
    time.sleep(2)  # let the server and the pooled kernel settle (the pool may still be idle-waiting)


def measure(browser, kind: str, argv: list[str], port: int, folder: Path, log_name: str) -> dict:
    url = f"http://127.0.0.1:{port}/"
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    only_local(page, url)
    page.on("pageerror", lambda e: errors.append(str(e)))
    t0 = time.monotonic()
    try:
        with started(argv, port, folder, folder / log_name, timeout=TIMEOUT_S):
            listening = time.monotonic() - t0
            if not kind.endswith("-cold"):  # the page is opened on a running server
                wait_until_warm(kind, folder / log_name)
                t0 = time.monotonic()
            page.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000)
            if kind.startswith("dashboard"):
                for selector in DASHBOARD_READY:
                    page.wait_for_selector(selector, timeout=TIMEOUT_S * 1000)
            else:
                page.wait_for_selector(f".jp-OutputArea-output:has-text('{EMPTY_MARK}')", timeout=TIMEOUT_S * 1000)
            usable = time.monotonic() - t0
            shown = (page.inner_text(DASHBOARD_READY[0]) if kind.startswith("dashboard") else EMPTY_MARK)
    finally:
        context.close()
    return {"kind": kind, "listening_s": round(listening, 2), "usable_s": round(usable, 2), "shown": shown,
            "page_errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="mcw-bench-startup-") as tmp:
        folder = Path(tmp)
        db_url = make_demo(folder, args.contacts)
        notebook = make_empty_notebook(folder)
        results: list[dict] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for i in range(args.runs):
                    for kind in KINDS:
                        port = free_port()
                        if kind.startswith("dashboard"):
                            cmd = serve_argv(db_url, port, "--preheat", "0" if kind.endswith("-cold") else "1")
                        else:
                            cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
                                   "--Voila.ip=127.0.0.1"]
                        r = measure(browser, kind, cmd, port, folder, f"{kind}-{i}.log")
                        r["run"] = i + 1
                        results.append(r)
                        print(f"run {i + 1} {kind:<19}: listening at {r['listening_s']:5.2f} s, "
                              f"usable at {r['usable_s']:5.2f} s"
                              + ("" if kind.endswith("-cold") else " after the page was opened")
                              + (f"  (page errors: {r['page_errors']})" if r["page_errors"] else ""))
            finally:
                browser.close()

    med = {kind: {key: statistics.median(r[key] for r in results if r["kind"] == kind)
                  for key in ("listening_s", "usable_s")} for kind in KINDS}
    cold = med["dashboard-cold"]["usable_s"] / med["empty-cold"]["usable_s"]
    warm = med["dashboard-preheated"]["usable_s"] / med["empty-open"]["usable_s"]
    print()
    print(f"median over {args.runs} runs, {args.contacts:,} contacts:")
    print(f"  serve --preheat 0 launched -> usable dashboard       : {med['dashboard-cold']['usable_s']:.2f} s "
          f"(listening at {med['dashboard-cold']['listening_s']:.2f} s)")
    print(f"  empty Voila launched -> usable page                  : {med['empty-cold']['usable_s']:.2f} s "
          f"(listening at {med['empty-cold']['listening_s']:.2f} s)")
    print(f"  ratio, from launch                                   : {cold:.2f}x")
    print(f"  page opened on serve --preheat 1 -> usable dashboard : {med['dashboard-preheated']['usable_s']:.2f} s")
    print(f"  page opened on empty Voila (not preheated) -> usable : {med['empty-open']['usable_s']:.2f} s")
    print(f"  ratio preheated dashboard / empty Voila page (goal <= 1.0): {warm:.2f}x")
    if args.json:
        print(json.dumps({"contacts": args.contacts, "runs": results, "median": med, "ratio_cold": round(cold, 2),
                          "ratio_preheated": round(warm, 2)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
