"""The Overview's refresh after an action: its reads run with a background runner (the
dashboard's is a worker thread), a progress line shows meanwhile, only the newest refresh
is applied, and a failure clears the line and shows its error (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from functools import partial

from mcwidgets.app import App
from mcwidgets.widgets.background import in_background
from mcwidgets.widgets.overview import UPDATING, OverviewPanel
from mcwidgets.widgets.panel_kit import shown as is_shown
from tests.widgets.test_grid_counting import Deferred
from tests.widgets.test_overview import make, shown

import pytest


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def progress_on(panel: OverviewPanel) -> bool:
    return panel.updating and is_shown(panel.progress) and UPDATING in panel.progress.value


def test_an_action_shows_progress_until_the_figures_are_in(app):
    mk, non = make(app, 3, 2)
    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    assert not panel.updating and not is_shown(panel.progress) and panel.progress.value == ""
    assert runner.jobs == []  # the first figures are read when the panel is built
    app.set_marketing(non)
    assert progress_on(panel) and len(runner.jobs) == 1
    assert 'role="status"' in panel.progress.value and "mcw-spinner" in panel.progress.value
    assert shown(panel, "count-marketing") == 3  # the figures before, until the new ones are in
    runner.run()
    assert not panel.updating and not is_shown(panel.progress) and panel.progress.value == ""
    assert shown(panel, "count-marketing") == 5 and shown(panel, "count-non-marketing") == 0
    assert panel.savings.plan.marketing == 5 and panel.report == app.status()
    assert panel.message.value == ""


def test_an_older_refresh_never_overwrites_a_newer_one(app):
    mk, non = make(app, 3, 2)
    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    app.set_marketing(non[:1])  # refresh 1 (would read 4 marketing if it ran now)
    stale = runner.jobs[0]
    stale_figures = stale[0]()  # it read the store before the next action...
    runner.jobs[0] = (lambda: stale_figures, stale[1])
    app.set_marketing(non[1:])  # refresh 2: 5 marketing
    assert len(runner.jobs) == 2
    runner.run(1)  # the newer one arrives first
    assert shown(panel, "count-marketing") == 5 and not panel.updating
    runner.run(0)  # ...and arrives after it: dropped
    assert shown(panel, "count-marketing") == 5 and panel.report.marketing == 5
    assert panel.savings.plan.marketing == 5 and not is_shown(panel.progress)


def test_the_progress_stays_while_a_newer_refresh_is_on_its_way(app):
    mk, non = make(app, 3, 2)
    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    app.set_marketing(non[:1])
    app.set_marketing(non[1:])
    runner.run(0)  # the older one: dropped, the newer still runs
    assert progress_on(panel) and shown(panel, "count-marketing") == 3
    runner.run(0)
    assert not panel.updating and shown(panel, "count-marketing") == 5


def test_a_refresh_now_drops_a_background_one_still_running(app):
    mk, non = make(app, 3, 2)
    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    app.set_marketing(non[:1])
    old = runner.jobs[0][0]()  # 4 marketing
    runner.jobs[0] = (lambda: old, runner.jobs[0][1])
    app.set_marketing(non[1:])
    runner.jobs.pop()  # (the second background refresh never comes back)
    panel.refresh()  # e.g. the preheated dashboard's refresh when its page opens
    assert shown(panel, "count-marketing") == 5 and not panel.updating
    runner.run()
    assert shown(panel, "count-marketing") == 5


def test_a_failed_refresh_clears_the_progress_and_shows_the_error(app, monkeypatch):
    mk, non = make(app, 3, 2)
    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    app.set_marketing(non)  # the action succeeds; then the reads fail
    monkeypatch.setattr(app, "status", lambda: (_ for _ in ()).throw(RuntimeError("database <gone>\nline 2")))
    runner.run()
    assert not panel.updating and not is_shown(panel.progress) and panel.progress.value == ""
    assert "Could not refresh the overview" in panel.message.value and "&lt;gone&gt;" in panel.message.value
    assert "line 2" not in panel.message.value and "<gone>" not in panel.message.value
    assert shown(panel, "count-marketing") == 3  # the last figures stay
    monkeypatch.undo()
    app.create_contact("new@example.com", status="marketing")
    runner.run()
    assert panel.message.value == "" and shown(panel, "count-marketing") == 6


def test_a_failing_apply_clears_the_progress_and_shows_the_error(app, monkeypatch):
    mk, non = make(app, 3, 2)
    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    app.set_marketing(non)

    def broken(figure):
        raise ValueError("bad <figure>")

    monkeypatch.setattr(panel.chart, "update_figure", broken)
    runner.run()
    assert not panel.updating and not is_shown(panel.progress)
    assert "Bad &lt;figure&gt;" in panel.message.value


def test_a_failing_savings_plan_shows_in_the_planner_and_the_rest_refreshes(app, monkeypatch):
    mk, non = make(app, 3, 2)
    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    app.set_marketing(non)
    monkeypatch.setattr(app, "savings_plan", lambda *a: (_ for _ in ()).throw(RuntimeError("no <plan>")))
    runner.run()
    assert shown(panel, "count-marketing") == 5 and panel.message.value == ""
    assert "Could not work out the savings plan" in panel.savings.message.value
    assert "No &lt;plan&gt;" in panel.savings.message.value


def test_the_reads_run_off_the_kernel_thread_and_apply_on_its_loop(app):
    """With ``in_background`` (the dashboard's runner) the reads run in a worker thread;
    the widgets change only when the kernel's loop runs the callback."""

    class Loop:
        def __init__(self):
            self.callbacks, self.ready = [], threading.Event()

        def add_callback(self, fn, *args):
            self.callbacks.append((fn, args))
            self.ready.set()

    mk, non = make(app, 3, 2)
    loop = Loop()
    threads = []
    real_status = app.status
    app.status = lambda: threads.append(threading.current_thread()) or real_status()
    panel = OverviewPanel(app, background=partial(in_background, loop=loop))
    threads.clear()
    app.set_marketing(non)
    assert loop.ready.wait(30)
    assert threads and threads[0] is not threading.current_thread()
    assert progress_on(panel) and shown(panel, "count-marketing") == 3
    (fn, args), = loop.callbacks
    fn(*args)  # the kernel's loop runs it
    assert not panel.updating and shown(panel, "count-marketing") == 5


def test_the_dashboard_refreshes_its_overview_in_the_background(app):
    from mcwidgets.dashboard import build_dashboard

    dash = build_dashboard(app)  # no kernel here: in_background runs inline
    panel = dash.panels["Overview"]
    assert panel._background is in_background
    make(app, 2, 0)
    assert shown(panel, "count-marketing") == 2 and not panel.updating


def test_acknowledging_refreshes_once_in_the_background(app, clock):
    from tests.widgets.test_overview import _raise_tier

    runner = Deferred()
    panel = OverviewPanel(app, background=runner)
    _raise_tier(app, clock)
    while runner.jobs:
        runner.run()
    assert panel.tier_box.layout.display is None
    reads = []
    real_status = app.status
    app.status = lambda: reads.append(1) or real_status()
    panel.ack_button.click()
    assert reads == [] and len(runner.jobs) == 1 and progress_on(panel)  # nothing read on the kernel's thread
    runner.run()
    assert reads == [1] and panel.tier_box.layout.display == "none" and not panel.updating
    assert app.tier_events()[0].acknowledged_by == "admin"
