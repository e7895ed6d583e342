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

The clock starts just before the server process is launched and stops when the
selector is there; "listening" is when the server first accepts a connection (the
page is requested then; an HTTP probe of the page would make Voila run a second
kernel). Requests that leave 127.0.0.1 (CDN fonts) are refused at once, as
in the browser tests. The two kinds alternate, ``--runs`` of each; the medians and
their ratio are printed.
"""

from __future__ import annotations

import argparse
import json
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
            page.goto(url, wait_until="commit", timeout=TIMEOUT_S * 1000)
            if kind == "dashboard":
                for selector in DASHBOARD_READY:
                    page.wait_for_selector(selector, timeout=TIMEOUT_S * 1000)
            else:
                page.wait_for_selector(f".jp-OutputArea-output:has-text('{EMPTY_MARK}')", timeout=TIMEOUT_S * 1000)
            usable = time.monotonic() - t0
            shown = (page.inner_text(DASHBOARD_READY[0]) if kind == "dashboard" else EMPTY_MARK)
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
                    for kind in ("dashboard", "empty"):
                        port = free_port()
                        if kind == "dashboard":
                            cmd = serve_argv(db_url, port)
                        else:
                            cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
                                   "--Voila.ip=127.0.0.1"]
                        r = measure(browser, kind, cmd, port, folder, f"{kind}-{i}.log")
                        r["run"] = i + 1
                        results.append(r)
                        print(f"run {i + 1} {kind:<9}: listening at {r['listening_s']:5.2f} s, "
                              f"usable at {r['usable_s']:5.2f} s"
                              + (f"  (page errors: {r['page_errors']})" if r["page_errors"] else ""))
            finally:
                browser.close()

    med = {kind: {key: statistics.median(r[key] for r in results if r["kind"] == kind)
                  for key in ("listening_s", "usable_s")} for kind in ("dashboard", "empty")}
    ratio = med["dashboard"]["usable_s"] / med["empty"]["usable_s"]
    print()
    print(f"median over {args.runs} runs, {args.contacts:,} contacts:")
    print(f"  mcwidgets serve -> usable dashboard : {med['dashboard']['usable_s']:.2f} s "
          f"(listening at {med['dashboard']['listening_s']:.2f} s)")
    print(f"  empty Voila notebook -> usable page : {med['empty']['usable_s']:.2f} s "
          f"(listening at {med['empty']['listening_s']:.2f} s)")
    print(f"  ratio dashboard / empty Voila       : {ratio:.2f}x "
          f"(+{med['dashboard']['usable_s'] - med['empty']['usable_s']:.2f} s)")
    if args.json:
        print(json.dumps({"contacts": args.contacts, "runs": results, "median": med, "ratio": round(ratio, 2)},
                         indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
