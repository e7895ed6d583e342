"""HubSpot's internal names in `import --mapping` and `count --filter`, and HubSpot search
bodies given to `count` and `export` (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json

import pytest

ROWS = ("Mail,Given,Stage,Created,Marketable\n"
        "ann@example.com,Ann,marketingqualifiedlead,2024-03-01 10:00,true\n"
        "bob@example.com,Bob,salesqualifiedlead,2024-05-01 10:00,true\n"
        "cy@example.com,Cy,marketingqualifiedlead,2024-04-01 10:00,false\n"
        "di@example.com,Di,lead,2024-02-01 10:00,true\n")
MAPPING = {"Mail": "email", "Given": "firstname", "Stage": "lifecyclestage", "Created": "createdate",
           "Marketable": "hs_marketable_status"}


@pytest.fixture
def hub(cli, tmp_path):
    path = tmp_path / "hubspot.csv"
    path.write_text(ROWS)
    code, out, err = cli("import", str(path), "--as", "admin", "--mapping", json.dumps(MAPPING))
    assert code == 0, err
    assert "4 contacts created" in out and "0 bad rows" in out and "ignored columns" not in out
    return cli


def test_an_import_mapping_takes_hubspot_internal_names_and_values(hub):
    code, out, _ = hub("export")
    rows = {r["Email"]: r for r in csv.DictReader(io.StringIO(out))}
    assert {e: (r["First Name"], r["Lifecycle Stage"], r["Marketing contact status"])
            for e, r in rows.items()} == {
        "ann@example.com": ("Ann", "marketing_qualified_lead", "Marketing contact"),
        "bob@example.com": ("Bob", "sales_qualified_lead", "Marketing contact"),
        "cy@example.com": ("Cy", "marketing_qualified_lead", "Non-marketing contact"),
        "di@example.com": ("Di", "lead", "Marketing contact")}
    assert rows["ann@example.com"]["Create Date"].startswith("2024-03-01 10:00")


def test_count_filters_with_hubspot_internal_names(hub):
    flt = {"filterGroups": [{"filters": [
        {"propertyName": "lifecyclestage", "operator": "EQ", "value": "marketingqualifiedlead"},
        {"propertyName": "hs_marketable_status", "operator": "EQ", "value": "true"}]}]}
    code, out, err = hub("count", "--filter", json.dumps(flt))
    assert (code, out, err) == (0, "1\nLifecycle stage is marketing qualified lead and "
                                   "marketing contact status is marketing\n", "")
    since = {"filterGroups": [{"filters": [{"propertyName": "createdate", "operator": "GTE",
                                            "value": "1711929600000"}]}]}  # 2024-04-01 in milliseconds
    assert hub("count", "--filter", json.dumps(since))[1] == "2\nCreate date on or after 2024-04-01\n"


BODY = {"filterGroups": [{"filters": [{"propertyName": "hs_marketable_status", "operator": "EQ",
                                       "value": "true"}]}],
        "sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}],
        "properties": ["email", "firstname", "lifecyclestage"], "limit": 100, "after": "0"}


def test_count_prints_what_a_search_body_asked_for_that_is_ignored(hub):
    code, out, err = hub("count", "--filter", json.dumps(BODY))
    assert (code, out) == (0, "3\nMarketing contact status is marketing\n")
    assert err == "ignored: limit, after (mcwidgets pages by itself)\n"


def test_export_takes_a_search_body_sorts_and_properties(hub, tmp_path):
    body = tmp_path / "body.json"
    body.write_text(json.dumps(BODY))
    code, out, err = hub("export", "--filter", f"@{body}")
    assert code == 0
    assert err == "ignored: limit, after (mcwidgets pages by itself)\nexported 3 contacts\n"
    assert list(csv.reader(io.StringIO(out))) == [
        ["Email", "First Name", "Lifecycle Stage"],
        ["bob@example.com", "Bob", "sales_qualified_lead"],  # created 2024-05-01: newest first
        ["ann@example.com", "Ann", "marketing_qualified_lead"],
        ["di@example.com", "Di", "lead"]]
    code, out, err = hub("export", "--filter", json.dumps({"sorts": ["firstname"], "properties": ["firstname"]}))
    assert (code, out.split()) == (0, ["First", "Name", "Ann", "Bob", "Cy", "Di"])


def test_bad_search_bodies_are_one_line_errors(hub):
    code, out, err = hub("export", "--filter", json.dumps({**BODY, "sorts": ["email", "createdate"]}))
    assert (code, out) == (1, "") and err == "mcwidgets: error: too many sorts (2; at most 1)\n"
    code, out, err = hub("count", "--filter", json.dumps({"properties": ["jobtitle"]}))
    assert (code, out) == (1, "") and err == "mcwidgets: error: properties 1: unknown property 'jobtitle'\n"


def test_hubspot_internal_names_as_headings_need_no_mapping(cli, tmp_path):
    path = tmp_path / "api.csv"
    path.write_text("hs_object_id_x,email,firstname,lifecyclestage,hs_email_optout\n"
                    "1,eve@example.com,Eve,salesqualifiedlead,true\n")
    code, out, err = cli("import", str(path), "--as", "admin")
    assert code == 0 and "1 contacts created" in out and "created custom properties: hs_object_id_x (number)" in out
    row = next(csv.DictReader(io.StringIO(cli("export")[1])))
    assert (row["First Name"], row["Lifecycle Stage"], row["Unsubscribed from all email"]) == \
        ("Eve", "sales_qualified_lead", "Yes")
