"""Issue 12, finding 11: an empty filter means every contact only when said explicitly
(Selection.all_contacts; --all on the command line), in the service layer (both engines)."""

from __future__ import annotations

import pytest

from mcwidgets.app import App
from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services import forecast, history, status
from tests.conftest import ADMIN
from tests.services.helpers import all_states, make_contact

EMPTY = [{}, {"filterGroups": []}, {"filterGroups": None}]


@pytest.fixture
def people(ctx):
    return [make_contact(ctx, "marketing", i) for i in range(3)] + [make_contact(ctx, "non_marketing", 9)]


@pytest.mark.parametrize("flt", EMPTY, ids=["{}", "no groups", "null groups"])
def test_an_empty_filter_is_refused_and_changes_nothing(ctx, people, flt):
    before, n_actions = all_states(ctx), len(history.list_actions(ctx, limit=1000))
    app = App(ctx, "admin")
    for act in (app.set_non_marketing, app.set_marketing):
        with pytest.raises(ValidationError, match="no conditions.*explicitly"):
            act(filter=flt)
    with pytest.raises(ValidationError, match="explicitly"):
        forecast.forecast_action(ctx, "set_non_marketing", Selection(filter=flt))
    with pytest.raises(ValidationError, match="explicitly"):
        status.set_non_marketing(ctx, ADMIN, Selection(filter=flt, exclude_ids=(people[0],)))
    assert all_states(ctx) == before and len(history.list_actions(ctx, limit=1000)) == n_actions


def test_all_contacts_said_explicitly(ctx, people):
    app = App(ctx, "admin")
    fc = app.forecast("set_non_marketing", all_contacts=True, exclude=[people[0]])
    assert fc.selected == 3
    r = app.set_non_marketing(all_contacts=True)
    assert (r.matched, r.changed) == (4, 3)
    assert history.get_action(ctx, r.action_id).description == "all contacts"
    # an empty filter with the explicit flag (what the grid's "select all matching" sends)
    r = app.set_marketing(filter={"filterGroups": []}, all_contacts=True)
    assert r.matched == 4


def test_all_contacts_does_not_combine_with_ids_or_a_list():
    with pytest.raises(ValidationError):
        Selection(ids=(1,), all_contacts=True)
    with pytest.raises(ValidationError):
        Selection(list_name="x", all_contacts=True)
    assert Selection(all_contacts=True).selects_everything()
    assert not Selection(filter={"filterGroups": [{"filters": [
        {"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}).selects_everything()
