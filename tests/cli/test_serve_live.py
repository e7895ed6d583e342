"""Issue 12, findings 3 and 9: a real `mcwidgets serve` (Voila) refuses foreign hosts,
cross-origin websockets and pages beyond its kernel cap.

DNS rebinding: a page from evil.example whose name now resolves to 127.0.0.1 sends
``Host: evil.example:PORT`` and ``Origin: http://evil.example:PORT``. Both the page
and the kernel websocket must be refused (403), while 127.0.0.1, localhost and the
names given with --allow-host work. One server for the module (its start and first
page take ~10 s); --max-kernels 1 so the second page shows the cap's sentence.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import time

import pytest

from mcwidgets.app import App
from tests.support import voila
from tests.support.voila import NOW

# A real Voila and its kernels (other processes, with clocks of their own): not part of
# the far-off-date run, which is for code that the clock is passed to.
pytestmark = pytest.mark.e2e

ALLOWED = "dash.example.test"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    db_url = f"sqlite:///{folder / 'serve.db'}"
    app = App.open(db_url, now=NOW, user="admin")
    app.demo(contacts=30)
    app.close()
    port = voila.free_port()
    log_path = folder / "serve.log"
    argv = voila.serve_argv(db_url, port, "--max-kernels", "1", "--allow-host", ALLOWED)
    with voila.started(argv, port, folder, log_path):
        yield {"port": port, "log": log_path}


def get(port: int, path: str = "/", host: str | None = None, headers: dict | None = None,
        timeout: float = 120) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def websocket_status(port: int, kernel_id: str, host: str, origin: str | None) -> int:
    """The status of a websocket handshake on the kernel's channels (101: accepted)."""
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin is not None:
        headers["Origin"] = origin
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", f"/api/kernels/{kernel_id}/channels", skip_host=True)
        conn.putheader("Host", host)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture(scope="module")
def page(server):
    """The first page, from 127.0.0.1: it takes the one kernel the cap allows."""
    status, body = get(server["port"])
    assert status == 200, body[:500]
    found = re.search(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"', body) or \
        re.search(r"kernel[_-]?id\W+([0-9a-f]{8}-[0-9a-f-]{27})", body, re.I)
    assert found, "no kernel id in the page"
    return {"body": body, "kernel_id": found.group(1)}


def test_a_foreign_host_gets_403_and_no_kernel(server):
    for host in (f"evil.example:{server['port']}", "evil.example", f"10.1.2.3:{server['port']}"):
        status, body = get(server["port"], host=host)
        assert status == 403, (host, status)
    assert "Blocking request with non-local 'Host' evil.example" in server["log"].read_text()


def test_the_page_from_127_0_0_1_works(page):
    assert "mcw" in page["body"] or "voila" in page["body"].lower()


def test_websocket_from_the_page_s_own_origin_is_accepted(server, page):
    port = server["port"]
    assert websocket_status(port, page["kernel_id"], f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101
    assert websocket_status(port, page["kernel_id"], f"localhost:{port}", f"http://localhost:{port}") == 101
    assert websocket_status(port, page["kernel_id"], f"{ALLOWED}:{port}", f"http://{ALLOWED}:{port}") == 101


def test_cross_origin_websocket_is_refused(server, page):
    port = server["port"]
    for origin in (f"http://evil.example:{port}", "http://evil.example", "null", f"http://localhost:{port}",
                   f"http://127.0.0.1:{port + 1}", f"http://{ALLOWED}:{port}"):
        assert websocket_status(port, page["kernel_id"], f"127.0.0.1:{port}", origin) == 403, origin


def test_dns_rebinding_websocket_is_refused(server, page):
    """Origin == Host, but the Host is not ours: the page came from evil.example."""
    port = server["port"]
    status = websocket_status(port, page["kernel_id"], f"evil.example:{port}", f"http://evil.example:{port}")
    assert status == 403


def test_a_page_over_the_kernel_cap_gets_a_sentence(server, page):
    # From an allowed name: the Host check passes, the cap (1, taken by `page`) refuses.
    status, body = get(server["port"], host=f"{ALLOWED}:{server['port']}")
    assert status == 503
    assert "too many pages (1 at most)" in body and "close a dashboard tab" in body
    assert "Traceback" not in body


def test_the_kernel_of_a_closed_page_is_culled_and_frees_its_place(server, page):
    """No page holds a connection to the kernel now: it is culled after a minute idle
    (checked every 15 s), and the next page gets a kernel again. Runs last: it waits."""
    deadline = time.monotonic() + 150
    started = time.monotonic()
    culled = re.compile(r"Culling '\w+' kernel .*" + page["kernel_id"])
    while not culled.search(server["log"].read_text()):
        assert time.monotonic() < deadline, "the idle kernel was not culled within two and a half minutes"
        time.sleep(2)
    assert time.monotonic() - started < 120
    # "Culling" is logged when the shutdown starts; the place is free once it has ended
    deadline = time.monotonic() + 60
    status, body = get(server["port"], host=f"localhost:{server['port']}")
    while status == 503 and time.monotonic() < deadline:
        time.sleep(2)
        status, body = get(server["port"], host=f"localhost:{server['port']}")
    assert status == 200 and "too many pages" not in body
