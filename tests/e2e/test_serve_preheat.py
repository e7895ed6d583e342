"""Issue 16 item 1: `mcwidgets serve --preheat` serves pages from Voila's pool of kernels
that have already built the dashboard, and a page never shows stale figures: what a
CLI command changed after the pooled kernel was ready is on the page.

Its own server (--preheat 1 --max-kernels 3): the first page takes the pooled kernel,
the pool is filled again, the CLI changes the store, the second page takes the new
pooled kernel and shows the new counts. The kernel's "ready" line is on the server's
log (the dashboard writes it to the kernel's real stderr).
"""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest

from mcwidgets.app import App
from tests.e2e.conftest import open_dashboard
from tests.support.voila import MCWIDGETS, NOW, free_port, serve_argv, started

pytestmark = pytest.mark.e2e

READY = re.compile(r"mcwidgets: preheated dashboard ready in kernel ([0-9a-f-]{36})")
KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preheat")
    db_url = f"sqlite:///{folder / 'preheat.db'}"
    app = App.open(db_url, now=NOW, user="admin")
    app.demo(contacts=60, seed=5)
    app.close()
    port = free_port()
    log = folder / "serve.log"
    with started(serve_argv(db_url, port, "--preheat", "1", "--max-kernels", "3"), port, folder, log):
        yield {"url": f"http://127.0.0.1:{port}/", "db_url": db_url, "log": log}


def ready_kernels(log, count: int, timeout: float = 180) -> list[str]:
    """The ids of the kernels that said they are ready, once there are ``count``."""
    deadline = time.monotonic() + timeout
    while True:
        found = READY.findall(log.read_text(errors="replace"))
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"no {count} preheated kernels ready:\n{log.read_text()[-3000:]}"
        time.sleep(1)


def cli(db_url: str, *args: str) -> str:
    done = subprocess.run([*MCWIDGETS, "--db", db_url, "--now", NOW, *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def shown_marketing(d) -> int:
    return int(d.page.locator(".mcw-count-marketing .mcw-value").get_attribute("data-value"))


def test_a_second_page_comes_from_the_pool_and_shows_what_the_cli_changed(browser, server):
    first_ready = ready_kernels(server["log"], 1)[0]
    before = json.loads(cli(server["db_url"], "status", "--json"))["marketing"]

    first = open_dashboard(browser, server["url"])
    try:
        assert KERNEL_ID.search(first.page.content()).group(1) == first_ready
        assert f"Using pre-heated kernel: {first_ready}" in server["log"].read_text()
        assert shown_marketing(first) == before
        # the acting user and the --now clock reached the pooled kernel (Voila's environment)
        header = first.page.locator(".mcw-header").inner_text()
        assert "admin" in header and "26 Nov 2026" in header

        second_ready = ready_kernels(server["log"], 2)[1]  # the pool, filled again
        assert second_ready != first_ready
        # after that kernel built its dashboard, another process changes the store
        cli(server["db_url"], "set-status", "marketing", "--all", "--as", "admin")
        after = json.loads(cli(server["db_url"], "status", "--json"))["marketing"]
        assert after != before

        second = open_dashboard(browser, server["url"])
        try:
            assert KERNEL_ID.search(second.page.content()).group(1) == second_ready
            assert f"Using pre-heated kernel: {second_ready}" in server["log"].read_text()
            assert shown_marketing(second) == after  # never stale
            assert "preheated dashboard ready" not in second.page.content()  # the log line is not on the page
            assert not [e for e in second.errors if "pageerror" in e], second.errors
        finally:
            second.page.context.close()
    finally:
        first.page.context.close()
