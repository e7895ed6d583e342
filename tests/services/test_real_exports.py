"""Files shaped like a HubSpot contacts export and a Mailchimp audience export (its subscribed,
"cleaned" and "unsubscribed" files), made for these tests (``tests/data``), import without a
mapping; then the whole path: filter on custom columns, a bulk action, export, re-import."""

import io
from pathlib import Path

from sqlalchemy import select

from mcwidgets.domain.selection import Selection
from mcwidgets.services import counting, exporter, properties, status
from mcwidgets.services.importer import import_csv
from mcwidgets.store.models import Contact
from tests.conftest import ADMIN
from tests.services.helpers import state_of

DATA = Path(__file__).resolve().parents[1] / "data"


def flt(*conditions):
    return {"filterGroups": [{"filters": [
        {"propertyName": p, "operator": op, ("values" if isinstance(v, list) else "value"): v}
        for p, op, v in conditions]}]}


def contacts(ctx):
    with ctx.read() as s:
        return {c.email: (c.marketing_status, c.pending_non_marketing, c.hard_bounced, c.unsubscribed,
                          c.lifecycle_stage, c.created_at, c.custom)
                for c in s.scalars(select(Contact))}


def test_a_hubspot_export_imports_without_a_mapping_and_round_trips(ctx, tmp_path):
    r = import_csv(ctx, ADMIN, DATA / "hubspot_contacts.csv")
    assert (r.created, r.bad_rows, r.ignored_columns) == (8, 0, ())
    types = {name: type_ for name, type_, _ in r.new_properties}
    assert types == {"phone_number": "text", "job_title": "text", "lead_status": "enumeration",
                     "number_of_employees": "number", "contact_owner": "enumeration",
                     "marketing_emails_opened": "number", "last_marketing_email_open_date": "datetime"}
    anna = contacts(ctx)["anna@brightlane.example"]
    assert anna[0] == "marketing" and anna[4] == "marketing_qualified_lead" and str(anna[5]) == "2024-03-15 10:23:00"
    assert contacts(ctx)["dieter@nordwerk.example"][0] == "non_marketing"
    assert anna[6]["number_of_employees"] == 650 and anna[6]["last_marketing_email_open_date"] == "2024-09-01 08:12:00"

    big_and_open = flt(("number_of_employees", "GT", 500), ("lead_status", "IN", ["Open", "In progress"]))
    assert counting.count(ctx, big_and_open) == 3  # Anna, Bram (650), Eva (2400)
    unengaged = flt(("marketing_emails_opened", "LT", 2))
    assert counting.count(ctx, unengaged) == 2  # Dieter (0), Farid (1); Greta has no value
    done = status.set_non_marketing(ctx, ADMIN, Selection(filter=big_and_open))
    assert done.changed == 3
    emails = {e: i for e, i in _ids(ctx).items()}
    assert state_of(ctx, emails["eva@nordwerk.example"]) == ("marketing", True)

    out = tmp_path / "export.csv"
    assert exporter.export_csv(ctx, out) == 8
    assert "Number of Employees" in out.read_text().splitlines()[0]
    before = contacts(ctx)
    again = import_csv(ctx, ADMIN, out)
    assert (again.bad_rows, again.new_properties, again.updated, again.created) == (0, (), 8, 0)
    assert contacts(ctx) == before


def _ids(ctx):
    with ctx.read() as s:
        return dict(s.execute(select(Contact.email, Contact.id)).all())


def test_mailchimp_exports_import_without_a_mapping_cleaned_means_bounced_unsubscribed_means_unsubscribed(
        ctx, tmp_path):
    r = import_csv(ctx, ADMIN, DATA / "mailchimp_subscribed.csv")
    assert (r.created, r.bad_rows) == (4, 0)
    types = {name: type_ for name, type_, _ in r.new_properties}
    assert (types["member_rating"], types["optin_time"], types["last_changed"], types["tags"]) == (
        "number", "datetime", "datetime", "text")
    cleaned = import_csv(ctx, ADMIN, DATA / "mailchimp_cleaned.csv")
    assert (cleaned.created, cleaned.bad_rows) == (2, 0) and cleaned.columns["CLEAN_TIME"] == "hard_bounced"
    unsub = import_csv(ctx, ADMIN, DATA / "mailchimp_unsubscribed.csv")
    assert (unsub.created, unsub.updated, unsub.bad_rows) == (1, 1, 0)
    people = contacts(ctx)
    assert {e for e, c in people.items() if c[2]} == {"mo@oldmail.example", "nia@oldmail.example"}
    assert {e for e, c in people.items() if c[3]} == {"oli@quiet.example", "jon@harbour.example"}
    assert people["jon@harbour.example"][6]["tags"] == '"Newsletter"'

    webinar = flt(("tags", "CONTAINS_TOKEN", "webinar"), ("member_rating", "GTE", 3))
    assert counting.count(ctx, webinar) == 1  # Ines (4); Lea rates 2
    bounced_or_unsubscribed = {"filterGroups": [
        {"filters": [{"propertyName": "hard_bounced", "operator": "EQ", "value": True}]},
        {"filters": [{"propertyName": "unsubscribed", "operator": "EQ", "value": True}]}]}
    assert status.set_non_marketing(ctx, ADMIN, Selection(filter=bounced_or_unsubscribed)).matched == 4

    out = io.StringIO()
    exporter.export_csv(ctx, out)
    before = contacts(ctx)
    again = import_csv(ctx, ADMIN, io.StringIO(out.getvalue()))
    assert (again.bad_rows, again.new_properties, again.updated) == (0, (), 7)
    assert contacts(ctx) == before
    assert {p.name for p in properties.list_properties(ctx)} >= {"clean_campaign_title", "unsub_reason"}
