"""Views that re-render rows close the widgets they no longer show.

A widget that is not closed stays registered (and in a kernel keeps its comm) for the
kernel's life: the Activity list, re-rendered after every action, grew the kernel by
hundreds of widgets an action (``benchmarks/bench_memory.py`` counts them).
"""

from __future__ import annotations

import pytest
from ipywidgets.widgets.widget import _instances

from mcwidgets.app import App
from mcwidgets.widgets.activity_panel import ActivityPanel
from mcwidgets.widgets.panel_kit import Confirm, close_widgets, replace_children
from mcwidgets.widgets.settings_panel import SettingsPanel
from mcwidgets.widgets.workflows_panel import WorkflowsPanel

import ipywidgets as widgets

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}
PEOPLE = [("marketing", i, {"country": "NL" if i < 3 else "DE"}) for i in range(5)]


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def live() -> int:
    return len(_instances)


def grows(refresh, times: int = 4) -> int:
    """How many widgets ``times`` more refreshes leave behind (after a first one)."""
    refresh()
    before = live()
    for _ in range(times):
        refresh()
    return live() - before


def test_activity_refresh_closes_the_rows_it_replaces(app, people):
    app.set_non_marketing(people[:3])
    app.set_non_marketing(people[3:])
    panel = ActivityPanel(app)
    assert len(panel.views) >= 2
    shown = panel.table.children
    assert grows(panel.refresh) == 0
    assert shown and all(w.comm is None for w in shown)  # the first render's rows: closed


def test_workflows_and_settings_refresh_do_not_pile_up_widgets(app, people):
    app.create_workflow("Dutch out", NL, "non-marketing")
    assert grows(WorkflowsPanel(app).refresh) == 0
    assert grows(SettingsPanel(app).refresh) == 0


def test_confirm_closes_the_buttons_of_the_last_question():
    bar = Confirm()

    def ask_and_answer():
        bar.ask("Sure?", [("Yes", "yes", "warning"), ("No", "cancel", "")], lambda _key: None)
        bar.buttons["cancel"].click()

    assert grows(ask_and_answer) == 0


def test_replace_children_keeps_what_stays_and_a_shared_layout_untouched():
    shared = widgets.Layout(width="10px")
    keep, gone = widgets.HTML("keep"), widgets.HBox([widgets.HTML("inner")])
    gone_sharing, also = widgets.Button(layout=shared), widgets.Button(layout=shared)
    box = widgets.VBox([keep, gone, gone_sharing])
    replace_children(box, [keep, also])
    assert box.children == (keep, also)
    assert keep.model_id in _instances and also.model_id in _instances and shared.model_id in _instances
    assert gone.comm is None and gone.children[0].comm is None and gone.layout.comm is None
    assert gone_sharing.comm is None and shared.comm is not None  # still the layout of a shown button
    close_widgets([box])
    assert box.comm is None and keep.comm is None


def test_setting_filters_closes_the_rows_they_replace(app):
    from mcwidgets.widgets.filter_builder import FilterBuilder
    from mcwidgets.widgets.filter_model import canonical as fm_canonical

    builder = FilterBuilder(app, debounce=0)
    two = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"},
                                         {"propertyName": "last_activity_at", "operator": "MORE_THAN_DAYS_AGO",
                                          "value": 30}]},
                            {"filters": [{"propertyName": "unsubscribed", "operator": "EQ", "value": True}]}]}
    flip = iter([two, NL] * 10)
    assert grows(lambda: setattr(builder, "filter", next(flip)), times=4) == 0
    assert builder.filter == fm_canonical(two)
    old = builder.rows[0]
    builder.filter = NL
    assert old.comm is None and all(r.comm is not None for r in builder.rows)
