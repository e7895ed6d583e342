"""Custom properties as services: admins manage them (audited), and every filter path -
saved views, active lists, workflow triggers, the wizard, the grid, counts and export -
accepts them exactly like built-in properties."""

import csv
import io

import pytest
from sqlalchemy import select

from mcwidgets.domain import wizard as wizard_rules
from mcwidgets.domain.errors import Conflict, PermissionDenied, ValidationError
from mcwidgets.services import counting, exporter, lists, paging, properties, views, wizard, workflows
from mcwidgets.store.models import Action
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import make_contact, state_of

BIG = {"filterGroups": [{"filters": [{"propertyName": "employees", "operator": "GT", "value": 500}]}]}
GOLD = {"filterGroups": [{"filters": [{"propertyName": "tier", "operator": "EQ", "value": "Gold"}]}]}


@pytest.fixture
def shop(ctx):
    properties.create_property(ctx, ADMIN, "employees", "Number of employees", "number")
    properties.create_property(ctx, ADMIN, "tier", "Tier", "enumeration", ["Gold", "Silver"])
    big = make_contact(ctx, "marketing", 1, last_name="Big")
    small = make_contact(ctx, "marketing", 2, last_name="Small")
    properties.set_values(ctx, ADMIN, big, {"employees": 900, "tier": "Gold"})
    properties.set_values(ctx, ADMIN, small, {"employees": 12})
    return ctx, big, small


def test_only_admins_manage_properties_and_every_change_is_audited(ctx):
    with pytest.raises(PermissionDenied, match="only admins may create custom properties"):
        properties.create_property(ctx, BOB, "job_title", "Job title", "text")
    properties.create_property(ctx, ADMIN, "job_title", "Job title", "text")
    with pytest.raises(PermissionDenied):
        properties.rename_property(ctx, ALICE, "job_title", "role")
    with pytest.raises(PermissionDenied):
        properties.delete_property(ctx, BOB, "job_title")
    properties.rename_property(ctx, ADMIN, "job_title", "role", label="Role")
    assert [(p.name, p.label, p.type) for p in properties.list_properties(ctx)] == [("role", "Role", "text")]
    properties.delete_property(ctx, ADMIN, "role")
    assert properties.list_properties(ctx) == []
    with ctx.read() as s:
        rows = s.execute(select(Action.kind, Action.actor_name, Action.description)
                         .where(Action.kind.like("property_%")).order_by(Action.id)).all()
    assert [(k, who) for k, who, _ in rows] == [("property_created", "admin"), ("property_changed", "admin"),
                                                ("property_deleted", "admin")]
    assert "name 'job_title' → 'role'" in rows[1][2]


def test_saved_views_lists_workflows_and_the_wizard_accept_a_custom_filter(shop):
    ctx, big, small = shop
    view = views.save_view(ctx, ALICE, "Big", BIG, sort="employees:desc", columns=["email", "employees"])
    assert view.filter == BIG and view.sort == {"column": "employees", "descending": True}
    assert "number of employees is greater than 500" in view.describe(properties.schema_of(ctx)).lower()
    active = lists.create_list(ctx, ALICE, "Gold", GOLD)
    assert active.members == 1
    assert counting.count(ctx, {"filterGroups": [{"filters": [
        {"propertyName": "list", "operator": "IN_LIST", "value": "Gold"}]}]}) == 1
    workflows.create(ctx, ADMIN, "Big out", BIG, "non-marketing")
    result = workflows.turn_on(ctx, ADMIN, "Big out", enroll_existing=True)
    assert (result.enrolled, result.changed) == (1, 1)
    assert state_of(ctx, big) == ("marketing", True) and state_of(ctx, small) == ("marketing", False)
    schema = properties.schema_of(ctx)
    flt = wizard_rules.wizard_filter(filter={"filterGroups": [{"filters": [
        {"propertyName": "employees", "operator": "LT", "value": 100}]}]}, schema=schema)
    assert wizard.run_wizard(ctx, ADMIN, flt).changed == 1
    assert state_of(ctx, small) == ("marketing", True)


def test_unknown_custom_property_stays_a_clear_error(shop):
    ctx, _, _ = shop
    bad = {"filterGroups": [{"filters": [{"propertyName": "employes", "operator": "GT", "value": 1}]}]}
    for call in (lambda: views.save_view(ctx, ALICE, "x", bad), lambda: lists.create_list(ctx, ALICE, "x", bad),
                 lambda: workflows.create(ctx, ADMIN, "x", bad, "non-marketing"), lambda: counting.count(ctx, bad)):
        with pytest.raises(ValidationError, match="unknown property 'employes'"):
            call()


def test_delete_and_rename_are_refused_while_a_view_list_or_workflow_uses_the_property(shop):
    ctx, big, _ = shop
    views.save_view(ctx, ALICE, "Big", BIG)
    lists.create_list(ctx, ALICE, "Gold", GOLD)
    with pytest.raises(Conflict, match="cannot delete property 'employees': view 'Big' uses it"):
        properties.delete_property(ctx, ADMIN, "employees")
    with pytest.raises(Conflict, match="list 'Gold'"):
        properties.rename_property(ctx, ADMIN, "tier", "level")
    assert properties.set_values(ctx, ADMIN, big, {})["employees"] == 900  # nothing was lost
    views.delete_view(ctx, ALICE, "Big")
    workflows.create(ctx, ADMIN, "Big out", BIG, "non-marketing")
    with pytest.raises(Conflict, match="workflow 'Big out'"):
        properties.delete_property(ctx, ADMIN, "employees")
    workflows.delete(ctx, ADMIN, "Big out")
    assert properties.delete_property(ctx, ADMIN, "employees") == 2


def test_grid_pages_have_custom_columns_and_sort_by_them(shop):
    ctx, big, small = shop
    page = paging.page(ctx, sort="employees", descending=True, size=1)
    assert "employees" in page.columns and "tier" in page.columns
    assert [r["id"] for r in page.rows] == [big] and page.rows[0]["tier"] == "Gold"
    nxt = paging.page(ctx, sort="employees", descending=True, size=1, cursor=page.next_cursor, position="next")
    assert [r["id"] for r in nxt.rows] == [small] and nxt.rows[0]["employees"] == 12
    body = {"filterGroups": [], "properties": ["email", "tier"], "sorts": [{"propertyName": "employees"}]}
    page = paging.page(ctx, selection_or_filter=body, size=5)
    assert page.columns == ("email", "tier") and page.sort == "employees"


def test_export_writes_custom_columns_under_their_labels(shop):
    ctx, big, small = shop
    out = io.StringIO()
    assert exporter.export_csv(ctx, out, BIG) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["Number of employees"] == "900" and rows[0]["Tier"] == "Gold"
    out = io.StringIO()
    exporter.export_csv(ctx, out, None, columns=["email", "employees"], sort="employees")
    lines = out.getvalue().splitlines()
    assert lines[0] == "Email,Number of employees" and [line.split(",")[1] for line in lines[1:]] == ["12", "900"]
