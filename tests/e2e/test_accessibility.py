"""Every tab of the dashboard checked with axe-core (``axe-playwright-python``, which bundles
axe.min.js: nothing is downloaded): no serious or critical violation.

Signed in as an admin (every control of every tab is there), on the session's demo
database (read only here). On failure, a screenshot of every tab goes to ``test-artifacts/``
(the conftest's hook); the report names each violation, its help and the elements.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import TAB_TITLES, open_dashboard, serving

pytestmark = pytest.mark.e2e

BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def admin_dashboard(browser, server, tmp_path_factory):
    with serving(server["db_url"], tmp_path_factory.mktemp("a11y"), "admin") as url:
        d = open_dashboard(browser, url)
        yield d
        d.page.context.close()


def blocking_violations(page) -> list[dict]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(tab: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{tab}: {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)")
        for node in v["nodes"][:12]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary:.240}")
    return "\n".join(lines)


def test_every_tab_has_no_serious_or_critical_axe_violation(admin_dashboard):
    found = []
    for title in TAB_TITLES:
        admin_dashboard.show(title)
        admin_dashboard.page.wait_for_timeout(300)  # the panel's widgets are rendered
        violations = blocking_violations(admin_dashboard.page)
        if violations:
            found.append(describe(title, violations))
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_a_failure_leaves_a_whole_page_screenshot_of_every_tab(admin_dashboard, monkeypatch, tmp_path):
    """What the conftest's hook does when a test holding this dashboard fails."""
    from types import SimpleNamespace

    from tests.e2e import conftest

    monkeypatch.setattr(conftest, "ARTIFACTS", tmp_path)
    item = SimpleNamespace(name="test_probe[chromium]", funcargs={"admin_dashboard": admin_dashboard})
    paths = conftest.failure_screenshots(item)
    mine = [p for p in paths if p.name.startswith("test_probe_chromium_-")]
    assert [p.name for p in mine] == [f"test_probe_chromium_-{i}-{slug}.png" for i, slug in enumerate(
        ("overview", "contacts", "import", "manage-marketing-contacts", "workflows", "activity", "settings"))]
    viewport = admin_dashboard.page.viewport_size
    sizes = {p.name.split("-", 2)[-1]: png_size(p) for p in mine}
    assert all(w == viewport["width"] for w, _ in sizes.values()), sizes
    # the Contacts tab (a 50-row grid) and Settings are longer than the window: all of it is in the picture
    assert sizes["contacts.png"][1] > viewport["height"] + 200, sizes
    assert sizes["settings.png"][1] > viewport["height"], sizes
    assert sizes["workflows.png"][1] < sizes["contacts.png"][1] < 8000, sizes  # each tab as tall as it is
    assert admin_dashboard.page.viewport_size == viewport  # put back
