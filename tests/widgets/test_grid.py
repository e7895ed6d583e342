"""The contact grid, its bulk actions and the Contacts tab, driven like a user without a
browser (traitlets set as grid.js sets them, its messages handed to the handler,
ipywidgets buttons clicked), checked on the widgets AND in the database, on SQLite
and PostgreSQL."""

from __future__ import annotations

import base64
import csv
import json
import re

import pytest

from mcwidgets.app import App
from mcwidgets.dashboard import build_dashboard
from mcwidgets.domain.errors import Conflict, PermissionDenied
from mcwidgets.store.paging import GRID_COLUMNS
from mcwidgets.widgets.bulk_actions import SET_MARKETING, parse_typed_number
from mcwidgets.widgets.contacts_panel import ContactsPanel
from mcwidgets.widgets.grid import COLUMNS, DEFAULT_COLUMNS, ContactGrid

LAST = ["Bakker", "Jansen", "Visser", "Smit", "Mulder", "Bos", "Dekker"]  # repeated: ties broken by id
NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Netherlands"}]}]}
BE = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Belgium"}]}]}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def make(app, n, *, country="Netherlands", status="marketing", start=0) -> list[int]:
    """``n`` contacts; every 17th has no last name (NULLs sort last)."""
    return [app.create_contact(f"c{i:03d}@example.com", first_name=f"F{i:03d}", country=country, status=status,
                               last_name=None if i % 17 == 0 else LAST[i % len(LAST)])
            for i in range(start, start + n)]


def js_message(grid: ContactGrid, **content) -> None:
    """What grid.js's ``model.send(...)`` triggers in the kernel."""
    grid._on_msg(grid, content, [])


def panel_for(app, tmp_path, **kw) -> ContactsPanel:
    return ContactsPanel(app, debounce=0, export_dir=tmp_path / "exports", **kw)


def pending_ids(app, ids) -> set[int]:
    return {i for i in ids if app.contact(i)["pending_non_marketing"]}


def statuses(app, ids) -> dict[int, tuple[str, bool]]:
    return {i: (c["marketing_status"], c["pending_non_marketing"]) for i in ids for c in [app.contact(i)]}


def walk(grid: ContactGrid) -> list[int]:
    """Every id, page by page with "next" from the first page."""
    js_message(grid, event="page", to="first")
    seen = list(grid.page_ids)
    while grid.has_next:
        js_message(grid, event="page", to="next")
        seen += grid.page_ids
    return seen


def test_columns_are_the_stores_grid_columns():
    assert COLUMNS == GRID_COLUMNS and set(DEFAULT_COLUMNS) <= set(COLUMNS)


def test_paging_order_matches_the_sorted_data(app):
    ids = make(app, 130)
    people = {i: app.contact(i) for i in ids}
    by_last = sorted(ids, key=lambda i: (people[i]["last_name"] is None, people[i]["last_name"] or "", i))
    grid = ContactGrid(app)
    assert (grid.sort, grid.descending, grid.page_size, grid.total) == ("last_name", False, 50, 130)

    grid.page_size = 25  # the rows-per-page select
    assert (grid.page_number, grid.page_count, grid.start, grid.end) == (1, 6, 1, 25)
    assert walk(grid) == by_last
    assert (grid.page_number, grid.start, grid.end, grid.has_next) == (6, 126, 130, False)
    assert [r["last_name"] for r in grid.rows][-2:] == ["", ""]  # NULLs last, shown empty

    js_message(grid, event="page", to="prev")
    assert grid.page_ids == by_last[100:125] and grid.page_number == 5
    js_message(grid, event="page", to="first")
    js_message(grid, event="page", to="last")
    assert grid.page_ids == by_last[125:] and not grid.has_next and grid.has_prev
    js_message(grid, event="page", to="next")  # nothing after the last page: stays
    assert grid.page_ids == by_last[125:]

    js_message(grid, event="sort", column="last_name")  # the sorted heading again: descending
    assert grid.descending and grid.page_number == 1
    assert walk(grid) == by_last[::-1]

    js_message(grid, event="sort", column="email")  # another heading: ascending
    assert (grid.sort, grid.descending) == ("email", False)
    assert walk(grid) == sorted(ids, key=lambda i: people[i]["email"])

    grid.descending = True  # a trait set directly reloads too
    assert grid.page_ids == sorted(ids, key=lambda i: people[i]["email"], reverse=True)[:25]
    grid.sort = "first_name"
    assert grid.page_ids == sorted(ids, key=lambda i: people[i]["first_name"], reverse=True)[:25]


def test_rows_hold_only_the_chosen_columns_as_text(app):
    [cid] = make(app, 1, start=1)
    app.create_contact("x@example.com", first_name="<img src=x onerror=window.__xss=1>", status="non-marketing")
    grid = ContactGrid(app, columns=["email", "first_name", "marketing_status", "pending_non_marketing",
                                     "created_at", "lifecycle_stage", "bogus", "email"])
    assert grid.columns == ["email", "first_name", "marketing_status", "pending_non_marketing", "created_at",
                            "lifecycle_stage"]
    assert set(grid.labels) == set(grid.columns)
    row = next(r for r in grid.rows if r["id"] == cid)
    assert row == {"id": cid, "email": "c001@example.com", "first_name": "F001", "marketing_status": "Marketing",
                   "pending_non_marketing": "No", "created_at": "26 Nov 2026 12:00", "lifecycle_stage": ""}
    xss = next(r for r in grid.rows if r["email"] == "x@example.com")
    assert xss["first_name"] == "<img src=x onerror=window.__xss=1>"  # raw text: grid.js sets textContent
    grid.columns = ["country"]  # re-shaped from the page already fetched
    assert all(set(r) == {"id", "country"} for r in grid.rows) and grid.labels == {"country": "Country"}


def test_select_all_across_pages_untick_some_and_set_non_marketing(app, tmp_path):
    nl = make(app, 60)
    be = make(app, 15, country="Belgium", start=100)
    nl_non = make(app, 5, status="non-marketing", start=200)
    notified = []
    app.on_change(lambda: notified.append(1))
    panel = panel_for(app, tmp_path)
    grid, acts = panel.grid, panel.actions
    panel.builder.filter = NL  # the FilterBuilder drives the grid
    assert grid.filter == NL and grid.total == 65

    grid.page_size = 25
    grid.all_matching = True  # "Select all 65 contacts matching"
    assert grid.selected_count == 65 and grid.checked == grid.page_ids
    js_message(grid, event="page", to="next")
    assert grid.checked == grid.page_ids  # the next page arrives ticked
    off = grid.page_ids[3:5]
    grid.checked = [i for i in grid.page_ids if i not in off]  # two row boxes unticked
    js_message(grid, event="page", to="last")
    off.append(grid.page_ids[0])
    grid.checked = grid.page_ids[1:]
    assert grid.selected_count == 62 and grid.all_matching
    assert grid.selection() == {"filter": NL, "exclude": sorted(off)}
    js_message(grid, event="page", to="prev")
    assert set(off[:2]) & set(grid.page_ids) and not set(off[:2]) & set(grid.checked)  # still unticked
    assert len(json.dumps(grid.get_state()["checked"])) < 400  # one page of ids, never the selection

    acts.more.click()
    assert acts.menu.layout.display is None  # the menu is open
    assert not acts.set_non_marketing_button.disabled and not acts.set_marketing_button.disabled
    acts.set_non_marketing_button.click()
    assert acts.menu.layout.display == "none" and acts.confirm_box.layout.display is None
    assert acts.expected == 62
    fc = acts.pending[2]
    assert (fc.selected, fc.changes) == (62, 57)  # 5 of them are non-marketing already
    shown = dict(re.findall(r'class="(mcw-fc-[a-z-]+?)(?: mcw-(?:up|down))?" data-value="(-?\d+)"',
                            acts.forecast_html.value))
    assert shown["mcw-fc-marketing-now"] == "75" and shown["mcw-fc-marketing-at-update"] == str(75 - 57)
    assert shown["mcw-fc-marketing-change"] == "-57" and shown["mcw-fc-non-marketing-change"] == "57"
    assert shown["mcw-fc-tier-now"] == shown["mcw-fc-tier-at-update"]
    assert "26 Dec 2026" in acts.forecast_html.value and "62" in acts.prompt.value

    for wrong in ("", "61", "63", "62 contacts", "6 2x", "-62"):
        acts.typed.value = wrong
        assert acts.confirm_button.disabled, wrong
        # a wrong number says why Confirm stays off; nothing typed yet says nothing
        assert ("is not the number of contacts to update (62)" in acts.mismatch.value) == bool(wrong), wrong
    acts.typed.value = "<b>61</b>"
    assert "&lt;b&gt;61" in acts.mismatch.value and "<b>" not in acts.mismatch.value
    acts.confirm_button.click()  # a disabled button's click() reaches the handler: it must refuse
    assert pending_ids(app, nl + be + nl_non) == set() and acts.result is None and not notified

    acts.typed.value = " 62 "
    assert not acts.confirm_button.disabled and acts.mismatch.value == ""
    acts.confirm_button.click()
    assert acts.error_html.value == "" and acts.result.changed == 57 and acts.result.matched == 62
    assert pending_ids(app, nl + be + nl_non) == set(nl) - set(off)  # exactly the filter minus the unticked
    assert all(s == ("marketing", False) for s in statuses(app, off + be).values())
    assert all(s == ("non_marketing", False) for s in statuses(app, nl_non).values())
    assert notified  # the App told every view (the dashboard refreshes)
    assert 'data-value="57"' in acts.result_html.value and "26 Dec 2026" in acts.result_html.value
    assert acts.confirm_box.layout.display == "none" and not grid.busy
    assert (grid.selected_count, grid.all_matching, grid.checked) == (0, False, [])
    assert acts.set_non_marketing_button.disabled  # nothing selected any more
    js_message(grid, event="page", to="first")
    yes = {r["id"] for r in grid.rows if r["pending_non_marketing"] == "Yes"}
    assert yes == set(grid.page_ids) & (set(nl) - set(off))  # the grid shows the new states


def test_ticked_rows_on_two_pages_set_as_marketing(app, tmp_path):
    ids = make(app, 40, status="non-marketing")
    panel = panel_for(app, tmp_path)
    grid, acts = panel.grid, panel.actions
    grid.page_size = 25
    grid.checked = grid.page_ids[:3]  # three row boxes
    js_message(grid, event="page", to="next")
    grid.checked = grid.page_ids[-2:]
    chosen = grid.selection()["ids"]
    assert len(chosen) == 5 and grid.selected_count == 5
    grid.tick(chosen[-1], False)
    assert grid.selected_count == 4
    acts.set_marketing_button.click()
    assert acts.expected == 4 and acts.pending[0] == SET_MARKETING
    acts.typed.value = "4"
    acts.confirm_button.click()
    assert {i for i, s in statuses(app, ids).items() if s[0] == "marketing"} == set(chosen[:4])


def test_the_heading_checkbox_selects_the_page(app, tmp_path):
    make(app, 30)
    grid = ContactGrid(app, page_size=25)
    grid.checked = grid.page_ids  # heading box
    assert grid.selected_count == 25 and not grid.all_matching
    grid.checked = []
    assert grid.selected_count == 0
    grid.tick_page(True)
    js_message(grid, event="clear")  # "Clear selection"
    assert (grid.selected_count, grid.checked, grid.selection()) == (0, [], None)


def test_a_new_filter_clears_the_selection(app, tmp_path):
    make(app, 10)
    make(app, 4, country="Belgium", start=50)
    panel = panel_for(app, tmp_path)
    grid = panel.grid
    grid.all_matching = True
    assert grid.selected_count == 14
    panel.builder.filter = BE
    assert (grid.total, grid.selected_count, grid.all_matching) == (4, 0, False)


def test_typed_numbers_ignore_thousands_separators():
    for text in ("1234", "1,234", "1.234", "1 234", "1\u202f234", "1'234", " 1_234 "):
        assert parse_typed_number(text) == 1234, text
    for text in ("", "12a", "-5", "1.2e3", "twelve"):
        assert parse_typed_number(text) is None, text


def test_typed_number_with_separators_confirms_a_thousand(app, tmp_path):
    make(app, 3)
    panel = panel_for(app, tmp_path)
    grid, acts = panel.grid, panel.actions
    grid.all_matching = True
    acts.set_non_marketing_button.click()
    acts.expected = 1_003  # as if 1,003 were selected: the dialog compares with this number
    acts.typed.value = "1,003"
    assert not acts.confirm_button.disabled
    acts.typed.value = "1.003"
    assert not acts.confirm_button.disabled
    acts.typed.value = "1,030"
    assert acts.confirm_button.disabled


def test_without_the_permission_set_as_marketing_is_disabled_and_refused(ctx, tmp_path):
    admin = App(ctx, "admin")
    ids = make(admin, 30, status="non-marketing")
    bob = App(ctx, "bob")
    panel = panel_for(bob, tmp_path)
    grid, acts = panel.grid, panel.actions
    grid.tick_page(True)
    acts.more.click()
    assert acts.set_marketing_button.disabled
    assert "Edit marketing contacts" in acts.set_marketing_button.tooltip
    assert "Edit marketing contacts" in acts.menu_note.value and acts.menu_note.layout.display is None
    assert not acts.set_non_marketing_button.disabled  # bob may still stop paying for contacts
    acts.set_marketing_button.click()  # click() runs even on a disabled button: the panel refuses
    assert acts.pending is None and "Edit marketing contacts" in acts.error_html.value
    with pytest.raises(PermissionDenied):  # and the service refuses bob anyway
        bob.set_marketing(**grid.selection())
    assert all(s == ("non_marketing", False) for s in statuses(admin, ids).values())

    alice = panel_for(App(ctx, "alice"), tmp_path)
    alice.grid.tick_page(True)
    assert not alice.actions.set_marketing_button.disabled


def test_a_refused_update_shows_the_services_message(app, tmp_path, monkeypatch):
    make(app, 5)
    panel = panel_for(app, tmp_path)
    grid, acts = panel.grid, panel.actions
    grid.tick_page(True)
    acts.set_non_marketing_button.click()

    def refuse(**_kw):
        raise Conflict("the contacts are <locked> right now")

    monkeypatch.setattr(app, "set_non_marketing", refuse)
    acts.typed.value = "5"
    acts.confirm_button.click()
    assert "The update failed: the contacts are &lt;locked&gt; right now" in acts.error_html.value
    assert not acts.running and not grid.busy and not acts.confirm_button.disabled  # may try again
    assert grid.selected_count == 5 and acts.result is None


def test_saved_view_round_trip(app, tmp_path):
    make(app, 12)
    be = make(app, 6, country="Belgium", start=40)
    panel = panel_for(app, tmp_path)
    panel.builder.filter = BE
    js_message(panel.grid, event="sort", column="email")
    js_message(panel.grid, event="sort", column="email")  # descending
    panel.columns_input.value = ["Email", "Country", "Marketing contact status"]  # the Columns tags (filter labels)
    assert panel.grid.columns == ["email", "country", "marketing_status"]
    panel.view_name.value = "Belgians"
    panel.save_button.click()
    assert "Saved view" in panel.view_message.value
    stored = app.view("Belgians")
    assert stored.filter == BE and stored.sort == {"column": "email", "descending": True}
    assert stored.columns == ["email", "country", "marketing_status"]
    assert panel.view_select.value == "Belgians"

    fresh = panel_for(app, tmp_path)
    assert fresh.grid.total == 18 and fresh.grid.columns == list(DEFAULT_COLUMNS)
    assert ("Belgians", "Belgians") in fresh.view_select.options
    fresh.view_select.value = "Belgians"  # pick it in the dropdown
    assert fresh.builder.filter == BE and fresh.grid.filter == BE
    assert (fresh.grid.sort, fresh.grid.descending, fresh.grid.total) == ("email", True, 6)
    assert fresh.grid.columns == ["email", "country", "marketing_status"]
    assert list(fresh.columns_input.value) == ["Email", "Country", "Marketing contact status"]
    assert fresh.grid.page_ids == sorted(be, key=lambda i: app.contact(i)["email"], reverse=True)

    fresh.view_name.value = ""
    fresh.view_select.value = ""
    fresh.save_button.click()
    assert "Type a name" in fresh.view_message.value


def test_the_view_name_error_clears_when_a_name_is_typed(app, tmp_path):
    make(app, 3)
    panel = panel_for(app, tmp_path)
    panel.view_name.value = ""
    panel.save_button.click()
    assert "Type a name" in panel.view_message.value  # next to the name box and the Save view button
    views = next(w for w in panel.children if "mcw-views" in getattr(w, "_dom_classes", ()))
    assert panel.view_name in views.children and panel.view_message in views.children
    panel.view_name.value = "   "
    assert "Type a name" in panel.view_message.value  # blanks are still no name
    panel.view_name.value = "Dutch"
    assert panel.view_message.value == ""
    panel.save_button.click()
    assert "Saved view" in panel.view_message.value
    panel.view_name.value = "Other"  # typing does not hide a result that is not a name error
    assert "Saved view" in panel.view_message.value


def test_export_writes_the_selection_or_the_filter(app, tmp_path):
    nl = make(app, 30)
    make(app, 5, country="Belgium", start=60)
    panel = panel_for(app, tmp_path)
    grid, acts = panel.grid, panel.actions
    grid.page_size = 25
    grid.checked = grid.page_ids[:2]
    js_message(grid, event="page", to="next")
    grid.checked = grid.page_ids[:1]
    chosen = grid.selection()["ids"]
    acts.export_button.click()
    path = acts.export_path
    assert path is not None and path.parent == tmp_path / "exports"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(int(r["Record ID"]) for r in rows) == chosen
    assert {r["Email"] for r in rows} == {app.contact(i)["email"] for i in chosen}
    assert str(path) in acts.export_result.value.replace("&#39;", "'")
    href = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', acts.export_result.value).group(1)
    assert base64.b64decode(href) == path.read_bytes()

    js_message(grid, event="clear")
    panel.builder.filter = NL  # nothing ticked: the whole filter
    acts.export_button.click()
    second = acts.export_path
    assert second != path
    with open(second, newline="", encoding="utf-8") as f:
        assert sorted(int(r["Record ID"]) for r in csv.DictReader(f)) == sorted(nl)


def test_the_grid_follows_changes_made_elsewhere(app):
    ids = make(app, 8)
    grid = ContactGrid(app)
    assert {r["pending_non_marketing"] for r in grid.rows} == {"No"}
    app.set_non_marketing(ids[:3])  # e.g. the wizard, or the CLI in this kernel
    assert sum(r["pending_non_marketing"] == "Yes" for r in grid.rows) == 3
    app.create_contact("late@example.com", last_name="Aaron")
    assert grid.total == 9 and grid.rows[0]["email"] == "late@example.com"


def test_one_page_of_state_stays_small(app, capsys):
    app.demo(contacts=300, seed=5)  # realistic names: accents, long emails, markup in some
    grid = ContactGrid(app)
    assert len(grid.rows) == 50 and grid.total == 300
    state = grid.get_state()
    size = len(json.dumps(state))
    page_only = len(json.dumps({k: v for k, v in state.items() if k not in ("_esm", "_css")}))
    code = size - page_only
    with capsys.disabled():
        print(f"\n[grid state] 50-row page: {size:,} bytes in all; {page_only:,} page data + {code:,} grid.js/css")
    assert size < 24_000  # grid.js + css (~16 KB with the record and count states) and one page
    grid.page_size = 100
    assert len(json.dumps(grid.get_state())) < 40_000  # grows with the page, not with the table


def test_the_dashboard_has_the_contacts_tab(app):
    make(app, 3)
    dash = build_dashboard(app)
    panel = dash.select("Contacts")
    assert isinstance(panel, ContactsPanel) and panel.grid.total == 3


def test_paging_on_reuses_the_count_and_an_action_recounts(app):
    ids = make(app, 30)
    grid = ContactGrid(app, page_size=25)
    seen = []
    page = app.page

    def spy(*args, **kwargs):
        seen.append((kwargs["position"], kwargs.get("total")))
        return page(*args, **kwargs)

    app.page = spy
    grid.reload()  # the first page counts
    grid.go("next")
    grid.go("last")
    assert seen == [("first", None), ("next", 30), ("last", 30)]
    app.set_non_marketing(ids[:1])  # an action: the grid refreshes and counts again
    assert seen[-1] == ("last", None)
    assert grid.total == 30


def test_cells_read_yes_no_and_the_kits_dates_in_the_accounts_zone(app, clock):
    """Issue 15 item 6: booleans Yes/No, date-times "3 Jun 2026 13:00" in the account's zone."""
    from datetime import datetime, timezone

    from mcwidgets.widgets.grid import heading

    app.configure_account(timezone="Europe/Amsterdam")
    cid = app.create_contact("d@example.com", status="marketing",
                                last_activity_at=datetime(2026, 6, 3, 11, 0, tzinfo=timezone.utc))
    grid = ContactGrid(app, columns=["email", "created_at", "last_activity_at", "hard_bounced", "unsubscribed"])
    row = next(r for r in grid.rows if r["id"] == cid)
    assert row["created_at"] == "26 Nov 2026 13:00"  # 12:00 UTC is 13:00 in Amsterdam in November
    assert row["last_activity_at"] == "3 Jun 2026 13:00"  # summer time: UTC+2
    assert (row["hard_bounced"], row["unsubscribed"]) == ("No", "No")
    assert grid.labels["created_at"] == heading("created_at") == "Create date"


def test_column_picker_names_are_the_filters_property_labels(app, tmp_path):
    from mcwidgets.domain.filters.model import PROPERTIES

    filter_labels = {p.name: p.label for p in PROPERTIES.values()}
    panel = panel_for(app, tmp_path)
    assert "Create date" in panel.columns_input.allowed_tags and "Created" not in panel.columns_input.allowed_tags
    for name in COLUMNS:
        if name in filter_labels:
            assert filter_labels[name] in panel.columns_input.allowed_tags, name
    panel.columns_input.value = ["Email", "Create date", "Hard bounced"]
    assert panel.grid.columns == ["email", "created_at", "hard_bounced"]


def test_the_grid_code_is_sent_without_its_indentation():
    """compact() drops only indentation and blank lines: each line of grid.js/css, stripped, in order."""
    from mcwidgets.widgets.grid import STATIC

    for name, sent in (("grid.js", ContactGrid._esm), ("grid.css", ContactGrid._css)):
        source = (STATIC / name).read_text(encoding="utf-8")
        assert sent.splitlines() == [line.strip() for line in source.splitlines() if line.strip()]
        assert len(sent) < len(source) - 50
    js = (STATIC / "grid.js").read_text(encoding="utf-8")
    literals = re.findall(r"`[^`]*`", js)
    assert js.count("`") == 2 * len(literals)  # template literals pair up ...
    assert not [t for t in literals if "\n" in t]  # ... and none spans lines, so indentation is never text
