"""Import --dry-run: the whole import runs and is rolled back; the forecast is what the real run does."""

import json

from mcwidgets.app import App
from mcwidgets.cli import main
from mcwidgets.services import usage

CSV = """Email,First Name,Marketing contact status
known0@example.com,Known,non-marketing
new1@example.com,New,marketing
new2@example.com,New,
bad-email,Bad,marketing
"""


def test_import_dry_run_changes_nothing_and_predicts(ctx, tmp_path, capsys):
    from tests.services.helpers import make_contact

    make_contact(ctx, "marketing", email="known0@example.com")
    path = tmp_path / "c.csv"
    path.write_text(CSV)
    app = App(ctx, "admin")
    before = usage.status(ctx)
    dry = app.import_csv(str(path), dry_run=True)
    assert dry.dry_run and not dry.applied and dry.action_id is None
    assert (dry.created, dry.updated, dry.bad_rows) == (2, 1, 1)
    assert usage.status(ctx) == before  # nothing stored
    assert not (tmp_path / "c.csv.errors.csv").exists()
    real = app.import_csv(str(path))
    after = usage.status(ctx)
    fc = dry.forecast
    assert (fc.after.marketing, fc.after.pending, fc.after.non_marketing) == (
        after.marketing, after.pending, after.non_marketing)
    assert (fc.before.marketing, fc.before.pending) == (before.marketing, before.pending)
    assert real.created == dry.created and real.status_changed == dry.status_changed


def test_cli_import_dry_run(db_url, tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(CSV)
    run = lambda *a: main(["--db", db_url, "--now", "2026-11-26T12:00:00+00:00", *a])  # noqa: E731
    run("users", "add", "admin")
    capsys.readouterr()
    assert run("import", str(path), "--dry-run", "--as", "admin") == 0
    out = capsys.readouterr().out
    assert "3 contacts would be created" in out and "nothing was imported" in out and "Marketing contacts" in out
    run("status", "--json")
    assert json.loads(capsys.readouterr().out)["total"] == 0
