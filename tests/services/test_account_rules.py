"""Issue 13, item 3: the rules live below the views. The price table is checked where it
enters (the service), the spike-limit default and undoability are one rule each, and
the "after the update date" figures are computed once (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mcwidgets.domain.errors import Conflict, ValidationError
from mcwidgets.domain.forecast import AT_UPDATE, AT_UPDATE_WITHOUT, NOW, Figures
from mcwidgets.domain.selection import Selection
from mcwidgets.domain.workflows import DEFAULT_SPIKE_LIMIT
from mcwidgets.services import account, forecast, history, rollover, status, undo
from tests.conftest import ADMIN, ALICE
from tests.services.helpers import make_contact


def action_count(ctx) -> int:
    return len(history.list_actions(ctx, limit=1000))


@pytest.mark.parametrize("bad, words", [
    ({"professional": {"2000": "cheap"}}, "professional, tier 2,000: the price 'cheap'"),
    ({"platinum": {"2000": 800}}, "unknown edition 'platinum'"),
    ({"professional": {"lots": 800}}, "'lots' is not a tier"),
    ({"professional": {"-5": 800}}, "must be positive"),
    ({"professional": {"2000": -1}}, "must be a number of 0 or more"),
    ({"professional": {"2000": True}}, "must be a number of 0 or more"),
    ({"professional": {"2000": float("nan")}}, "must be a number of 0 or more"),
    ({"professional": [800]}, "must be an object of tier: price"),
    (["professional"], "must be an object like"),
])
def test_a_bad_price_table_is_refused_and_nothing_is_stored(ctx, bad, words):
    good = {"professional": {"2000": 800}}
    account.configure(ctx, ADMIN, price_table=good)
    actions = action_count(ctx)
    with pytest.raises(ValidationError, match="price") as e:
        account.configure(ctx, ADMIN, price_table=bad, spike_limit=3)
    assert words in str(e.value) and "\n" not in str(e.value)
    info = account.get_info(ctx)
    assert info.price_table == good and info.spike_limit is None  # nothing of the call stored
    assert action_count(ctx) == actions  # and no settings change recorded


def test_after_a_refused_price_table_forecasts_still_work(ctx):
    cid = make_contact(ctx, "marketing")
    with pytest.raises(ValidationError):
        account.configure(ctx, ADMIN, price_table={"professional": {"2000": "cheap"}})
    fc = forecast.forecast_action(ctx, "set_non_marketing", Selection.of_ids([cid]))
    assert fc.before.cost is None and fc.selected == 1
    status.set_non_marketing(ctx, ALICE, Selection.of_ids([cid]))  # and actions too


def test_a_valid_price_table_is_stored_normalised_and_priced(ctx):
    info = account.configure(ctx, ADMIN, price_table={"professional": {"2,000": 800, "7_000": 1300.5}})
    assert info.price_table == {"professional": {"2000": 800, "7000": 1300.5}}
    cid = make_contact(ctx, "marketing")
    fc = forecast.forecast_action(ctx, "set_non_marketing", Selection.of_ids([cid]))
    assert fc.before.cost == 800.0
    assert account.configure(ctx, ADMIN, price_table={}).price_table == {}  # {} clears it


def test_the_spike_limit_in_force_defaults_in_one_place(ctx):
    assert account.get_info(ctx).spike_limit is None
    assert account.get_info(ctx).effective_spike_limit == DEFAULT_SPIKE_LIMIT == 10_000
    assert account.configure(ctx, ADMIN, spike_limit=0).effective_spike_limit == 0
    assert account.configure(ctx, ADMIN, spike_limit=5).effective_spike_limit == 5


def test_the_actions_list_says_which_actions_can_be_undone(ctx, clock):
    ids = [make_contact(ctx, "marketing", i) for i in range(3)]
    first = status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids[:1]))
    marketing = status.set_marketing(ctx, ADMIN, Selection.of_ids(ids[2:]))
    second = status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids[1:2]))
    rows = {r.id: r for r in history.list_actions(ctx)}
    assert rows[first.action_id].undoable and rows[second.action_id].undoable
    assert not rows[marketing.action_id].undoable  # not a set-as-non-marketing action
    assert history.get_action(ctx, first.action_id).undoable
    undone = undo.undo(ctx, ALICE, first.action_id)
    rows = {r.id: r for r in history.list_actions(ctx)}
    assert not rows[first.action_id].undoable and not rows[undone.action_id].undoable
    # the update date passes: the pending contacts are non-marketing, nothing can be undone
    clock.set(datetime(2026, 12, 26, 1, tzinfo=timezone.utc))
    rollover.rollover(ctx)
    assert not history.get_action(ctx, second.action_id).undoable
    with pytest.raises(Conflict, match="the update date .* has passed"):
        undo.undo(ctx, ALICE, second.action_id)


def test_the_figures_after_the_update_date_are_computed_once(ctx):
    ids = [make_contact(ctx, "marketing", i) for i in range(4)] + [make_contact(ctx, "pending", 9)]
    make_contact(ctx, "non_marketing", 10)
    fc = forecast.forecast_action(ctx, "set_non_marketing", Selection.of_ids(ids[:2]))
    cols = fc.columns()
    assert cols[NOW] == Figures(5, 1, 1, fc.before.tier, None)
    assert cols[AT_UPDATE] == Figures(2, 0, 4, fc.after.tier_at_update, None)  # 3 pending leave then
    assert cols[AT_UPDATE_WITHOUT] == Figures(4, 0, 2, fc.before.tier_at_update, None)
