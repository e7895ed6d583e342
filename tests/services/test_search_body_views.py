"""A HubSpot search body's sorts and properties become the grid page's sort and columns
and the export's (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services.exporter import export_csv
from mcwidgets.services.paging import page
from mcwidgets.store.paging import GRID_COLUMNS
from tests.services.helpers import make_contact

BODY = {"filterGroups": [{"filters": [{"propertyName": "hs_marketable_status", "operator": "EQ",
                                       "value": "true"}]}],
        "sorts": [{"propertyName": "firstname", "direction": "DESCENDING"}],
        "properties": ["firstname", "email"], "limit": 10, "query": "x"}


@pytest.fixture
def people(ctx):
    for n, (name, state) in enumerate([("Ann", "marketing"), ("Cy", "marketing"), ("Bo", "non_marketing"),
                                       ("Di", "pending")]):
        make_contact(ctx, state, n, email=f"{name.lower()}@example.com", first_name=name)
    return ctx


def test_a_page_takes_the_body_sort_and_columns(people):
    p = page(people, selection_or_filter=BODY, size=2)
    assert (p.sort, p.descending, p.columns, p.total) == ("first_name", True, ("first_name", "email"), 3)
    assert [r["first_name"] for r in p.rows] == ["Di", "Cy"]
    nxt = page(people, selection_or_filter=Selection(filter=BODY), size=2, cursor=p.next_cursor, position="next")
    assert [r["first_name"] for r in nxt.rows] == ["Ann"]
    # an explicit sort wins; a plain filter keeps the defaults
    assert page(people, selection_or_filter=BODY, sort="email").sort == "email"
    plain = page(people, selection_or_filter={"filterGroups": BODY["filterGroups"]})
    assert (plain.sort, plain.columns) == ("last_name", GRID_COLUMNS)


def test_an_export_takes_the_body_sort_and_columns(people):
    out = io.StringIO()
    assert export_csv(people, out, BODY) == 3
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["First Name", "Email"], ["Di", "di@example.com"], ["Cy", "cy@example.com"], ["Ann", "ann@example.com"]]
    out = io.StringIO()  # explicit columns and sort, paged one row at a time
    assert export_csv(people, out, None, columns=["email"], sort="first_name", page_size=1) == 4
    assert out.getvalue().split() == ["Email", "ann@example.com", "bo@example.com", "cy@example.com",
                                      "di@example.com"]


def test_bad_export_columns_and_sorts_are_refused(people):
    with pytest.raises(ValidationError, match="unknown property 'colour'"):
        export_csv(people, io.StringIO(), None, columns=["colour"])
    with pytest.raises(ValidationError, match="cannot sort by 'colour'"):
        export_csv(people, io.StringIO(), None, sort="colour")
