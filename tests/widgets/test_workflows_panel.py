"""The Workflows panel driven like a user, checked against the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from mcwidgets.app import App
from mcwidgets.widgets.panel_kit import shown
from mcwidgets.widgets.workflows_panel import ENROLL_QUESTION, WorkflowsPanel, forecast_figures
from tests.services.helpers import all_states, state_of

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}
DE = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "DE"}]}]}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


PEOPLE = {  # the people fixture (tests/widgets/conftest.py)
    "nl1": ("marketing", 1, {"country": "NL"}),
    "nl2": ("marketing", 2, {"country": "NL"}),
    "nl_pending": ("pending", 3, {"country": "NL"}),
    "nl_non": ("non_marketing", 4, {"country": "NL"}),
    "de": ("marketing", 5, {"country": "DE"}),
    "de_non": ("non_marketing", 6, {"country": "DE"}),
    "de_non2": ("non_marketing", 7, {"country": "DE"}),
}


def panel(app, **kw) -> WorkflowsPanel:
    kw.setdefault("debounce", 0)
    return WorkflowsPanel(app, **kw)


def data_value(html: str, cls: str) -> str:
    m = re.search(rf'class="{re.escape(cls)}" data-value="([^"]*)"', html)
    assert m, f"{cls} not in {html}"
    return m.group(1)


def create(p: WorkflowsPanel, name: str, trigger: dict, action: str = "non_marketing", reenroll: bool = False):
    p.new_button.click()
    assert shown(p.form)
    p.name.value = name
    p.builder.filter = trigger
    p.action.value = action
    p.reenroll.value = reenroll
    p.save_button.click()


def test_create_a_workflow_from_the_form(app, people):
    p = panel(app)
    assert not p.rows and shown(p.empty) and not shown(p.form)
    create(p, "Dutch out", NL, reenroll=True)
    info = app.workflow("Dutch out")
    assert (info.action, info.reenroll, info.enabled, info.created_by) == ("non_marketing", True, False, "admin")
    assert info.trigger == NL
    assert not shown(p.form) and "created" in p.message.value
    row = p.rows["Dutch out"]
    assert data_value(row.cells["state"].value, "mcw-badge mcw-badge-off") == "off"
    assert "Set as non-marketing" in row.cells["action"].value
    assert "NL" in row.cells["trigger"].value and info.trigger_text in row.cells["trigger"].value
    assert shown(row.on) and not shown(row.off) and not row.edit.disabled


def test_a_workflow_without_triggers_or_with_a_taken_name_is_refused_readably(app, people):
    p = panel(app)
    p.new_button.click()
    p.name.value = "Everyone"
    p.save_button.click()
    assert "needs at least one enrollment trigger" in p.message.value and "mcw-error" in p.message.value
    assert shown(p.form) and app.workflows() == []
    create(p, "Dutch out", NL)
    create(p, "Dutch out", DE)
    assert "exists already" in p.message.value and "Traceback" not in p.message.value
    assert app.workflow("Dutch out").trigger == NL


def test_dry_run_figures_equal_the_service(app, ctx, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    before = all_states(ctx)
    p.rows["Dutch out"].dry_run.click()
    dr = app.workflow_dry_run("Dutch out")
    html = p.dry_run_html.value
    assert int(data_value(html, "mcw-wf-would-enroll")) == dr.would_enroll == 4
    assert int(data_value(html, "mcw-wf-would-change")) == dr.forecast.changes == 2
    assert [int(x) for x in re.findall(r'<tr data-contact="(\d+)"', html)] == [r["id"] for r in dr.sample]
    figures = forecast_figures(dr.forecast)
    for col in ("now", "after-run", "at-update", "at-update-without"):
        for key in ("marketing", "pending", "non_marketing", "tier"):
            css = key.replace("_", "-")
            assert int(data_value(html, f"mcw-wf-dr-{css}-{col}")) == figures[col][key], (col, key)
    # 4 marketing (1 pending) now; the run makes 2 more pending: 1 marketing left after the date
    assert figures["now"]["marketing"] == 4 and figures["at-update-without"]["marketing"] == 3
    assert figures["at-update"]["marketing"] == 1 and figures["after-run"]["pending"] == 3
    assert "26 Dec 2026" in html and "Nothing has changed" in html
    assert all_states(ctx) == before


def test_turn_on_asks_and_no_enrolls_nobody_existing(app, ctx, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    before = all_states(ctx)
    p.rows["Dutch out"].on.click()
    assert ENROLL_QUESTION in p.confirm.question.value and shown(p.confirm)
    assert set(p.confirm.buttons) == {"yes", "no", "cancel"}
    assert "4 contacts" in p.confirm.question.value
    p.confirm.buttons["no"].click()
    assert not shown(p.confirm)
    info = app.workflow("Dutch out")
    assert info.enabled and info.enrolled == 0
    assert all_states(ctx) == before
    assert "is on" in p.message.value and "were not enrolled" in p.message.value
    row = p.rows["Dutch out"]
    assert data_value(row.cells["state"].value, "mcw-badge mcw-badge-on") == "on"
    assert shown(row.off) and not shown(row.on) and row.edit.disabled
    # a contact that meets the triggers later is enrolled
    fresh = app.create_contact("fresh@x.nl", country="NL", status="marketing")
    assert state_of(ctx, fresh) == ("marketing", True)
    assert '>1<' in p.rows["Dutch out"].cells["enrolled"].value  # refreshed on app.on_change


def test_turn_on_with_yes_changes_the_expected_contacts(app, ctx, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    p.rows["Dutch out"].on.click()
    p.confirm.buttons["yes"].click()
    states = all_states(ctx)
    assert states[people["nl1"]] == states[people["nl2"]] == ("marketing", True)
    assert states[people["nl_pending"]] == ("marketing", True)
    assert states[people["nl_non"]] == ("non_marketing", False)
    assert states[people["de"]] == ("marketing", False)
    assert int(data_value(p.message.value, "mcw-wf-result-enrolled")) == 4
    assert int(data_value(p.message.value, "mcw-wf-result-changed")) == 2
    assert p.last_result.changed == 2 and app.workflow("Dutch out").enrolled == 4


def test_cancel_changes_nothing(app, ctx, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    before = all_states(ctx)
    p.rows["Dutch out"].on.click()
    p.confirm.buttons["cancel"].click()
    assert not app.workflow("Dutch out").enabled and all_states(ctx) == before
    assert not shown(p.confirm)


def test_off_run_now_and_delete_with_confirmation(app, ctx, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    p.rows["Dutch out"].on.click()
    p.confirm.buttons["no"].click()
    p.rows["Dutch out"].run.click()
    assert "no contact meets the triggers now" in p.message.value
    p.rows["Dutch out"].off.click()
    assert not app.workflow("Dutch out").enabled and "is off" in p.message.value
    p.rows["Dutch out"].delete.click()
    assert "Delete workflow 'Dutch out'?" in unescape(p.confirm.question.value)
    p.confirm.buttons["cancel"].click()
    assert [w.name for w in app.workflows()] == ["Dutch out"]
    p.rows["Dutch out"].delete.click()
    p.confirm.buttons["yes"].click()
    assert app.workflows() == [] and not p.rows and shown(p.empty)
    assert "deleted" in p.message.value


def test_edit_an_off_workflow_and_not_an_on_one(app, ctx, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    p.rows["Dutch out"].edit.click()
    assert shown(p.form) and p.name.value == "Dutch out" and p.builder.filter == NL
    assert "Edit workflow" in p.form_title.value
    p.name.value = "German out"
    p.builder.filter = DE
    p.reenroll.value = True
    p.save_button.click()
    assert [w.name for w in app.workflows()] == ["German out"]
    info = app.workflow("German out")
    assert info.trigger == DE and info.reenroll and not info.enabled
    assert "saved" in p.message.value and not shown(p.form)
    p.rows["German out"].on.click()
    p.confirm.buttons["no"].click()
    assert p.rows["German out"].edit.disabled
    p.edit_workflow("German out")  # forced: the service refuses, the form says why
    p.builder.filter = NL
    p.save_button.click()
    assert "turn it off before editing it" in p.message.value
    assert app.workflow("German out").trigger == DE


def test_a_run_held_by_the_spike_guard_says_so(app, ctx, people):
    app.configure_account(spike_limit=1)
    p = panel(app)
    create(p, "German in", DE, action="marketing")
    before = all_states(ctx)
    p.rows["German in"].on.click()
    p.confirm.buttons["yes"].click()
    held = app.held()
    assert len(held) == 1 and held[0].count == 2
    assert "mcw-held" in p.message.value and "Held by the spike guard" in p.message.value
    assert int(data_value(p.message.value, "mcw-wf-held-id")) == held[0].id
    assert "would set 2 contacts as marketing" in p.message.value and "spike limit is 1" in p.message.value
    assert all_states(ctx) == before


def test_long_operations_show_progress_and_disable_their_buttons(app, ctx, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    seen = {}
    real = app.turn_on_workflow

    def spy(name, *, enroll_existing):
        seen["progress"] = p.progress.value
        seen["disabled"] = all(b.disabled for b in p.action_buttons())
        return real(name, enroll_existing=enroll_existing)

    app.turn_on_workflow = spy
    p.rows["Dutch out"].on.click()
    p.confirm.buttons["yes"].click()
    assert "mcw-spinner" in seen["progress"] and "enrolling" in seen["progress"]
    assert seen["disabled"]
    assert p.progress.value == "" and not p.busy
    assert not p.rows["Dutch out"].off.disabled and not p.new_button.disabled


def test_non_admin_sees_no_admin_controls_and_forced_calls_are_refused(app, ctx, people):
    app.create_workflow("Dutch out", NL, "non-marketing")
    for user in ("alice", "bob"):
        p = panel(app.as_user(user))
        assert not p.admin and shown(p.readonly) and not shown(p.new_button)
        row = p.rows["Dutch out"]
        assert shown(row.dry_run)
        assert not any(shown(b) for b in (row.edit, row.on, row.off, row.run, row.delete))
    p = panel(app.as_user("alice"))
    before = all_states(ctx)
    p.turn_on("Dutch out", enroll_existing=True)
    assert "mcw-error" in p.message.value and "only admins may turn workflows on" in p.message.value
    assert not app.workflow("Dutch out").enabled and all_states(ctx) == before
    p.new_workflow()
    p.name.value = "Mine"
    p.builder.filter = DE
    p.save()
    assert "only admins may create workflows" in p.message.value
    p.delete("Dutch out")
    assert "only admins may delete workflows" in p.message.value
    assert [w.name for w in app.workflows()] == ["Dutch out"]
    p.rows["Dutch out"].dry_run.click()  # reading is open to everyone
    assert int(data_value(p.dry_run_html.value, "mcw-wf-would-enroll")) == 4


def test_admins_always_hold_the_permission_for_marketing_workflows(app, ctx, people):
    from mcwidgets.domain.errors import PermissionDenied

    app.add_user("carol", admin=True)
    with pytest.raises(PermissionDenied, match="admins always hold"):
        app.set_permission("carol", False)
    p = panel(app.as_user("carol"))
    assert p.admin
    create(p, "German in", DE, action="marketing")
    assert [w.name for w in app.workflows()] == ["German in"]


def test_html_in_names_is_escaped(app, ctx, people):
    p = panel(app)
    evil = '<script>alert("x")</script>'
    create(p, evil, NL)
    assert app.workflow(evil).name == evil
    html = p.rows[evil].cells["name"].value
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" not in p.message.value and "&lt;script&gt;" in p.message.value
    p.rows[evil].dry_run.click()
    assert "<script>" not in p.dry_run_html.value
    p.rows[evil].delete.click()
    assert "<script>" not in p.confirm.question.value


def test_refreshes_when_the_app_changes(app, ctx, people):
    p = panel(app)
    app.create_workflow("Dutch out", NL, "non-marketing")
    assert not p.rows
    app.changed()
    assert list(p.rows) == ["Dutch out"]


def test_the_status_cell_says_off_or_when_a_workflow_that_is_on_runs(app, people):
    p = panel(app)
    create(p, "Dutch out", NL)
    off = unescape(re.sub(r"<[^>]+>", "", p.rows["Dutch out"].cells["state"].value))
    assert off.strip() == "Off" and "mcw-wf-schedule" not in p.rows["Dutch out"].cells["state"].value
    p.rows["Dutch out"].on.click()
    p.confirm.buttons["no"].click()
    state = p.rows["Dutch out"].cells["state"].value
    assert data_value(state, "mcw-badge mcw-badge-on") == "on"
    text = unescape(re.sub(r"<[^>]+>", "", state))
    assert text == ("OnRuns when contacts are created or imported, and at each scheduled "
                    "mcwidgets workflows run.")
    assert 'class="mcw-note mcw-wf-schedule"' in state
    p.rows["Dutch out"].off.click()
    assert "mcw-wf-schedule" not in p.rows["Dutch out"].cells["state"].value


def test_the_name_error_shows_next_to_the_name_and_clears_when_it_changes(app, people):
    p = panel(app)
    create(p, "", NL)
    assert not app.workflows() and shown(p.form)
    assert "needs a name" in p.name_message.value and "mcw-error" in p.name_message.value
    assert "needs a name" not in p.message.value
    name_row = next(w for w in p.form.children if p.name in getattr(w, "children", ()))
    assert p.name_message in name_row.children
    p.name.value = "D"
    assert p.name_message.value == ""
    p.name.value = "Dutch out"
    p.save_button.click()
    assert app.workflow("Dutch out") and p.name_message.value == ""
