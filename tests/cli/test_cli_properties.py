"""CLI: ``properties list|create|rename|delete`` (admins; audited; refused while in use)."""

import json


def test_properties_create_list_rename_delete(cli):
    code, _, err = cli("properties", "create", "employees", "--type", "number", "--as", "bob")
    assert code == 1 and "only admins may create custom properties" in err and "Traceback" not in err
    code, out, err = cli("properties", "create", "employees", "--label", "Number of employees", "--type", "number",
                         "--as", "admin")
    assert code == 0, err
    assert "created custom property employees (number, label 'Number of employees')" in out
    code, out, _ = cli("properties", "create", "tier", "--type", "enumeration", "--options", "Gold,Silver",
                       "--as", "admin")
    assert code == 0
    listed = json.loads(cli("properties", "list", "--json")[1])
    assert [(p["name"], p["label"], p["type"], p["options"]) for p in listed] == [
        ("employees", "Number of employees", "number", []), ("tier", "Tier", "enumeration", ["Gold", "Silver"])]
    assert "tier       enumeration  Tier  (Gold, Silver)" in cli("properties", "list")[1]
    code, _, err = cli("properties", "create", "Job Title", "--type", "text", "--as", "admin")
    assert code == 1 and "snake_case" in err and len(err.strip().splitlines()) == 1

    flt = json.dumps({"filterGroups": [{"filters": [{"propertyName": "employees", "operator": "GT", "value": 5}]}]})
    assert cli("views", "save", "Big", "--filter", flt, "--as", "alice")[0] == 0
    assert "Big  Number of employees is greater than 5" in cli("views", "list")[1]
    code, _, err = cli("properties", "delete", "employees", "--as", "admin")
    assert code == 1 and "view 'Big' uses it" in err
    code, _, err = cli("properties", "rename", "tier", "level", "--as", "bob")
    assert code == 1 and "only admins" in err
    code, out, err = cli("properties", "rename", "tier", "level", "--label", "Level", "--as", "admin")
    assert code == 0 and "now level (label 'Level')" in out, err
    code, out, _ = cli("properties", "delete", "level", "--as", "admin")
    assert code == 0 and "deleted custom property level (0 contacts had a value)" in out
    kinds = [a["kind"] for a in json.loads(cli("actions", "list", "--json")[1]) if a["kind"].startswith("property")]
    assert sorted(kinds) == ["property_changed", "property_created", "property_created", "property_deleted"]
    code, _, err = cli("count", "--filter", json.dumps({"filterGroups": [{"filters": [
        {"propertyName": "level", "operator": "HAS_PROPERTY"}]}]}))
    assert code == 1 and "unknown property 'level'" in err


def test_count_and_export_filter_on_a_custom_property(cli, tmp_path):
    """``count`` and ``export --filter`` read a filter (or search body) naming a custom property."""
    assert cli("properties", "create", "employees", "--type", "number", "--as", "admin")[0] == 0
    flt = {"filterGroups": [{"filters": [{"propertyName": "employees", "operator": "HAS_PROPERTY"}]}]}
    code, out, err = cli("count", "--filter", json.dumps(flt))
    assert code == 0, err
    assert out.splitlines()[0] == "0" and "Employees" in out
    body = dict(flt, limit=10, properties=["email", "employees"])
    code, out, err = cli("export", "--filter", json.dumps(body))
    assert code == 0, err
    assert out.splitlines()[0].split(",")[-1] == "Employees" and "limit" in err
