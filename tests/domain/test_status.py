"""The spec's status table, row by row."""

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.status import (ALL_STATES, MARKETING, NON_MARKETING, PENDING, Status, roll_over,
                                     set_marketing, set_non_marketing)

TABLE = [
    # current state, action, result
    (NON_MARKETING, set_marketing, MARKETING),
    (MARKETING, set_non_marketing, PENDING),
    (PENDING, set_marketing, MARKETING),
    (PENDING, roll_over, NON_MARKETING),
    (NON_MARKETING, set_non_marketing, NON_MARKETING),
    # and the combinations the table implies
    (MARKETING, set_marketing, MARKETING),
    (PENDING, set_non_marketing, PENDING),
    (MARKETING, roll_over, MARKETING),
    (NON_MARKETING, roll_over, NON_MARKETING),
]


@pytest.mark.parametrize("state, action, result", TABLE, ids=lambda x: getattr(x, "__name__", str(x)))
def test_status_table(state, action, result):
    assert action(state) == result


def test_table_covers_every_state_and_action():
    covered = {(s, a) for s, a, _ in TABLE}
    assert covered == {(s, a) for s in ALL_STATES for a in (set_marketing, set_non_marketing, roll_over)}


@pytest.mark.parametrize("state", ALL_STATES)
def test_marketing_never_leaves_before_the_update_date(state):
    # Only roll_over turns a marketing contact non-marketing.
    if state.status is Status.MARKETING:
        assert set_non_marketing(state).status is Status.MARKETING


def test_pending_still_counts_toward_tier():
    assert PENDING.counts_toward_tier and MARKETING.counts_toward_tier
    assert not NON_MARKETING.counts_toward_tier


@pytest.mark.parametrize("text, expected", [
    ("marketing", Status.MARKETING), ("Marketing contact", Status.MARKETING),
    ("non-marketing", Status.NON_MARKETING), ("Non-marketing contact", Status.NON_MARKETING),
    ("NON_MARKETING", Status.NON_MARKETING), ("false", Status.NON_MARKETING),
])
def test_parse_status(text, expected):
    assert Status.parse(text) is expected


def test_parse_status_rejects_unknown():
    with pytest.raises(ValidationError, match="unknown marketing contact status 'maybe'"):
        Status.parse("maybe")
