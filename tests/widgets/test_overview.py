"""The Overview panel and the dashboard without a browser, on SQLite and PostgreSQL."""

import re

import ipywidgets as widgets
import pytest

from mcwidgets.app import App
from mcwidgets.dashboard import TABS, build_dashboard, dashboard_from_env, placeholder
from mcwidgets.widgets import figures
from mcwidgets.widgets.overview import OverviewPanel
from mcwidgets.widgets.usage_chart import UsageChart


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def shown(panel: OverviewPanel, key: str) -> int:
    """The number a card shows, read back from its HTML like the browser would."""
    m = re.search(r'class="mcw-value" data-value="(\d+)">([\d,]+)<', panel.cards[key].value)
    assert m, panel.cards[key].value
    assert int(m.group(2).replace(",", "")) == int(m.group(1))
    return int(m.group(1))


def make(app, n_marketing: int, n_non: int) -> tuple[list[int], list[int]]:
    mk = [app.create_contact(f"m{i}@example.com", status="marketing") for i in range(n_marketing)]
    non = [app.create_contact(f"n{i}@example.com", status="non-marketing") for i in range(n_non)]
    return mk, non


def test_counts_shown_match_status(app):
    make(app, 3, 2)
    panel = OverviewPanel(app)
    r = app.status()
    assert (shown(panel, "count-marketing"), shown(panel, "count-pending"), shown(panel, "count-non-marketing"),
            shown(panel, "count-total"), shown(panel, "tier")) == (r.marketing, r.pending, r.non_marketing,
                                                                   r.total, r.tier) == (3, 0, 2, 5, 2_000)
    assert f'data-value="{r.next_update_date.isoformat()}"' in panel.cards["next-update"].value
    assert f'class="mcw-projected" data-value="{r.projected_marketing}"' in panel.cards["next-update"].value
    assert "Professional" in panel.cards["tier"].value and "0.1 %" in panel.cards["tier"].value
    assert 'data-level="none"' in panel.alerts.value


def test_actions_through_the_app_refresh_the_panel_and_the_chart(app):
    mk, non = make(app, 3, 2)
    panel = OverviewPanel(app)
    marketing = [t for t in panel.chart.figure.data if t.name == figures.MARKETING][0]
    assert list(marketing.y)[-1] == 3

    app.set_non_marketing(mk[:2])  # pending: still marketing until the update date
    assert shown(panel, "count-marketing") == 3 and shown(panel, "count-pending") == 2
    assert 'class="mcw-projected" data-value="1"' in panel.cards["next-update"].value
    pending = [t for t in panel.chart.figure.data if t.name == figures.PENDING][0]
    assert list(pending.y)[-1] == 2

    app.set_marketing(non)
    assert shown(panel, "count-marketing") == 5 and shown(panel, "count-non-marketing") == 0
    marketing = [t for t in panel.chart.figure.data if t.name == figures.MARKETING][0]
    assert list(marketing.y)[-1] == 5
    assert panel.report == app.status()


def test_alerts_are_styled_by_level(app):
    app.configure_account(edition="starter", tier=1_000)
    panel = OverviewPanel(app)
    panel.show(panel.report.__class__(**{**panel.report.__dict__, "marketing": 950, "usage_percent": 95.0,
                                         "alerts": ("75%", "90%")}))
    assert "mcw-alert-90" in panel.alerts.value and 'data-alerts="75%,90%"' in panel.alerts.value
    assert "mcw-level-90" in panel.cards["tier"].value
    panel.show(panel.report.__class__(**{**panel.report.__dict__, "marketing": 1_001, "usage_percent": 100.1,
                                         "alerts": ("75%", "90%", "98%", "exceeded")}))
    assert "mcw-alert-exceeded" in panel.alerts.value


def test_creating_contacts_refreshes_the_panel(app):
    app.configure_account(edition="starter", tier=1_000)
    panel = OverviewPanel(app)
    for i in range(8):
        app.create_contact(f"x{i}@example.com", status="marketing")
    assert 'data-level="none"' in panel.alerts.value  # 8 of 1,000
    assert shown(panel, "count-marketing") == 8


def test_panel_reports_a_failing_refresh_without_breaking_the_action(app, monkeypatch):
    mk, _ = make(app, 1, 0)
    panel = OverviewPanel(app)

    def broken(*a, **k):
        raise RuntimeError("database <gone>")

    monkeypatch.setattr(panel.chart, "build_figure", broken)
    app.set_non_marketing(mk)  # the action itself succeeds
    assert "Could not refresh" in panel.message.value and "&lt;gone&gt;" in panel.message.value


def test_chart_has_fixed_width_when_asked_and_on_show_nudges(app):
    chart = UsageChart(app, width=800)
    assert chart.figure.layout.width == 800 and chart.figure.layout.height == figures.HEIGHT
    assert chart.figure._config.get("responsive") is True
    # no mode bar: its seven buttons ("Share chart...", zoom, ...) were stops in the tab order
    assert chart.figure._config.get("displayModeBar") is False
    before = chart.nudger.nudges
    chart.on_show()
    assert chart.nudger.nudges == before + 1


def test_dashboard_header_escapes_account_and_user_names(ctx):
    admin = App(ctx, "admin")
    admin.configure_account(name='<img src=x onerror="window.__xss=1">Acme & Co')
    admin.add_user("<b>eve</b>")
    dash = build_dashboard(App(ctx, "<b>eve</b>"))
    head = dash.header.value
    assert "<img" not in head and "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;Acme &amp; Co" in head
    assert "<b>eve</b>" not in head and "&lt;b&gt;eve&lt;/b&gt;" in head
    assert 'class="mcw-role">user<' in head


def test_dashboard_tabs_registry_and_lazy_build(app):
    dash = build_dashboard(app)
    titles = [dash.tabs.get_title(i) for i in range(len(dash.tabs.children))]
    assert titles == ["Overview", "Contacts", "Import", "Manage marketing contacts", "Workflows", "Activity", "Settings"]
    assert titles == [t for t, _ in TABS]
    assert list(dash.panels) == ["Overview"]  # the others are built when first shown
    assert isinstance(dash.panels["Overview"], OverviewPanel)
    panel = dash.select("Settings")
    assert "mcw-settings" in panel._dom_classes
    overview = dash.panels["Overview"]
    nudges = overview.chart.nudger.nudges
    dash.select("Overview")
    assert overview.chart.nudger.nudges == nudges + 1  # relayout when shown again


def test_a_tab_that_fails_to_build_shows_an_error_not_a_traceback(app):
    def boom(app):
        raise ValueError("no <grid> yet")

    dash = build_dashboard(app, tabs=[("Overview", OverviewPanel), ("Broken", boom),
                                      ("Later", placeholder("<soon>"))])
    broken = dash.select("Broken")
    assert isinstance(broken, widgets.HTML) and "no &lt;grid&gt; yet" in broken.value
    assert "&lt;soon&gt;" in dash.select("Later").value


def test_header_follows_account_changes(app):
    dash = build_dashboard(app)
    app.configure_account(name="Renamed BV")
    assert "Renamed BV" in dash.header.value


def test_dashboard_from_env(db_url):
    env = {"MCWIDGETS_DATABASE_URL": db_url, "MCWIDGETS_USER": "admin", "MCWIDGETS_NOW": "2026-11-26T12:00:00+00:00"}
    App.open(db_url, now=env["MCWIDGETS_NOW"]).add_user("admin")
    dash = dashboard_from_env(env)
    assert "mcw-dashboard" in dash._dom_classes
    assert dash.app.user == "admin" and dash.app.account().today.isoformat() == "2026-11-26"
    assert "26 Nov 2026" in dash.header.value
    dash.app.close()


def test_a_preheated_dashboard_waits_for_its_page_and_shows_fresh_figures(db_url):
    """Voila's pool (serve --preheat) runs the notebook before any page asks for it: the
    dashboard is built, waits for the page, then re-reads what changed meanwhile."""
    env = {"MCWIDGETS_DATABASE_URL": db_url, "MCWIDGETS_USER": "admin", "MCWIDGETS_NOW": "2026-11-26T12:00:00+00:00",
           "VOILA_PREHEAT": "True"}
    cli_app = App.open(db_url, now=env["MCWIDGETS_NOW"])
    cli_app.add_user("admin")
    cli_app = App.open(db_url, now=env["MCWIDGETS_NOW"], user="admin")
    make(cli_app, 2, 3)
    seen = []

    def page_opens():  # meanwhile, another process (the CLI) changes the store
        seen.append("waited")
        cli_app.set_marketing(all_contacts=True)
        cli_app.configure_account(name="Renamed while preheated")

    dash = dashboard_from_env(env, wait=page_opens)
    assert seen == ["waited"]
    assert shown(dash.panels["Overview"], "count-marketing") == 5 == cli_app.status().marketing
    assert "Renamed while preheated" in dash.header.value
    dash.app.close()
    cli_app.close()


def test_a_dashboard_that_is_not_preheated_does_not_wait(db_url):
    env = {"MCWIDGETS_DATABASE_URL": db_url, "MCWIDGETS_USER": "admin", "VOILA_PREHEAT": "False"}
    App.open(db_url, now="2026-11-26T12:00:00+00:00").add_user("admin")
    dash = dashboard_from_env(env, wait=lambda: pytest.fail("a normal kernel must not wait"))
    assert "mcw-dashboard" in dash._dom_classes
    dash.app.close()


def test_dashboard_from_env_with_a_bad_database_shows_a_message(capsys):
    w = dashboard_from_env({"MCWIDGETS_DATABASE_URL": "nosuchdriver://x/y", "MCWIDGETS_USER": "admin"})
    assert isinstance(w, widgets.HTML) and "could not be opened" in w.value and "Traceback" not in w.value
    # in a kernel sys.stderr is the cell's output: the traceback goes to the real stderr only
    assert capsys.readouterr().err == ""


def test_overview_lists_held_spikes_escaped(ctx):
    from mcwidgets.app import App
    from mcwidgets.widgets.overview import OverviewPanel

    app = App(ctx, "admin")
    app.configure_account(spike_limit=0)
    app.create_contact("nl@example.com", country="NL")
    trigger = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}
    app.create_workflow("<b>NL</b> in", trigger, "marketing")
    panel = OverviewPanel(app)
    assert panel.held.value == ""
    app.turn_on_workflow("<b>NL</b> in", enroll_existing=True)  # held: notifies the views
    assert 'data-count="1"' in panel.held.value
    assert "&lt;b&gt;NL&lt;/b&gt; in" in panel.held.value and "<b>NL</b>" not in panel.held.value
    (held,) = app.held()
    app.approve_held(held.id)
    assert panel.held.value == ""


# ---- tier events (issue 11) -------------------------------------------------------------

def _raise_tier(app, clock, n=3):
    """Tiny professional steps; alice sets ``n`` contacts as marketing over a tier of 1."""
    from datetime import datetime, timezone

    app.configure_account(tier_steps={"professional": {"included": 1, "step": 1}}, tier=1)
    ids = [app.create_contact(f"t{i}@example.com", status="non-marketing") for i in range(n)]
    clock.set(datetime(2026, 6, 3, 10, 0, tzinfo=timezone.utc))
    return app.as_user("alice").set_marketing(ids)


def test_tier_event_is_shown_until_an_admin_acknowledges_it(app, clock):
    panel = OverviewPanel(app)
    assert panel.tier_box.layout.display == "none" and panel.tier_events.value == ""
    result = _raise_tier(app, clock)  # the panel listens: refreshed by the action
    assert (result.tier_before, result.tier_after) == (1, 3)
    html = panel.tier_events.value
    assert 'data-count="1"' in html and panel.tier_box.layout.display is None
    assert "Tier raised from 1 to 3 on 3 Jun 2026 by alice&#39;s bulk action setting 3 contacts as marketing" in html
    assert panel.ack_button.layout.display is None  # admin
    panel.ack_button.click()
    assert panel.tier_events.value == "" and panel.tier_box.layout.display == "none"
    assert app.tier_events()[0].acknowledged_by == "admin"
    assert [a.kind for a in app.actions()][:2] == ["tier_acknowledged", "tier_raised"]


def test_tier_event_text_is_escaped_and_non_admins_get_no_button(app, clock):
    app.add_user("<b>eve</b>")

    app.configure_account(tier_steps={"professional": {"included": 1, "step": 1}}, tier=1)
    ids = [app.create_contact(f"e{i}@example.com", status="non-marketing") for i in range(2)]
    app.as_user("<b>eve</b>").set_marketing(ids)
    panel = OverviewPanel(app.as_user("alice"))
    assert "&lt;b&gt;eve&lt;/b&gt;" in panel.tier_events.value and "<b>eve</b>" not in panel.tier_events.value
    assert panel.ack_button.layout.display == "none"  # alice is no admin
    with pytest.raises(Exception, match="only admins"):
        app.as_user("alice").acknowledge_tier_events()


def test_no_empty_box_under_the_usage_alert_after_an_action(app):
    """Issue 15 item 6: the held-runs box (orange) and the message line are hidden while
    empty, before and after an action that raises no alert and holds nothing."""
    ids, _ = make(app, 3, 0)
    panel = OverviewPanel(app)
    app.set_non_marketing(ids[:1])  # the first action: the panel refreshes
    assert panel.held.value == "" and panel.held.layout.display == "none"
    assert panel.message.value == "" and panel.message.layout.display == "none"
    assert panel.alerts.layout.display != "none"  # the usage line itself stays


def test_a_refresh_reads_the_status_counts_once(app, monkeypatch):
    """The cards and the savings planner share one read of the status counts."""
    from mcwidgets.store import queries

    make(app, 3, 2)
    counted = []
    real = queries.status_counts
    monkeypatch.setattr(queries, "status_counts", lambda *a, **k: counted.append(1) or real(*a, **k))
    panel = OverviewPanel(app)
    assert len(counted) == 1
    counted.clear()
    app.create_contact("late@example.com", status="marketing")  # the panel refreshes
    assert len(counted) == 1
    assert panel.savings.plan.marketing == 4 == shown(panel, "count-marketing")
