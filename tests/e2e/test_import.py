"""The Import tab in Chromium: upload a CSV with a bad row, see the recognised columns and the
forecast, import, download the bad rows' report, and see the new counts on the Overview.
Its own database and server (the import changes counts other browser tests compare with)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mcwidgets.app import App
from tests.e2e.conftest import NOW, open_dashboard, serving

pytestmark = pytest.mark.e2e

SELECTED = "s => s.options[s.selectedIndex].text.replace(/\\u00a0/g, ' ')"
XSS = "<img src=x onerror=window.__xss=5>"
CSV = ("Email,First Name,Last Name,Marketing contact status,Favourite colour\n"
       "upload1@example.com,Ada,Upload,marketing,green\n"
       "upload2@example.com,Bea,Upload,non-marketing,\n"
       f"{XSS},=HYPERLINK(\"http://evil\"),Bad,marketing,red\n"
       "upload3@example.com,Cy,Upload,,blue\n")


@pytest.fixture(scope="module")
def import_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("import-e2e")
    db_url = f"sqlite:///{folder / 'import.db'}"
    app = App.open(db_url, now=NOW, user="admin")
    app.demo(contacts=200, seed=7)
    app.close()
    return {"url": db_url, "folder": folder}


@pytest.fixture(scope="module")
def admin_server(import_db):
    with serving(import_db["url"], import_db["folder"], "admin") as url:
        yield url


def status(db_url):
    app = App.open(db_url, now=NOW, user="admin")
    try:
        return app.status()
    finally:
        app.close()


def test_upload_a_csv_with_a_bad_row_forecast_import_and_report(browser, admin_server, import_db, tmp_path):
    before = status(import_db["url"])
    path = tmp_path / "new contacts.csv"
    path.write_text(CSV, encoding="utf-8")
    d = open_dashboard(browser, admin_server)
    page = d.page
    try:
        d.show("Import")
        with page.expect_file_chooser() as chooser:
            page.locator(".mcw-imp-upload").click()
        chooser.value.set_files(str(path))

        # the recognised columns, and the forecast of the dry run
        forecast = page.locator(".mcw-imp-forecast")
        expect(forecast.locator(".mcw-imp-rows")).to_have_attribute("data-value", "4", timeout=60_000)
        assert forecast.locator(".mcw-imp-created").get_attribute("data-value") == "3"
        assert forecast.locator(".mcw-imp-bad").get_attribute("data-value") == "1"
        assert forecast.locator(".mcw-imp-marketing").get_attribute("data-value") == "1"
        assert forecast.locator(".mcw-imp-fc-marketing-after").get_attribute("data-value") == str(before.marketing + 1)
        assert forecast.locator(".mcw-imp-bad-rows", has_text=XSS).count() == 1  # shown as text
        columns = page.locator(".mcw-imp-col")
        assert columns.count() == 5
        email = columns.nth(0)
        assert "Email" in email.inner_text()
        assert email.locator("select").evaluate(SELECTED) == "Email"
        assert columns.nth(4).locator("select").evaluate(SELECTED) \
            == "Ignore this column"
        page.screenshot(path=str(tmp_path / "forecast.png"), full_page=True)

        # import: the result, the report to download
        page.locator(".mcw-imp-run").click()
        result = page.locator(".mcw-imp-result")
        expect(result.locator(".mcw-imp-done-created")).to_have_attribute("data-value", "3", timeout=60_000)
        assert result.locator(".mcw-imp-done-bad").get_attribute("data-value") == "1"
        expect(page.locator(".mcw-imp-bar")).to_be_visible()
        link = page.locator("a.mcw-imp-report-link")
        expect(link).to_be_visible()
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "new_contacts.errors.csv"
        report = open(download.value.path(), encoding="utf-8").read().splitlines()
        assert report[0] == "Email,First Name,Last Name,Marketing contact status,Favourite colour,error"
        assert report[1].startswith(f'{XSS},"\'=HYPERLINK(""http://evil"")",Bad,marketing,red,row 4: invalid email')

        # the store and the Overview have the new counts
        after = status(import_db["url"])
        assert (after.total, after.marketing) == (before.total + 3, before.marketing + 1)
        d.show("Overview")
        expect(page.locator(".mcw-count-total .mcw-value")).to_have_attribute("data-value", str(after.total))
        expect(page.locator(".mcw-count-marketing .mcw-value")).to_have_attribute("data-value",
                                                                                  str(after.marketing))
        assert page.evaluate("() => typeof window.__xss") == "undefined"
        assert d.errors == [] and d.blocked == []
    except Exception:
        d.screenshots("import")
        raise
    finally:
        page.context.close()
