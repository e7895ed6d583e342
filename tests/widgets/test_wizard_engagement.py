"""The wizard's engagement box: absent without engagement properties; with them, unticked by
default, its count, N editable, and ticked it joins the one selection (review, update, undo)."""

from __future__ import annotations

import re

import pytest

from mcwidgets.app import App
from mcwidgets.services import account, properties
from mcwidgets.widgets.wizard import MarketingContactsWizard
from tests.conftest import ADMIN
from tests.services.helpers import all_states, make_contact

LAST = "last_marketing_email_open_date"


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def person(ctx, n, state="marketing", **values):
    cid = make_contact(ctx, state, n, **{k: values.pop(k) for k in ("hard_bounced",) if k in values})
    if values:
        properties.set_values(ctx, ADMIN, cid, values)
    return cid


@pytest.fixture
def engaged(ctx):
    account.configure(ctx, ADMIN, timezone="Europe/Amsterdam")
    properties.create_property(ctx, ADMIN, "marketing_emails_opened", "Marketing emails opened", "number")
    properties.create_property(ctx, ADMIN, LAST, "Last marketing email open date", "datetime")
    return {
        "old": person(ctx, 1, **{LAST: "2026-03-01 10:00", "marketing_emails_opened": 2}),
        "never": person(ctx, 2, marketing_emails_opened=0),
        "recent": person(ctx, 3, **{LAST: "2026-11-20 10:00", "marketing_emails_opened": 7}),
        "nine_months": person(ctx, 4, **{LAST: "2026-02-20 10:00", "marketing_emails_opened": 1}),
        "bounced": person(ctx, 5, hard_bounced=True, **{LAST: "2026-11-20 10:00"}),
    }


def text(value: str) -> str:
    return re.sub(r"<[^>]+>", "", value)


def step_two(app) -> MarketingContactsWizard:
    w = MarketingContactsWizard(app, debounce=0)
    w.info_next.click()
    assert w.step == 2
    return w


def test_without_engagement_properties_the_box_is_absent(app, ctx):
    properties.create_property(ctx, ADMIN, "job_title", "Job Title", "text")
    person(ctx, 1, job_title="CEO")
    w = step_two(app)
    assert w.not_opened is None and w.not_opened_row.layout.display == "none"
    assert w.chosen()["not_opened"] == ()
    w.not_opened_box.value = True  # even forced, an absent box selects nothing
    assert w.chosen()["not_opened"] == ()


def test_the_box_is_offered_unticked_with_its_count(app, engaged):
    w = step_two(app)
    assert w.not_opened_row.layout.display is None
    assert w.not_opened_box.value is False and w.not_opened_months.value == 6
    assert w.not_opened_box.description == "No marketing e-mail opened in the last 6 months"
    assert text(w.not_opened_count.value) == "3 marketing contacts"  # old, never, nine_months
    w.not_opened_months.value = 8  # before 2026-03-26: old, nine_months and never
    assert text(w.not_opened_count.value) == "3 marketing contacts"
    w.not_opened_months.value = 9  # before 2026-02-26: nine_months (20 Feb) and never
    assert w.not_opened_box.description == "No marketing e-mail opened in the last 9 months"
    assert text(w.not_opened_count.value) == "2 marketing contacts"
    assert w.chosen()["not_opened"] == ()  # unticked: not in the selection


def test_ticked_it_joins_the_selection_update_and_undo(app, ctx, engaged):
    before = all_states(ctx)
    w = step_two(app)
    w.checkboxes["unsubscribed"].value = False
    w.not_opened_box.value = True
    w.unengaged_next.click()
    w.filters_skip.click()
    assert w.step == 4
    assert "No marketing e-mail opened in the last 6 months" in w.summary.value
    assert "26 May 2026" in text(w.summary.value)
    expected = {engaged[k] for k in ("old", "never", "nine_months", "bounced")}
    assert w.forecast.changes == len(expected)
    w.update_button.click()
    assert w.result.changed == len(expected)
    after = all_states(ctx)
    assert {cid for cid in after if after[cid] != before[cid]} == expected
    w.undo_button.click()
    w.confirm.buttons["yes"].click()
    assert all_states(ctx) == before
    w.restart_button.click()
    assert w.not_opened_box.value is False and w.not_opened_months.value == 6


def test_skipping_the_step_drops_the_box(app, engaged):
    w = step_two(app)
    w.not_opened_box.value = True
    w.unengaged_skip.click()
    assert w.chosen()["not_opened"] == ()
