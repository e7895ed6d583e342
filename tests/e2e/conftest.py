"""Browser tests: ``mcwidgets serve`` on a throwaway SQLite database, driven by Chromium.

Debian's Chromium (``playwright install`` cannot download a browser here). One
server per test session; one loaded page per module (each page load starts a
kernel, ~6-9 s). When a test (or its set-up) fails, every dashboard page still open
is photographed into ``test-artifacts/`` (git-ignored; CI keeps it): every tab of a
dashboard a fixture holds, the page as it is for one the test opened itself (its
server may be gone by then). See ``pytest_runtest_makereport``.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest

from mcwidgets.app import App
from tests.support.voila import CHROMIUM, CHROMIUM_ARGS, MCWIDGETS, NOW, free_port, only_local, serve_argv, started

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
XSS_NAMES = ("<img src=x onerror=window.__xss=1>", "<script>window.__xss=2</script>")
ACCOUNT_NAME = "Acme <img src=x onerror=window.__xss=3> & Co"
DEMO_CONTACTS = 400
TAB_TITLES = ("Overview", "Contacts", "Import", "Manage marketing contacts", "Workflows", "Activity", "Settings")

if not os.path.exists(CHROMIUM):  # pragma: no cover - the machines here have it
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def with_app(db_url, fn):
    """``fn(app)`` on an App acting as admin at the tests' clock, closed afterwards."""
    app = App.open(db_url, now=NOW, user="admin")
    try:
        return fn(app)
    finally:
        app.close()


@contextlib.contextmanager
def serving(db_url: str, folder, user: str | None, *, command=MCWIDGETS, extra=(), env=None):
    """`mcwidgets serve [--as user]` on a free port; stopped with its process group.
    ``command`` runs mcwidgets (another venv's console script, say)."""
    port = free_port()
    if command == MCWIDGETS and "--preheat" not in extra:
        # These servers test the dashboard, not its start-up: no pooled kernel building a
        # second dashboard beside the test's (test_serve_preheat and the fresh venv keep the default).
        extra = ("--preheat", "0", *extra)
    argv = serve_argv(db_url, port, *(["--as", user] if user else []), *extra, command=command)
    with started(argv, port, folder, folder / f"serve-{user}-{port}.log", env=env):
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A demo database with known counts plus contacts and an account name holding markup,
    served by ``mcwidgets serve`` (stopped with its whole process group afterwards)."""
    folder = tmp_path_factory.mktemp("e2e")
    db_url = f"sqlite:///{folder / 'dashboard.db'}"
    app = App.open(db_url, now=NOW, user="admin")
    app.demo(contacts=DEMO_CONTACTS, seed=11)
    for i, name in enumerate(XSS_NAMES):
        app.create_contact(f"xss{i}@example.com", first_name=name, last_name=name, company=name,
                           status="marketing")
    app.configure_account(name=ACCOUNT_NAME)
    app.close()

    port = free_port()
    with started(serve_argv(db_url, port, "--preheat", "0"), port, folder, folder / "serve.log") as proc:
        yield {"url": f"http://127.0.0.1:{port}/", "db_url": db_url, "log": folder / "serve.log", "proc": proc}


@pytest.fixture(scope="session")
def expected(server):
    """What the dashboard must show: the services' own answer on the same database and clock."""
    app = App.open(server["db_url"], now=NOW, user="admin")
    try:
        return app.status()
    finally:
        app.close()


class Dashboard:
    """A loaded dashboard page and what it reported while loading."""

    def __init__(self, page, url: str):
        self.page = page
        self.url = url
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.response = None  # the page's own HTTP response (its initial, streamed HTML)

    def tab(self, title: str):
        return self.page.get_by_role("tab", name=title, exact=True)

    def show(self, title: str) -> None:
        self.tab(title).click()
        self.page.wait_for_function(
            "t => [...document.querySelectorAll('.mcw-tabs .lm-TabBar-tab')].some("
            "e => e.textContent.trim() === t && e.classList.contains('lm-mod-current'))", arg=title)
        # the tab's panel is built by the kernel when first shown: wait until it is there
        self.page.locator(".mcw-tab-" + "-".join(title.lower().split())).wait_for(state="visible")

    def screenshots(self, prefix: str, *, timeout_ms: float = 10_000) -> list[Path]:
        """A full-page screenshot of every tab, ``test-artifacts/PREFIX-N-TAB.png``."""
        ARTIFACTS.mkdir(exist_ok=True)
        paths = []
        self.page.set_default_timeout(timeout_ms)  # a stuck kernel must not hold the report for minutes
        try:
            for i, title in enumerate(TAB_TITLES):
                try:
                    self.show(title)
                except Exception:  # a screenshot of whatever is there is still worth having
                    pass
                paths.append(self.screenshot(f"{prefix}-{i}-{re.sub(r'[^a-z0-9]+', '-', title.lower())}"))
        finally:
            self.page.set_default_timeout(30_000)
        return paths

    def screenshot(self, prefix: str) -> Path:
        """The whole page as it is, ``test-artifacts/PREFIX.png``. Voila's page scrolls inside
        an element, not the document, so ``full_page`` alone stops at the window: the window
        is made as tall as the content for the picture (at most 8,000 px), then put back."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{prefix}.png"
        size = self.page.viewport_size
        height = self.page.evaluate(DASHBOARD_HEIGHT_JS)
        try:
            if size and height and height > size["height"]:
                self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
            self.page.screenshot(path=str(path), full_page=True, timeout=10_000)
        finally:
            if size:
                self.page.set_viewport_size(size)
        return path


# How tall the page would be to show the whole dashboard (the window's height if there is none).
DASHBOARD_HEIGHT_JS = """() => {
  const d = document.querySelector(".mcw-dashboard");
  if (!d) return window.innerHeight;
  return Math.ceil(d.getBoundingClientRect().top + d.scrollHeight);
}"""

LOADING_TEXTS_JS = """
window.__loadingTexts = [];
new MutationObserver(() => {
  const el = document.getElementById("loading_text");
  const text = el && el.textContent.trim();
  if (text && window.__loadingTexts[window.__loadingTexts.length - 1] !== text) window.__loadingTexts.push(text);
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


OPENED: list[Dashboard] = []  # every page open_dashboard opened (closed ones are skipped)


def open_dashboard(browser, url: str) -> Dashboard:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    d = Dashboard(page, url)
    OPENED.append(d)
    only_local(page, url, d.blocked)
    page.on("pageerror", lambda e: d.errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: d.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    # what the loading screen said, in order (it is removed once the dashboard shows)
    page.add_init_script(LOADING_TEXTS_JS)
    d.response = page.goto(url, timeout=90_000)  # as long as the waits below: a busy machine starts kernels slowly
    page.wait_for_selector(".mcw-count-marketing .mcw-value", timeout=90_000)
    page.wait_for_selector(".mcw-usage-chart .js-plotly-plot .scatterlayer .trace", timeout=90_000)
    return d


@pytest.fixture(scope="module")
def loaded(browser, server):
    d = open_dashboard(browser, server["url"])
    yield d
    d.page.context.close()


@pytest.fixture
def dashboard(loaded):
    """The module's loaded page, back on the Overview tab (screenshots of all tabs on failure)."""
    loaded.show("Overview")
    return loaded


def failure_screenshots(item) -> list[Path]:
    """Screenshots of the dashboard pages open when ``item`` failed: every tab of those its
    fixtures hold (their servers are still up), the page as it is for the others."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
    held = [v for v in getattr(item, "funcargs", {}).values() if isinstance(v, Dashboard)]
    paths: list[Path] = []
    open_ = [d for d in OPENED if not d.page.is_closed()]
    OPENED[:] = open_
    for i, d in enumerate(open_):
        prefix = name if i == 0 else f"{name}-page{i + 1}"
        try:
            paths += d.screenshots(prefix) if d in held else [d.screenshot(prefix)]
        except Exception as e:  # the report of the failure matters more than its pictures
            print(f"could not take a screenshot of {d.url}: {e}")
    return paths


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
    if rep.failed and rep.when in ("setup", "call"):
        paths = failure_screenshots(item)
        if paths:
            rep.sections.append(("screenshots", "\n".join(str(p) for p in paths)))
