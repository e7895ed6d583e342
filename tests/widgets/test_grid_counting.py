"""First page before the count: the grid shows its rows at once and the count when it
arrives (a background runner the test drives), and never shows or acts on the filter
before while a new filter's count runs (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from mcwidgets.app import App
from mcwidgets.widgets.background import in_background
from mcwidgets.widgets.bulk_actions import COUNTING, FILTER_CHANGED, SET_NON_MARKETING, BulkActions
from mcwidgets.widgets.contacts_panel import ContactsPanel
from mcwidgets.widgets.grid import ContactGrid

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Netherlands"}]}]}
BE = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Belgium"}]}]}


class Deferred:
    """A runner that keeps the background work until the test runs it (in any order)."""

    def __init__(self):
        self.jobs: list[tuple] = []

    def __call__(self, work, done):
        self.jobs.append((work, done))

    def run(self, index: int = 0) -> None:
        work, done = self.jobs.pop(index)
        try:
            result, error = work(), None
        except Exception as e:
            result, error = None, e
        done(result, error)


@pytest.fixture
def app(ctx):
    app = App(ctx, "admin")
    for i in range(60):
        app.create_contact(f"nl{i:02d}@example.com", last_name=f"N{i:02d}", country="Netherlands")
    for i in range(7):
        app.create_contact(f"be{i:02d}@example.com", last_name=f"B{i:02d}", country="Belgium")
    return app


def pending(app) -> int:
    return app.count({"filterGroups": [{"filters": [{"propertyName": "pending_non_marketing", "operator": "EQ",
                                                     "value": True}]}]})


def test_rows_come_before_the_count(app):
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, page_size=25, background=runner)
    assert len(grid.rows) == 25 and grid.has_next and (grid.start, grid.end) == (1, 25)
    assert grid.counting and grid.total == 0 and grid.page_count == 0 and len(runner.jobs) == 1
    grid.go("next")  # paging on while the count runs: no second count
    assert (grid.start, grid.end) == (26, 50) and grid.counting and len(runner.jobs) == 1
    runner.run()
    assert not grid.counting and (grid.total, grid.page_count, grid.page_number) == (60, 3, 2)
    grid.go("next")  # the count is known: reused
    assert (grid.start, grid.end, grid.has_next) == (51, 60, False) and not runner.jobs


def test_a_count_of_an_older_filter_is_ignored(app):
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, background=runner)
    grid.filter = BE
    assert {r["last_name"][0] for r in grid.rows} == {"B"} and len(runner.jobs) == 2
    runner.run(0)  # NL's count arrives late: not BE's
    assert grid.counting and grid.total == 0 and grid.selected_count == 0
    runner.run(0)
    assert not grid.counting and grid.total == 7
    # and the other way round: BE's count in, then NL's (older) one arrives
    grid.filter = NL
    grid.filter = BE
    runner.run(1)
    assert grid.total == 7
    runner.run(0)
    assert grid.total == 7 and not grid.counting


def test_select_all_waits_for_the_count_of_the_current_filter(app):
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, background=runner)
    acts = BulkActions(app, grid)
    grid.all_matching = True  # "Select all N" while counting (as grid.js sets it): refused
    assert not grid.all_matching and grid.selection() is None
    assert acts.set_non_marketing_button.disabled and COUNTING in acts.hint.value
    assert acts.set_non_marketing_button.tooltip == COUNTING
    runner.run()
    grid.all_matching = True
    assert grid.selected_count == 60 and not acts.set_non_marketing_button.disabled
    grid.filter = BE  # a new filter: the selection of NL is gone, nothing selectable until BE is counted
    assert not grid.all_matching and grid.selected_count == 0 and grid.counting
    assert acts.set_non_marketing_button.disabled
    acts.open(SET_NON_MARKETING)
    assert acts.pending is None and COUNTING in acts.error_html.value
    runner.run()
    grid.select_all_matching()
    assert grid.selected_count == 7 and grid.selection() == {"filter": BE, "exclude": []}
    assert COUNTING not in acts.hint.value and not acts.set_non_marketing_button.disabled


def test_a_confirmation_for_the_filter_before_is_closed_not_run(app):
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, background=runner)
    acts = BulkActions(app, grid)
    runner.run()
    grid.select_all_matching()
    acts.open(SET_NON_MARKETING)
    assert acts.expected == 60
    acts.typed.value = "60"
    grid.expect_filter()  # a new filter was typed: it reaches the grid after the pause
    assert acts.pending is None and acts.confirm_box.layout.display == "none"
    assert FILTER_CHANGED in acts.error_html.value
    acts.confirm_button.click()
    assert pending(app) == 0 and acts.result is None


def test_confirm_refuses_a_selection_of_another_filter(app):
    """Even when the dialog is still open (e.g. set up before), Confirm checks the filter."""
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, background=runner)
    acts = BulkActions(app, grid)
    runner.run()
    grid.select_all_matching()
    acts.open(SET_NON_MARKETING)
    acts.typed.value = "60"
    grid.unobserve_all("counting")  # only the check in confirm() is left
    grid.filter = BE
    runner.run()
    acts.confirm_button.click()
    assert pending(app) == 0 and acts.result is None and FILTER_CHANGED in acts.error_html.value


def test_a_refresh_counts_again_and_ignores_the_count_before_the_change(app):
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, background=runner, subscribe=False)
    app.create_contact("nl-new@example.com", last_name="N99", country="Netherlands")
    grid.refresh()  # the data changed while NL's first count ran
    assert len(runner.jobs) == 2
    runner.jobs[0] = (lambda: 60, runner.jobs[0][1])  # what the count before the change saw
    runner.run(0)
    assert grid.counting and grid.total == 0
    runner.run(0)
    assert grid.total == 61 and not grid.counting


def test_a_failed_count_is_said_on_the_grid(app):
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, background=runner)
    runner.jobs[0] = (lambda: 1 / 0, runner.jobs[0][1])
    runner.run()
    assert not grid.counting and grid.error.startswith("Could not count the contacts")
    assert len(grid.rows) == 50 and not grid.all_matching


def test_last_page_counts_when_it_needs_the_total(app):
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, page_size=25, background=runner)
    grid.go("last")
    assert (grid.start, grid.end, grid.total, grid.counting) == (51, 60, 60, False)
    runner.run()  # the first page's count, now older than the last page's: ignored
    assert grid.total == 60 and (grid.start, grid.end) == (51, 60)


def test_the_panel_clears_the_selection_as_soon_as_a_filter_is_typed(app, tmp_path):
    panel = ContactsPanel(app, debounce=600, export_dir=tmp_path)  # the pause never ends in this test
    grid, acts = panel.grid, panel.actions
    grid.select_all_matching()
    assert grid.selected_count == 67
    panel.builder.filter = BE
    try:
        assert grid.counting and not grid.all_matching and grid.selected_count == 0
        assert acts.set_non_marketing_button.disabled and COUNTING in acts.hint.value
    finally:
        with panel._lock:
            panel._timer.cancel()
    panel._apply_filter(BE)  # the pause is over (no kernel here: counted at once)
    assert not grid.counting and grid.total == 7 and {r["last_name"][0] for r in grid.rows} == {"B"}
    panel.builder.filter = {"filterGroups": []}
    with panel._lock:
        panel._timer.cancel()
    panel._apply_filter(BE)  # typed back to the filter shown: counted again, not left "counting"
    assert not grid.counting and grid.total == 7


def test_in_background_applies_the_result_on_the_loop():
    class Loop:
        def __init__(self):
            self.callbacks, self.ready = [], threading.Event()

        def add_callback(self, fn, *args):
            self.callbacks.append((fn, args, threading.current_thread()))
            self.ready.set()

    loop, got = Loop(), []
    main = threading.current_thread()
    in_background(lambda: threading.current_thread(), lambda r, e: got.append((r, e)), loop=loop)
    assert loop.ready.wait(30)
    (fn, args, caller), = loop.callbacks
    assert caller is not main and not got  # worked in a thread, nothing applied yet
    fn(*args)  # the loop runs it (on the kernel's thread)
    assert got[0][0] is not main and got[0][1] is None
    loop2, got2 = Loop(), []
    in_background(lambda: 1 / 0, lambda r, e: got2.append((r, e)), loop=loop2)
    assert loop2.ready.wait(30)
    fn, args, _ = loop2.callbacks[0]
    fn(*args)
    assert got2[0][0] is None and isinstance(got2[0][1], ZeroDivisionError)


def test_in_background_without_a_kernel_runs_inline():
    got = []
    in_background(lambda: 5, lambda r, e: got.append((r, e)))
    assert got == [(5, None)]


def test_the_forecast_shows_progress_while_it_runs(app):
    """At ten million contacts the forecast of a bulk action takes seconds: a progress line
    is on the page while it runs, and gone after."""
    from mcwidgets.widgets.bulk_actions import FORECASTING

    grid = ContactGrid(app, filter=NL)
    acts = BulkActions(app, grid)
    seen = []
    forecast = app.forecast

    def watched(*a, **kw):
        seen.append(acts.progress.value)
        return forecast(*a, **kw)

    app.forecast = watched
    grid.select_all_matching()
    acts.open(SET_NON_MARKETING)
    assert len(seen) == 1 and FORECASTING in seen[0] and acts.progress.value == "" and acts.expected == 60


def test_select_all_asked_for_while_counting_is_done_when_the_count_arrives(app):
    """The savings planner opens its filter with every match selected: the selection
    waits for the count instead of being dropped."""
    runner = Deferred()
    grid = ContactGrid(app, filter=NL, background=runner)
    runner.run()
    grid.filter = BE
    grid.select_all_matching()  # a click while counting: refused, as before
    grid.select_all_matching(when_counted=True)
    assert grid.counting and not grid.all_matching and grid.selected_count == 0
    runner.run()
    assert grid.all_matching and grid.selected_count == 7
    # a new filter before the count arrives drops the request
    grid.filter = NL
    grid.select_all_matching(when_counted=True)
    grid.filter = BE
    runner.run(0)
    runner.run(0)
    assert not grid.all_matching and grid.selected_count == 0


def test_the_planner_selection_survives_a_background_count(app, tmp_path):
    panel = ContactsPanel(app, debounce=600, export_dir=tmp_path)
    runner = Deferred()
    panel.grid._background = runner  # the panel's counts run when the test says
    panel.show_selection(BE, note="why")
    assert panel.grid.counting and len(runner.jobs) == 1
    runner.run()
    assert panel.grid.all_matching and panel.grid.selected_count == 7
