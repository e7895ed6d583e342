"""The Contacts tab's "Paste a filter or a HubSpot search body" box: a body's sorts and
properties become the grid's sort and columns, its ignored keys are said; a plain filter
keeps them; bad input is one line and leaves the grid as it was."""

from __future__ import annotations

import json
import re

import pytest

from mcwidgets.app import App
from mcwidgets.widgets.contacts_panel import ContactsPanel
from mcwidgets.widgets.grid import DEFAULT_COLUMNS, DEFAULT_SORT


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


@pytest.fixture
def panel(app, tmp_path):
    app.create_property("job_title", "Job Title", "text")
    for i, (country, first) in enumerate([("NL", "Anna"), ("NL", "Bram"), ("BE", "Cas"), ("NL", "Dirk")]):
        cid = app.create_contact(f"p{i}@example.com", first_name=first, last_name=f"L{i}", country=country)
        app.set_property_values(cid, {"job_title": f"Job {i}"})
    return ContactsPanel(app, debounce=0, export_dir=tmp_path / "exports")


def text(value: str) -> str:
    return re.sub(r"<[^>]+>", " ", value)


BODY = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}],
        "sorts": [{"propertyName": "firstname", "direction": "DESCENDING"}],
        "properties": ["email", "firstname", "job_title", "hs_marketable_until_renewal"],
        "limit": 100, "after": "0", "query": "anna"}


def test_a_search_bodys_sorts_and_properties_become_the_grids(app, panel):
    assert panel.paste in panel.children
    panel.paste.text.value = json.dumps(BODY)
    panel.paste.apply_button.click()
    g = panel.grid
    nl = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}
    assert g.filter == panel.builder.filter
    assert app.count(filter=g.filter) == app.count(filter=nl) == 3 and g.total == 3
    assert (g.sort, g.descending) == ("first_name", True)
    assert [app.contact(i)["first_name"] for i in g.page_ids] == ["Dirk", "Bram", "Anna"]
    assert g.columns[:3] == ["email", "first_name", "job_title"]
    assert list(panel.columns_input.value)[:3] == ["Email", "First name", "Job Title"]
    message = text(panel.paste.message.value)
    assert "Applied" in message and "Sorted by First name, descending" in message
    assert "ignored: limit, after (mcwidgets pages by itself)" in message
    assert "ignored: query (no free-text search; use filters)" in message


def test_a_plain_filter_keeps_the_sort_and_columns(panel):
    g = panel.grid
    panel.paste.text.value = json.dumps({"filterGroups": [{"filters": [
        {"propertyName": "country", "operator": "EQ", "value": "BE"}]}]})
    panel.paste.apply_button.click()
    assert g.total == 1 and (g.sort, g.descending) == (DEFAULT_SORT, False)
    assert g.columns == list(DEFAULT_COLUMNS)
    assert text(panel.paste.message.value).strip() == "Applied."


@pytest.mark.parametrize("raw, words", [
    ("{not json", "not valid JSON"),
    ('{"filterGroups": [], "sorts": [{"propertyName": "nope"}]}', "unknown property"),
    ('{"filterGroups": [], "limitt": 3}', "limitt"),
    ("", "Paste a filter"),
])
def test_bad_input_is_one_line_and_the_grid_stays(panel, raw, words):
    g = panel.grid
    before = (dict(g.filter), g.sort, list(g.columns), g.total)
    panel.paste.text.value = raw
    panel.paste.apply_button.click()
    assert words in panel.paste.message.value and "mcw-error" in panel.paste.message.value
    assert "Traceback" not in panel.paste.message.value
    assert (dict(g.filter), g.sort, list(g.columns), g.total) == before


def test_the_message_escapes_what_was_pasted(panel):
    panel.paste.text.value = '{"filterGroups": [], "sorts": [{"propertyName": "<b>x</b>"}]}'
    panel.paste.apply_button.click()
    assert "<b>x</b>" not in panel.paste.message.value and "&lt;b&gt;" in panel.paste.message.value
