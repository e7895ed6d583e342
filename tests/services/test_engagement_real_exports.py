"""The sample exports' engagement columns are recognised once imported: HubSpot's opens
count and last open date (the wizard box, the savings ranking), Mailchimp's rating."""

from pathlib import Path

from mcwidgets.domain.engagement import LAST_OPEN, OPENS, RATING
from mcwidgets.services import engagement, savings
from mcwidgets.services.importer import import_csv
from tests.conftest import ADMIN

DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_hubspot_export_brings_opens_and_last_open_date(ctx):
    import_csv(ctx, ADMIN, DATA / "hubspot_contacts.csv")
    found = engagement.engagement(ctx)
    assert (found.get(OPENS), found.get(LAST_OPEN)) == ("marketing_emails_opened", "last_marketing_email_open_date")
    assert found.ranking() == (("last_marketing_email_open_date", "marketing_emails_opened"),
                               ("last_marketing_email_open_date",))
    # NOW is 2026-11-26: every open in the file (2024) is older than 6 months; greta (marketing)
    # has neither a date nor a count: not selected; dieter and farid are non-marketing
    assert engagement.not_opened(ctx, 6).count == 5  # anna, bram, chloe, eva, hugo
    assert engagement.not_opened(ctx, 28).count == 2  # before 2024-07-26: bram (June), eva (10 July)
    le = savings.least_engaged(ctx, 1)
    assert "Last marketing email open date" in le.ranking


def test_a_mailchimp_export_brings_the_rating_but_no_wizard_box(ctx):
    import_csv(ctx, ADMIN, DATA / "mailchimp_subscribed.csv")
    found = engagement.engagement(ctx)
    assert found.get(RATING) == "member_rating" and not found.offers_not_opened
    assert engagement.not_opened(ctx, 6) is None
    assert "MEMBER_RATING" in savings.least_engaged(ctx, 1).ranking
