"""Issue 13 item 6: one widget kit - one stylesheet, one date/number/money format, HTML
escaped by default, one forecast table, one error-logging helper, one refresh guard."""

from __future__ import annotations

import re
from datetime import date, datetime

import ipywidgets as widgets
import pytest
from markupsafe import Markup

from mcwidgets.app import App
from mcwidgets.dashboard import TABS, build_dashboard
from mcwidgets.domain.errors import ValidationError
from mcwidgets.widgets import panel_kit as kit
from mcwidgets.widgets.usage_chart import UsageChart


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from walk(child)


def style_sheets(root) -> set[str]:
    return {str(w.value) for w in walk(root) if isinstance(w, widgets.HTML) and "<style" in str(w.value)}


# ---- formats -------------------------------------------------------------------------------

def test_one_date_number_and_money_format():
    assert kit.day(date(2026, 6, 3)) == "3 Jun 2026" and kit.day(date(2027, 1, 1)) == "1 Jan 2027"
    assert kit.day(date(2026, 11, 26)) == "26 Nov 2026"
    assert kit.when(datetime(2026, 6, 3, 7, 5), "Europe/Amsterdam") == "3 Jun 2026 09:05"
    assert kit.when(datetime(2026, 6, 3, 7, 5), "Not/AZone") == "3 Jun 2026 07:05"
    assert kit.number(1234567) == "1,234,567"
    assert kit.num(1234, "c") == '<span class="c" data-value="1234">1,234</span>'
    assert kit.num(None, "c") == '<span class="c" data-value="">–</span>'
    assert kit.money(1300.5, "m") == '<span class="m" data-value="1300.5">1,300.50</span>'
    assert kit.delta(-57, "d", True) == '<span class="d mcw-down" data-value="-57">−57</span>'
    assert kit.delta(3, "d", False) == '<span class="d" data-value="3">+3</span>'


def test_html_escapes_by_default():
    evil = '<img src=x onerror="alert(1)">'
    out = kit.html("<b>{}</b>", evil)
    assert isinstance(out, Markup) and "<img" not in out and out.startswith("<b>&lt;img")
    assert kit.html("<b>{}</b>", kit.num(5, "n")) == '<b><span class="n" data-value="5">5</span></b>'
    assert "<img" not in kit.ok_html(evil) and "<img" not in kit.error_html(evil)
    assert kit.ok_html(Markup("<i>x</i>")) == '<div class="mcw-ok" role="status"><i>x</i></div>'
    assert kit.esc(None) == "" and kit.join(["<a>", Markup("<b>")]) == "&lt;a&gt;<b>"


# ---- the stylesheet ------------------------------------------------------------------------

def test_one_stylesheet_shipped_as_a_static_file():
    from importlib import resources

    text = resources.files("mcwidgets.widgets").joinpath("static/mcwidgets.css").read_text()
    assert kit.stylesheet() == text and ".mcw-wz-steps" in text and ".mcw-more-menu" in text
    # the class names two panels use are only styled inside their panel: no rule depends on tab order
    for cls in ("mcw-confirm", "mcw-section-title", "mcw-confirm-title", "mcw-confirm-text", "mcw-held"):
        bare = re.findall(rf"(?m)^\s*(?:[a-z]+)?\.{cls}\b", text)
        assert not bare, f"unscoped rule for .{cls}: {bare}"
    assert len(re.findall(r"@keyframes mcw-spin", text)) == 1


@pytest.mark.parametrize("order", [list(range(len(TABS))), list(reversed(range(len(TABS))))])
def test_every_panel_carries_the_same_one_stylesheet_whatever_the_tab_order(app, order):
    dash = build_dashboard(app)
    for i in order:
        dash.tabs.selected_index = i
    sheets = style_sheets(dash)
    assert sheets == {f"<style>{kit.stylesheet()}</style>"}


# ---- one forecast table ----------------------------------------------------------------------

def test_bulk_wizard_and_workflow_forecasts_are_one_table(app):
    from mcwidgets.widgets.bulk_actions import forecast_table_html
    from mcwidgets.widgets.wizard import review_table_html
    from mcwidgets.widgets.workflows_panel import forecast_table_html as workflow_table_html

    app.configure_account(price_table={"professional": {"2000": 800}})
    ids = [app.create_contact(f"k{i}@example.com", status="marketing") for i in range(3)]
    fc = app.forecast("set_non_marketing", ids=ids[:2])
    when = app.account().next_update_date
    tables = [forecast_table_html(fc, when), review_table_html(fc, when), workflow_table_html(fc, when)]
    for t in tables:
        assert t.startswith('<table class="mcw-table mcw-forecast ') and kit.day(when) in t
        assert "Monthly cost" in t and 'data-value="800"' in t  # priced: the cost row in all three
    assert 'class="mcw-fc-marketing-at-update" data-value="1"' in tables[0]
    assert 'class="mcw-wz-marketing-after" data-value="1"' in tables[1]
    assert 'class="mcw-wf-dr-non-marketing-at-update" data-value="2"' in tables[2]


# ---- errors --------------------------------------------------------------------------------

def test_one_error_logging_helper(capfd, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="mcwidgets.widgets")
    kit.log_failure("saving failed", ValidationError("the spike limit cannot be negative\nmore"))
    assert "saving failed: the spike limit cannot be negative" in caplog.text
    assert "Traceback" not in capfd.readouterr().err  # the user's news, not a bug
    try:
        raise RuntimeError("boom")
    except RuntimeError as e:
        kit.log_failure("the grid failed", e)
    err = capfd.readouterr().err
    assert "mcwidgets: the grid failed" in err and "Traceback" in err and "RuntimeError: boom" in err


def test_run_work_shows_failures_once_and_never_raises():
    seen = []
    kit.run_work(lambda: 1 / 0, what="dividing", busy=lambda on: seen.append(on),
                 on_success=lambda r: seen.append(("ok", r)), on_error=lambda e: seen.append(type(e).__name__))
    assert seen == [True, False, "ZeroDivisionError"]
    seen.clear()
    kit.run_work(lambda: 7, what="seven", busy=lambda on: seen.append(on), on_success=lambda r: 1 / 0,
                 on_error=lambda e: seen.append(str(e)))
    assert seen == [True, False, "Done, but the result could not be shown: Division by zero"]


def test_the_chart_alone_refreshes_through_the_same_guard(app, monkeypatch):
    chart = UsageChart(app)  # subscribes itself
    monkeypatch.setattr(app, "status", lambda: (_ for _ in ()).throw(RuntimeError("<gone>")))
    app.create_contact("x@example.com", status="marketing")  # notifies: must not raise
    assert "Could not refresh the chart: &lt;gone&gt;" in chart.message.value
    monkeypatch.undo()
    app.create_contact("y@example.com", status="marketing")
    assert chart.message.value == ""
