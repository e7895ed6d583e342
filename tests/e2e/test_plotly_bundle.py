"""Issue 16 item 1: the served dashboard's usage chart takes plotly.js over HTTP, preloaded
while the page loads and revalidated by the browser, not as ~5 MB of widget state over
the kernel websocket (``mcwidgets/voila_server.py``, ``widgets/plotly_loader.py``)."""

from __future__ import annotations

import http.client
from urllib.parse import urlparse

import pytest

from mcwidgets.voila_server import BASIC_BUNDLE, PLOTLY_ESM_PATH, widget_bundle
from tests.support.voila import only_local

pytestmark = pytest.mark.e2e

COUNT = ".mcw-count-marketing .mcw-value"
TRACE = ".mcw-usage-chart .js-plotly-plot .scatterlayer .trace"


def fetch(url: str, path: str, headers: dict | None = None, method: str = "GET"):
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_the_server_serves_plotlys_bundle_with_validators(server):
    status, headers, body = fetch(server["url"], "/" + PLOTLY_ESM_PATH)
    assert status == 200
    assert widget_bundle() == BASIC_BUNDLE  # plotly 6 or 7: the front end over plotly.js's basic bundle
    assert body == BASIC_BUNDLE.read_bytes() and 1_000_000 < len(body) < 2_000_000
    assert headers["content-type"].startswith("text/javascript")
    assert headers["cache-control"] == "no-cache"  # kept by the browser, revalidated on use
    assert headers["etag"] and headers["last-modified"]
    # the browser's revalidation: nothing to send again
    status, _, body = fetch(server["url"], "/" + PLOTLY_ESM_PATH, {"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    status, headers, body = fetch(server["url"], "/" + PLOTLY_ESM_PATH, method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) == len(BASIC_BUNDLE.read_bytes())
    # only that file: the route is no window on a folder (those paths are Voila's, which redirects)
    for other in ("/mcwidgets/static/plotly.min.js", "/mcwidgets/static/plotly-widget.jsx",
                  "/mcwidgets/static/plotly-basic-widget.js"):
        assert fetch(server["url"], other)[0] != 200, other


def test_the_page_preloads_the_bundle_once_and_the_chart_state_is_small(browser, server):
    url = server["url"]
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        only_local(page, url)
        requests: list[str] = []
        frames: list[int] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(len(p))))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, timeout=90_000)
        page.wait_for_selector(COUNT, timeout=90_000)
        page.wait_for_selector(TRACE, timeout=90_000)

        assert page.locator('link[rel="modulepreload"]').get_attribute("href") == "/" + PLOTLY_ESM_PATH
        # and run while the page loads (not once the widget state came): the same URL, so one module
        early = page.locator('script[type="module"]').evaluate_all("els => els.map(e => e.textContent)")
        assert [t for t in early if f'import("/{PLOTLY_ESM_PATH}")' in t]
        # one request: the chart's loader imported the module the page had preloaded
        assert [r for r in requests if PLOTLY_ESM_PATH in r] == [url + PLOTLY_ESM_PATH]
        # nor plotly's JupyterLab renderer of plotly outputs (another 4.8 MB): the page has none
        assert requests and not [r for r in requests if "jupyterlab-plotly" in r]
        assert frames and max(frames) < 1_000_000  # plotly.js (~5 MB) is no longer in the widget state
        assert page.locator(TRACE).count() >= 5
        assert not errors, errors
    finally:
        context.close()
