"""Issue 16 item 1: under ``mcwidgets serve`` the usage chart's widget state carries a
tiny loader of plotly's bundle (served by the dashboard server), not the ~5 MB bundle;
anywhere else (JupyterLab, nbval) it is plotly's own FigureWidget. Either way the chart
updates in place."""

import json
import shutil
import subprocess
import textwrap

import plotly.graph_objects as go
import pytest

from mcwidgets.app import App
from mcwidgets.widgets import figures
from mcwidgets.widgets.plotly_loader import ENV_PLOTLY_ESM, loader_esm, served_path
from mcwidgets.widgets.usage_chart import UsageChart

PATH = "mcwidgets/static/plotly-widget.js"


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def marketing_y(chart) -> list:
    return list([t for t in chart.figure.data if t.name == figures.MARKETING][0].y)


def test_outside_serve_the_chart_is_plotlys_own_figure_widget(app, monkeypatch):
    monkeypatch.delenv(ENV_PLOTLY_ESM, raising=False)
    chart = UsageChart(app)
    assert isinstance(chart.figure, go.FigureWidget)
    assert len(chart.figure.get_state()["_esm"]) > 1_000_000  # the whole plotly.js bundle


def test_under_serve_the_chart_state_carries_a_small_loader_and_updates_in_place(app, monkeypatch):
    monkeypatch.setenv(ENV_PLOTLY_ESM, PATH)
    app.create_contact("m0@example.com", status="marketing")
    chart = UsageChart(app)
    assert isinstance(chart.figure, go.FigureWidget)
    state = chart.figure.get_state()
    assert len(state["_esm"]) < 2_000
    assert json.dumps(PATH) in state["_esm"] and "import(" in state["_esm"]
    assert "mcw-usage-figure" in chart.figure._dom_classes and chart.figure._config.get("responsive") is True
    assert marketing_y(chart)[-1] == 1

    app.create_contact("m1@example.com", status="marketing")  # the chart follows the App, in place
    assert marketing_y(chart)[-1] == 2
    widget_data = [t for t in chart.figure._widget_data if t.get("name") == figures.MARKETING][0]
    assert list(widget_data["y"])[-1] == 2  # what a view created from now on starts from
    assert len(chart.figure.get_state()["_esm"]) < 2_000


@pytest.mark.parametrize("value, expected", [
    ("mcwidgets/static/plotly-widget.js", "mcwidgets/static/plotly-widget.js"),
    ("/mcwidgets/static/plotly-widget.js", "mcwidgets/static/plotly-widget.js"),
    ("", None), ("   ", None), ("../secret.js", None), ("a/../../b.js", None),
    ("http://cdn.example.com/plotly.js", None), ("a b.js", None), ("x.js?v=1", None), ('x.js";alert(1)//', None),
])
def test_served_path_accepts_only_a_plain_relative_path(value, expected):
    assert served_path({ENV_PLOTLY_ESM: value}) == expected


def test_a_malformed_value_falls_back_to_plotlys_own_widget(app, monkeypatch):
    monkeypatch.setenv(ENV_PLOTLY_ESM, "../../etc/passwd")
    assert len(UsageChart(app).figure.get_state()["_esm"]) > 1_000_000


def run_loader(tmp_path, config: str | None) -> subprocess.CompletedProcess:
    """Import the loader in node, in a document at file://.../site/page/ whose page
    config (``#jupyter-config-data``) is ``config``."""
    (tmp_path / "loader.mjs").write_text(loader_esm(PATH))
    element = "null" if config is None else "{ textContent: %s }" % json.dumps(config)
    script = textwrap.dedent(f"""
        globalThis.document = {{
          baseURI: {json.dumps((tmp_path / "site" / "page").as_uri() + "/")},
          getElementById: (id) => id === "jupyter-config-data" ? {element} : null,
        }};
        const m = await import({json.dumps((tmp_path / "loader.mjs").as_uri())});
        console.log(m.default.render());
        """)
    return subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


@needs_node
def test_the_loader_imports_the_bundle_under_the_base_url_of_the_page_config(tmp_path):
    bundle = tmp_path / "site" / "prefix" / PATH
    bundle.parent.mkdir(parents=True)
    bundle.write_text('export default { render() { return "plotly-bundle-rendered"; } };\n')
    base = (tmp_path / "site" / "prefix").as_posix() + "/"  # an absolute path, as Voila's baseUrl is
    done = run_loader(tmp_path, json.dumps({"baseUrl": base, "other": 1}))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "plotly-bundle-rendered"


@needs_node
@pytest.mark.parametrize("config", [None, "not json", '{"baseUrl": ""}'])
def test_without_a_usable_page_config_the_loader_asks_the_servers_root(tmp_path, config):
    done = run_loader(tmp_path, config)
    assert done.returncode != 0
    assert f"file:///{PATH}" in done.stderr  # "/" + PATH against the document's URL


BASIC_TRACE_TYPES = {"scatter", "bar", "pie"}  # what plotly.js-basic draws (the served bundle)


def test_the_chart_uses_only_trace_types_of_plotlys_basic_bundle(app, monkeypatch):
    monkeypatch.setenv(ENV_PLOTLY_ESM, PATH)
    app.create_contact("m0@example.com", status="marketing")
    chart = UsageChart(app)
    types = {t.type for t in chart.figure.data}
    assert types and types <= BASIC_TRACE_TYPES, types
