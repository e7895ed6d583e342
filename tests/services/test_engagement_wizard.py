"""The wizard's "No marketing e-mail opened in the last N months" box (SQLite and PostgreSQL):
its count, and its groups through the wizard's one path (forecast, update, undo)."""

from datetime import datetime

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.domain.wizard import wizard_filter
from mcwidgets.services import account, engagement, forecast, properties, undo, wizard
from tests.conftest import ADMIN
from tests.services.helpers import all_states, make_contact

TZ = "Europe/Amsterdam"  # NOW is 2026-11-26 12:00 UTC: six months before is 2026-05-26 (local)


def with_values(ctx, state, n, **values):
    cid = make_contact(ctx, state, n)
    if values:
        properties.set_values(ctx, ADMIN, cid, values)
    return cid


@pytest.fixture
def people(ctx):
    account.configure(ctx, ADMIN, timezone=TZ)
    properties.create_property(ctx, ADMIN, "hs_email_open", "Marketing emails opened", "number")
    properties.create_property(ctx, ADMIN, "last_marketing_email_open_date", "Last marketing email open date",
                               "datetime")
    properties.create_property(ctx, ADMIN, "job_title", "Job Title", "text")
    last = "last_marketing_email_open_date"
    ids = {
        "old_open": with_values(ctx, "marketing", 1, **{last: "2026-05-25 10:00", "hs_email_open": 4}),
        # 22:30 UTC on the 25th is already the 26th in Amsterdam: not before the cut-off day
        "edge_open": with_values(ctx, "marketing", 2, **{last: "2026-05-25 22:30", "hs_email_open": 1}),
        "cutoff_day": with_values(ctx, "marketing", 3, **{last: "2026-05-26 10:00"}),
        "never_opened": with_values(ctx, "marketing", 4, hs_email_open=0),
        "unknown": with_values(ctx, "marketing", 5),
        "opens_no_date": with_values(ctx, "marketing", 6, hs_email_open=3),
        "recent": with_values(ctx, "marketing", 7, **{last: "2026-11-01 09:00", "hs_email_open": 9}),
        "old_pending": with_values(ctx, "pending", 8, **{last: "2025-01-01 09:00"}),
        "old_non_marketing": with_values(ctx, "non_marketing", 9, **{last: "2025-01-01 09:00"}),
    }
    return ids


def test_without_engagement_properties_there_is_no_box(ctx):
    properties.create_property(ctx, ADMIN, "job_title", "Job Title", "text")
    properties.create_property(ctx, ADMIN, "member_rating", "MEMBER_RATING", "number")  # a rating: no opens
    assert engagement.not_opened(ctx, 6) is None
    assert engagement.engagement(ctx).get("rating") == "member_rating"


def test_the_count_is_old_opens_and_zero_opens_without_a_date(ctx, people):
    box = engagement.not_opened(ctx, 6)
    assert box.label == "No marketing e-mail opened in the last 6 months"
    assert box.cutoff.isoformat() == "2026-05-26"
    assert box.count == 2  # old_open and never_opened; not the pending nor the non-marketing one
    longer = engagement.not_opened(ctx, 12)
    assert longer.count == 1  # 2025-11-26: only never_opened (zero opens, no date)
    shorter = engagement.not_opened(ctx, 1)
    assert shorter.count == 4  # everything opened before 2026-10-26 (old, edge, cut-off day) + never_opened


@pytest.mark.parametrize("months", [0, 121, "6", 2.5])
def test_months_are_checked(ctx, people, months):
    with pytest.raises(ValidationError, match="number of months"):
        engagement.not_opened(ctx, months)


def test_the_box_goes_through_the_wizards_path(ctx, people):
    box = engagement.not_opened(ctx, 6)
    schema = properties.schema_of(ctx)
    f = wizard_filter(not_opened=box.groups, schema=schema)
    fc = forecast.forecast_action(ctx, "set_non_marketing", Selection(filter=f))
    assert fc.changes == box.count == 2
    before = all_states(ctx)
    result = wizard.run_wizard(ctx, ADMIN, f)
    assert result.changed == 2
    after = all_states(ctx)
    changed = {cid for cid in after if after[cid] != before[cid]}
    assert changed == {people["old_open"], people["never_opened"]}
    assert engagement.not_opened(ctx, 6).count == 0  # now pending: nothing left to change
    undone = undo.undo(ctx, ADMIN, result.action_id)
    assert undone.changed == 2
    assert all_states(ctx) == before


def test_the_box_with_the_hard_bounced_box_is_one_selection(ctx, people):
    bounced = make_contact(ctx, "marketing", 20, hard_bounced=True)
    box = engagement.not_opened(ctx, 6)
    f = wizard_filter(hard_bounced=True, not_opened=box.groups, schema=properties.schema_of(ctx))
    result = wizard.run_wizard(ctx, ADMIN, f)
    assert result.changed == 3
    assert all_states(ctx)[bounced] == ("marketing", True)


def test_opens_alone_means_never_opened(ctx):
    account.configure(ctx, ADMIN, timezone=TZ)
    properties.create_property(ctx, ADMIN, "marketing_emails_opened", "Marketing emails opened", "number")
    zero = with_values(ctx, "marketing", 1, marketing_emails_opened=0)
    with_values(ctx, "marketing", 2, marketing_emails_opened=2)
    with_values(ctx, "marketing", 3)
    box = engagement.not_opened(ctx, 6)
    assert box.count == 1
    result = wizard.run_wizard(ctx, ADMIN, wizard_filter(not_opened=box.groups, schema=properties.schema_of(ctx)))
    assert result.changed == 1 and all_states(ctx)[zero] == ("marketing", True)
