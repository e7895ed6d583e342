"""Starting ``mcwidgets serve`` (Voila) and Chromium for the browser tests, the live
serve tests and ``benchmarks/bench_startup.py``: one way to start, wait and stop.

A server runs in its own process group (Voila starts kernels), is waited for until
it *accepts connections* (never with an HTTP request of the page: each request of
the dashboard starts a kernel), and is stopped with its whole group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urlparse

NOW = "2026-11-26T12:00:00+00:00"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
MCWIDGETS = (sys.executable, "-m", "mcwidgets")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_argv(db_url: str, port: int, *extra: str, command: Sequence[str] = MCWIDGETS, now: str = NOW) -> list[str]:
    """``mcwidgets --db URL --now NOW serve --port PORT --no-browser EXTRA...``."""
    return [*command, "--db", db_url, "--now", now, "serve", "--port", str(port), "--no-browser", *extra]


def wait_until_listening(port: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Until the server on 127.0.0.1:``port`` accepts connections; RuntimeError if it
    exits first or does not within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open within {timeout} s")


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a server started here, with its process group (Voila and its kernels)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def started(argv: Sequence[str], port: int, folder: Path, log_path: Path, *, env=None,
            timeout: float = 90) -> Iterator[subprocess.Popen]:
    """Run ``argv`` (a server on ``port``) in ``folder``, its output in ``log_path``;
    yield the process once it listens; stop it with its process group afterwards.
    A server that exits or does not listen raises RuntimeError with its last words."""
    log = open(log_path, "wb")
    try:
        proc = subprocess.Popen(list(argv), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                cwd=folder, env=env)
        try:
            try:
                wait_until_listening(port, proc, timeout)
            except RuntimeError as e:  # say why: the server's own words
                log.flush()
                raise RuntimeError(f"{e}; its output:\n{Path(log_path).read_text(errors='replace')[-3000:]}") \
                    from None
            yield proc
        finally:
            stop(proc)
    finally:
        log.close()


def only_local(page, url: str, blocked: list[str] | None = None) -> None:
    """Refuse every request of ``page`` that leaves ``url``'s host and port (CDN fonts):
    the dashboard needs nothing from the internet. Refused addresses go to ``blocked``."""
    local = urlparse(url).netloc

    def route(r):
        if urlparse(r.request.url).netloc == local or r.request.url.startswith("data:"):
            r.continue_()
        else:
            if blocked is not None:
                blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
