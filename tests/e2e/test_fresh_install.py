"""The README's main command on a fresh machine: mcwidgets installed into a brand-new
venv WITHOUT the test extras serves a working dashboard.

The test venv has everything (nbval brings ipykernel, for instance), so a runtime
dependency missing from pyproject.toml only shows in a venv like this one: the page
would be a 500 and this test fails. pip's cache may be used; nothing else is shared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mcwidgets.app import App
from tests.e2e.conftest import NOW, serving

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".venv", ".git", "data", "test-artifacts", "build", "*.egg-info", "__pycache__",
                              ".pytest_cache", ".hypothesis", ".pg-test")


def clean_env() -> dict[str, str]:
    """This process's environment without anything that points at the test venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith(("JUPYTER", "MCWIDGETS"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(Path(sys.prefix))))
    return env


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fresh")
    source = folder / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)  # a clean copy: no build files left in the repo
    venv = folder / "venv"
    env = clean_env()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(source)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return venv, folder, env


def test_a_venv_without_test_extras_serves_the_dashboard(bare_venv, browser):
    venv, folder, env = bare_venv
    python = venv / "bin" / "python"
    # no test extras: the test-only packages are absent from this venv
    assert subprocess.run([str(python), "-c", "import pytest"], capture_output=True, env=env,
                          cwd=folder).returncode != 0
    where = subprocess.run([str(python), "-c", "import mcwidgets; print(mcwidgets.__file__)"],
                           capture_output=True, text=True, env=env, check=True, cwd=folder).stdout
    assert str(venv) in where  # the installed copy, not the repository's

    db_url = f"sqlite:///{folder / 'fresh.db'}"  # no database yet: serve creates the demo
    with serving(db_url, folder, None, command=[str(venv / "bin" / "mcwidgets")],
                 extra=["--demo-contacts", "300"], env=env) as url:
        page = browser.new_page()
        try:
            response = page.goto(url)
            assert response.status == 200, page.content()[:2000]
            page.wait_for_selector(".mcw-count-marketing .mcw-value", timeout=90_000)
            # the chart's plotly.js comes from the installed package, served by its Voila (voila_server.py)
            page.wait_for_selector(".mcw-usage-chart .js-plotly-plot .scatterlayer .trace", timeout=90_000)
            shown = {key: int(page.locator(f".mcw-count-{key} .mcw-value").first.get_attribute("data-value"))
                     for key in ("marketing", "non-marketing")}
        finally:
            page.close()
    app = App.open(db_url, now=NOW)
    try:
        report = app.status()
    finally:
        app.close()
    assert report.total == 300
    assert shown == {"marketing": report.marketing, "non-marketing": report.non_marketing}
