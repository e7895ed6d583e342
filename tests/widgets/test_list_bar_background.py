"""Issue 16 item 5: after another view's action the list bar reads the lists again (an
active list's count is a count over the contacts: seconds at 10,000,000) with a background
runner, shows "Updating the lists…" meanwhile, applies only the newest read and shows a
failure in its message line (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from mcwidgets.app import App
from mcwidgets.widgets.background import in_background
from mcwidgets.widgets.contacts_panel import ContactsPanel
from mcwidgets.widgets.list_bar import UPDATING
from tests.widgets.test_grid_counting import Deferred
from tests.widgets.test_list_bar import NL, make, message


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def bar_with(app, tmp_path, runner):
    panel = ContactsPanel(app, debounce=0, export_dir=tmp_path / "exports")
    assert panel.lists._background is in_background  # the Contacts tab's (inline here: no kernel)
    panel.lists._background = runner  # the test says when the reads finish
    return panel.lists


def labels(bar) -> list[str]:
    return [label for label, _ in bar.select.options]


def test_another_views_action_reads_the_lists_in_the_background(app, tmp_path):
    make(app, 4)
    runner = Deferred()
    bar = bar_with(app, tmp_path, runner)
    app.create_list("Dutch", NL)  # e.g. the CLI or another tab: the App notifies
    assert bar.updating and UPDATING in bar.progress.value and 'role="status"' in bar.progress.value
    assert labels(bar) == ["Choose a list…"] and len(runner.jobs) == 1
    runner.run()
    assert not bar.updating and bar.progress.value == ""
    assert labels(bar) == ["Choose a list…", "Dutch (4 contacts, active)"]
    make(app, 1, start=10)  # one more Dutch contact: the active list's count is read again
    runner.run()
    assert labels(bar)[1] == "Dutch (5 contacts, active)"


def test_an_older_read_never_overwrites_a_newer_one(app, tmp_path):
    make(app, 4)
    runner = Deferred()
    bar = bar_with(app, tmp_path, runner)
    app.create_list("Dutch", NL)
    stale = runner.jobs[0][0]()  # read before the next change
    runner.jobs[0] = (lambda: stale, runner.jobs[0][1])
    make(app, 1, start=10)
    runner.run(1)  # the newer read first
    assert labels(bar)[1] == "Dutch (5 contacts, active)" and not bar.updating
    runner.run(0)  # the older one arrives late: dropped
    assert labels(bar)[1] == "Dutch (5 contacts, active)" and bar.progress.value == ""


def test_the_progress_stays_until_the_newest_read_is_in(app, tmp_path):
    make(app, 4)
    runner = Deferred()
    bar = bar_with(app, tmp_path, runner)
    app.create_list("Dutch", NL)
    make(app, 1, start=10)
    runner.run(0)
    assert bar.updating and UPDATING in bar.progress.value and labels(bar) == ["Choose a list…"]
    runner.run(0)
    assert not bar.updating and labels(bar)[1] == "Dutch (5 contacts, active)"


def test_a_failed_read_clears_the_progress_and_says_so(app, tmp_path, monkeypatch):
    make(app, 4)
    runner = Deferred()
    bar = bar_with(app, tmp_path, runner)
    app.create_list("Dutch", NL)
    monkeypatch.setattr(app, "lists", lambda: (_ for _ in ()).throw(RuntimeError("db <gone>")))
    runner.run()
    assert not bar.updating and bar.progress.value == ""
    assert "Could not read the lists: db &lt;gone&gt;" in message(bar) and "mcw-error" in message(bar)
    monkeypatch.undo()
    make(app, 1, start=20)
    runner.run()
    assert bar.message.value == "" and labels(bar)[1] == "Dutch (5 contacts, active)"


def test_the_bars_own_operation_reads_the_lists_when_it_ends(app, tmp_path):
    make(app, 4)
    runner = Deferred()
    bar = bar_with(app, tmp_path, runner)
    bar.name.value = "VIP"
    bar.create_static_button.click()
    assert runner.jobs == [] and not bar.updating  # no background read: the operation read them
    assert bar.select.value == "VIP" and "Static list “VIP” created" in message(bar)
