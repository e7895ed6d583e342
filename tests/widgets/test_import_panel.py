"""The Import panel driven like a user (no browser), checked against the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape
from urllib.parse import unquote

import pytest

from mcwidgets.app import App
from mcwidgets.services import usage
from mcwidgets.widgets.import_panel import ImportPanel, report_link_html
from mcwidgets.widgets.overview import OverviewPanel
from mcwidgets.widgets.panel_kit import shown

XSS = "<img src=x onerror=window.__xss=1>"
CSV = ("Email,First Name,Marketing contact status,Notes\n"
       "new1@example.com,New <b>One</b>,marketing,hello\n"
       "known0@example.com,Known,non-marketing,\n"
       f"{XSS},=cmd|' /C calc'!A0,marketing,x\n"
       "new2@example.com,Two,,\n").encode()

PEOPLE = [("marketing", 0, {"email": "known0@example.com"}), ("non_marketing", 1, {})]  # the people fixture


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def value_of(html: str, cls: str) -> int:
    m = re.search(rf'class="{re.escape(cls)}[^"]*" data-value="([^"]*)"', html)
    assert m, f"{cls} not in {html}"
    return int(m.group(1))


def uploaded(app, content=CSV, name="contacts.csv") -> ImportPanel:
    p = ImportPanel(app)
    p.load_file(name, content)
    return p


def test_upload_shows_the_recognised_columns_and_the_forecast_with_the_bad_row(app, people):
    before = usage.status(app.ctx)
    p = uploaded(app)
    assert p.state == "forecast" and shown(p.columns) and shown(p.import_button)
    assert [(dd.description, dd.value) for dd in p.dropdowns] == [
        ("Email", "email"), ("First Name", "first_name"), ("Marketing contact status", "marketing_status"),
        ("Notes", "")]  # "" = ignore this column
    assert "Ignore this column" in [label for label, _ in p.dropdowns[3].options]
    fc = p.forecast.value
    assert (value_of(fc, "mcw-imp-rows"), value_of(fc, "mcw-imp-created"), value_of(fc, "mcw-imp-updated"),
            value_of(fc, "mcw-imp-bad"), value_of(fc, "mcw-imp-marketing")) == (4, 2, 1, 1, 1)
    assert value_of(fc, "mcw-imp-tier-after") == before.tier
    assert value_of(fc, "mcw-imp-fc-marketing-now") == before.marketing
    assert value_of(fc, "mcw-imp-fc-marketing-after") == before.marketing + 1  # new1 is marketing
    assert "mcw-imp-spike" not in fc
    # contact text is escaped: the bad row's email, the samples
    assert "<img" not in fc and "&lt;img src=x onerror=window.__xss=1&gt;" in fc and "row" in fc.lower()
    assert "invalid email" in fc
    assert "Column in the file" in p.columns.children[0].value  # the table's heading row
    samples = p.columns.children[2].children[1].value
    assert "<b>" not in samples and "New &lt;b&gt;One&lt;/b&gt;" in samples
    assert usage.status(app.ctx) == before  # the forecast stored nothing


def test_import_runs_with_progress_shows_the_result_and_the_csv_safe_report(app, people):
    before = usage.status(app.ctx)
    p = uploaded(app)
    overview = OverviewPanel(app)  # another view of the same App
    seen = []
    p.bar.observe(lambda c: seen.append((c["new"], p.bar.description)), names="value")
    p.import_button.click()
    assert p.state == "done" and shown(p.result) and shown(p.bar) and p.bar.value == p.bar.max == 8
    assert seen == [(4, "Reading rows"), (8, "Applying")] and p.bar.description == "Imported"
    r = p.result.value
    assert (value_of(r, "mcw-imp-done-created"), value_of(r, "mcw-imp-done-updated"),
            value_of(r, "mcw-imp-done-bad")) == (2, 1, 1)
    after = usage.status(app.ctx)
    assert after.total == before.total + 2 and after.marketing == before.marketing + 1
    # the other views refreshed (App.changed)
    assert overview.report.total == after.total and overview.report.marketing == after.marketing
    link = re.search(r'<a class="mcw-imp-report-link" download="([^"]+)" href="data:text/csv;charset=utf-8,([^"]+)"',
                     p.report.value)
    assert link and link.group(1) == "contacts.errors.csv" and shown(p.report)
    report = unquote(unescape(link.group(2))).splitlines()
    assert report[0] == "Email,First Name,Marketing contact status,Notes,error"
    assert report[1].startswith(f"{XSS},'=cmd|' /C calc'!A0,marketing,x,row 4: invalid email")  # neutralised
    assert not shown(p.import_button) and not shown(p.check_button)  # not twice by accident
    assert p.file is None and all(dd.disabled for dd in p.dropdowns) and p.strict.disabled


def test_a_report_too_large_for_the_page_is_not_linked_and_says_how_to_get_it():
    small = report_link_html("Email,error\nx,row 2: invalid email\n", "c.csv", 1, limit=100)
    assert 'download="c.errors.csv"' in small
    big = report_link_html("Email,error\n" + "x,row 2: invalid email\n" * 10, "c.csv", 10, limit=100)
    assert "mcw-imp-report-link" not in big and "too large to download here" in big
    assert "mcwidgets import FILE --strict" in big


def test_the_other_views_refresh_after_an_import(app, people):
    p = uploaded(app)
    calls = []
    app.on_change(lambda: calls.append(usage.status(app.ctx).total))
    p.import_button.click()
    assert calls == [4]  # 2 people + 2 new contacts, read by a view after the import


@pytest.mark.parametrize("name, content, says", [
    ("contacts.xlsx", b"PK\x03\x04", "contacts.xlsx is not a CSV file"),
    ("contacts.csv", b"", "contacts.csv is empty"),
    ("contacts.csv", "Email\nRen\xe9@example.com\n".encode("latin-1"), "contacts.csv is not UTF-8 text"),
    ("contacts.csv", b'Email,"Name\n', "contacts.csv: the heading row is not usable"),
    ("contacts.csv", b"Email,Name\n\n", "contacts.csv holds no contacts: only the heading row"),
])
def test_a_bad_file_gets_one_clear_line_and_nothing_else(app, name, content, says):
    p = uploaded(app, content, name)
    assert p.state == "bad-file" and shown(p.file_error)
    text = unescape(re.sub(r"<[^>]+>", "", p.file_error.value))
    assert text.startswith(says) and "\n" not in text and "Traceback" not in text
    assert not shown(p.columns) and not shown(p.import_button) and not shown(p.check_button)
    p.load_file("ok.csv", CSV)  # a good file next clears it
    assert p.state == "forecast" and not shown(p.file_error)


@pytest.mark.parametrize("user, says", [(None, "No user: the dashboard is read-only"),
                                        ("eve", "Unknown user 'eve'")])
def test_a_user_who_may_not_import_sees_why(ctx, user, says):
    p = ImportPanel(App(ctx, user))
    assert says in unescape(p.access_note.value) and 'role="alert"' in p.access_note.value
    assert p.upload.disabled
    p.load_file("contacts.csv", CSV)
    assert p.state == "bad-file" and says in unescape(p.file_error.value)
    assert usage.status(ctx).total == 0


def test_a_user_without_the_permission_is_told_and_marketing_rows_are_bad(ctx, people):
    p = ImportPanel(App(ctx, "bob"))
    assert "bob does not have the 'Edit marketing contacts' permission" in unescape(p.access_note.value)
    assert p.as_marketing.disabled and not p.upload.disabled
    p.load_file("contacts.csv", CSV)
    assert p.state == "forecast"
    assert value_of(p.forecast.value, "mcw-imp-bad") == 2  # new1 would be set as marketing: bad for bob
    assert "no permission to set as marketing" in p.forecast.value


def test_editing_the_mapping_fixes_a_file_without_an_email_heading(app):
    p = uploaded(app, b"Mail;Name;Notes\nx@example.com;X;hi\ny@example.com;Y;\n", "mail.csv")
    assert p.state == "mapped" and "no email column" in p.mapping_problem.value
    assert p.check_button.disabled and not shown(p.import_button) and p.dry is None
    p.dropdowns[0].value = "email"
    p.dropdowns[2].value = "company"
    assert p.mapping_problem.value == "" and not p.check_button.disabled
    assert p.mapping() == {"Mail": "email", "Notes": "company"}  # only what was changed
    p.check_button.click()
    assert p.state == "forecast" and value_of(p.forecast.value, "mcw-imp-created") == 2
    p.dropdowns[2].value = ""  # a change after the forecast: it must be shown again
    assert p.state == "stale" and not shown(p.import_button) and shown(p.stale_note)
    p.dropdowns[1].value = "email"  # two columns for one property: said, no forecast
    assert "maps both 'Mail' and 'Name' to email" in unescape(p.mapping_problem.value) and p.check_button.disabled
    p.dropdowns[1].value = "first_name"
    p.check_button.click()
    p.import_button.click()
    assert p.state == "done"
    rows = {r["email"]: r for r in app.page().rows}
    assert rows["x@example.com"]["first_name"] == "X" and rows["x@example.com"].get("company") is None


def test_the_spike_guard_notice_and_a_held_import(app, people):
    app.configure_account(spike_limit=0)
    p = uploaded(app)
    assert "mcw-imp-spike" in p.forecast.value and "held" in p.forecast.value
    p.import_button.click()
    assert p.state == "done" and "Held for an admin" in p.result.value
    assert [h.count for h in app.held()] == [1]
    assert usage.status(app.ctx).total == 2  # nothing imported yet


def test_strict_with_a_bad_row_forecasts_nothing_imported(app, people):
    p = uploaded(app)
    p.strict.value = True
    assert p.state == "stale"
    p.check_button.click()
    assert "nothing would be imported" in p.forecast.value and p.import_button.disabled
    assert "contacts.errors.csv" in p.report.value  # the report of the bad rows, to fix them


def test_the_upload_control_feeds_the_panel(app, people):
    p = ImportPanel(app)
    p.upload.value = ({"name": "contacts.csv", "type": "text/csv", "size": len(CSV), "content": memoryview(CSV),
                       "last_modified": datetime(2026, 11, 1, tzinfo=timezone.utc)},)
    assert p.state == "forecast" and p.file.name == "contacts.csv"
    assert p.upload.value == ()  # the widget lets go of its copy of the file


def test_a_change_elsewhere_makes_the_forecast_out_of_date(app, people):
    p = uploaded(app)
    assert p.state == "forecast"
    app.set_non_marketing([people[0]])  # e.g. the Contacts tab, between the forecast and the import
    assert p.state == "stale" and not shown(p.import_button) and shown(p.check_button)
    p.check_button.click()
    assert p.state == "forecast"
