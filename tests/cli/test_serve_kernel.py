"""`mcwidgets serve` checks that the dashboard's kernel can start before it serves
(without one every page would be a bare 500), and the 500 page says what happened."""

import json
from pathlib import Path

from mcwidgets import kernel_check, serve
from mcwidgets.app import App
from mcwidgets.cli import main

NOW = "2026-11-26T12:00:00+00:00"


def test_the_kernel_of_this_environment_is_fine():
    assert kernel_check.kernel_problem() is None


def test_a_missing_kernel_says_to_install_ipykernel():
    problem = kernel_check.kernel_problem("mcw-no-such-kernel")
    assert "no Jupyter kernel 'mcw-no-such-kernel'" in problem and "pip install ipykernel" in problem


def test_a_kernel_whose_python_lacks_mcwidgets_is_named(tmp_path, monkeypatch):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'mcwidgets'\" >&2\nexit 1\n")
    fake.chmod(0o755)
    spec = tmp_path / "share" / "kernels" / "mcw-broken"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": [str(fake), "-m", "ipykernel_launcher", "-f",
                                                           "{connection_file}"],
                                                  "display_name": "broken", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share"))
    problem = kernel_check.kernel_problem("mcw-broken")
    assert str(fake) in problem and "No module named 'mcwidgets'" in problem


def test_serve_stops_with_a_sentence_before_creating_data_or_announcing(sqlite_url, capsys, monkeypatch):
    monkeypatch.setattr(kernel_check, "KERNEL", "mcw-no-such-kernel")
    code = main(["--db", sqlite_url, "--now", NOW, "serve", "--no-browser", "--demo-contacts", "50"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "cannot serve the dashboard" in err and "pip install ipykernel" in err and "Traceback" not in err
    assert "http://" not in out + err  # no URL announced
    assert App.open(sqlite_url, now=NOW).status().total == 0  # no demo data made for nothing


def test_the_500_page_of_the_template_is_a_sentence():
    page = Path(serve.TEMPLATES_ROOT) / "voila" / "templates" / serve.TEMPLATE / "500.html"
    text = page.read_text()
    assert "could not be opened" in text and "mcwidgets serve" in text and "message | e" in text
