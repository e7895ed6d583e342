"""The savings planner on the Overview, in the wizard's review and its hand-over to the grid
(without a browser, on SQLite and PostgreSQL)."""

import re
from datetime import timedelta

import pytest

from mcwidgets.app import App
from mcwidgets.dashboard import build_dashboard
from mcwidgets.domain.errors import ValidationError
from mcwidgets.widgets.overview import OverviewPanel
from mcwidgets.widgets.savings_panel import SavingsPanel
from mcwidgets.widgets.wizard import MarketingContactsWizard
from tests.services.helpers import all_states

STEPS = {"professional": {"included": 2, "step": 2}}
PRICES = {"professional": {"10": 100, "8": 80}}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def value(html: str, cls: str) -> str:
    m = re.search(rf'class="{cls}" data-value="([^"]*)"', html)
    assert m, (cls, html)
    return m.group(1)


def setup(app, clock, n=9, *, tier=10, prices=PRICES, bounced=(5,)):
    """``n`` marketing contacts, the i-th active i days ago (every third never), on a tier of ``tier``."""
    app.configure_account(tier_steps=STEPS, price_table=prices)
    ids = [app.create_contact(f"c{i}@example.com", status="marketing", hard_bounced=i in bounced,
                              last_activity_at=None if i % 3 == 0 else clock.now - timedelta(days=i))
           for i in range(n)]
    app.configure_account(tier=tier)
    return ids


def test_overview_shows_the_next_lower_tier_what_must_leave_and_the_saving(app, clock):
    setup(app, clock)  # 9 marketing on tier 10: the next lower tier 8 needs 1 to leave
    panel = OverviewPanel(app)
    text = panel.savings.text.value
    assert 'data-state="remove"' in text
    assert (value(text, "mcw-savings-target"), value(text, "mcw-savings-needed"),
            value(text, "mcw-savings-saving"), value(text, "mcw-savings-projected")) == ("8", "1", "20", "9")
    assert panel.savings.open_button.layout.display != "none"
    assert panel.savings.open_button.description == "Review the 1 least-engaged contact"


def test_overview_planner_follows_actions_pending_counted(app, clock):
    ids = setup(app, clock)
    panel = OverviewPanel(app)
    app.set_non_marketing(ids[:3])  # pending: already leaving at the update date
    text = panel.savings.text.value
    assert 'data-state="fits"' in text and value(text, "mcw-savings-pending") == "3"
    assert value(text, "mcw-savings-needed") == "0"
    assert panel.savings.open_button.layout.display == "none"
    assert "Request it in Settings" in text


def test_planner_on_the_lowest_tier(app, clock):
    app.configure_account(tier_steps=STEPS)
    app.configure_account(tier=2)
    panel = OverviewPanel(app)
    assert 'data-state="lowest"' in panel.savings.text.value
    assert "no lower tier" in panel.savings.text.value
    assert panel.savings.open_button.layout.display == "none"


def test_planner_without_a_price_for_the_edition(app, clock):
    setup(app, clock, prices={"starter": {"1000": 50}})
    text = OverviewPanel(app).savings.text.value
    assert value(text, "mcw-savings-saving") == "" and "no price" in text


def test_the_button_opens_the_grid_with_the_selection_and_nothing_changes_before_the_typed_confirmation(app, clock):
    ids = setup(app, clock, n=9, tier=10)
    app.create_contact("more@example.com", status="marketing", last_activity_at=clock.now)  # 10: 2 must leave
    before = all_states(app.ctx)
    dash = build_dashboard(app)
    planner = dash.panels["Overview"].savings
    assert value(planner.text.value, "mcw-savings-needed") == "2"
    planner.open_button.click()
    contacts = dash.panels["Contacts"]
    assert dash.tabs.selected_index == 1
    grid = contacts.grid
    assert grid.all_matching and grid.selected_count == 2 and grid.total == 2
    # the least engaged: the hard-bounced one (5), then the first never active (0)
    assert sorted(grid.page_ids) == sorted([ids[5], ids[0]])
    assert contacts.builder.filter == grid.filter
    assert "last_activity_at" in grid.columns
    # the Contacts tab says why, right above the grid's actions
    note = contacts.selection_note.value
    assert value(note, "mcw-savings-review-count") == "2" and "Nothing changes" in note
    kids = list(contacts.children)
    assert kids.index(contacts.selection_note) == kids.index(contacts.actions.toolbar) - 1
    assert value(planner.message.value, "mcw-savings-opened") == "2"
    assert all_states(app.ctx) == before  # nothing applied

    actions = contacts.actions
    actions.open("set_non_marketing")
    assert actions.expected == 2
    actions.typed.value = "3"
    actions.confirm_button.click()  # disabled; a click still lands: refused
    assert all_states(app.ctx) == before
    actions.typed.value = "2"
    actions.confirm_button.click()
    states = all_states(app.ctx)
    assert states[ids[5]] == ("marketing", True) and states[ids[0]] == ("marketing", True)
    assert sum(1 for s in states.values() if s[1]) == 2
    # the planner re-reads: the tier now fits
    assert 'data-state="fits"' in planner.text.value
    contacts.builder.clear()  # a new filter: the note no longer applies
    assert contacts.selection_note.value == ""


def test_without_a_dashboard_the_selection_is_kept(app, clock):
    setup(app, clock)
    panel = SavingsPanel(app)
    panel.refresh()
    panel.open_button.click()
    assert panel.selection.count == 1 and panel.selection.filter is not None
    assert "Open the Contacts tab" in panel.message.value


def test_ranking_errors_show_as_one_line(app, clock):
    setup(app, clock)
    panel = SavingsPanel(app)
    panel.refresh()

    def broken(_n):
        raise ValidationError("the contacts changed while ranking them: try again")

    app.least_engaged = broken
    panel.open_button.click()
    assert "mcw-error" in panel.message.value and "try again" in panel.message.value


def test_no_candidate_left(app, clock):
    setup(app, clock)
    panel = SavingsPanel(app)
    panel.refresh()
    app.set_non_marketing(all_contacts=True)  # every one pending now; the panel still shows the old plan
    panel.open_selection()
    assert "already pending" in panel.message.value


def test_wizard_review_shows_the_plan_after_its_update_and_holds_the_button(app, clock):
    ids = setup(app, clock, n=10, tier=10, bounced=())  # 10 on tier 10: 2 must leave for 8
    wizard = MarketingContactsWizard(app, debounce=0)
    wizard.go(2)
    wizard.unengaged_skip.click()
    wizard.builder.filter = {"filterGroups": [{"filters": [
        {"propertyName": "email", "operator": "EQ", "value": "c1@example.com"}]}]}
    wizard.filters_next.click()
    assert wizard.step == 4
    planner = wizard.savings
    text = planner.text.value
    assert value(text, "mcw-savings-projected") == "9" and value(text, "mcw-savings-needed") == "1"
    assert "with this update" in text
    assert planner.open_button.disabled and "Update contacts first" in planner.message.value
    wizard.update_button.click()
    assert app.status().pending == 1
    assert not planner.open_button.disabled  # the plan as things now are: still 1 to remove
    assert value(planner.text.value, "mcw-savings-needed") == "1"
    opened = []
    planner.on_open = lambda f, n: opened.append((app.count(filter=f), n))
    planner.open_button.click()
    assert opened == [(1, 1)]
    assert len(ids) == 10
