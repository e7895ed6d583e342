"""Issue 16 item 1: which plotly widget bundle ``mcwidgets serve``'s Voila serves, and the
variable its kernels inherit (the route itself: tests/e2e/test_plotly_bundle.py)."""

import os

import pytest

from mcwidgets import serve, voila_server
from mcwidgets.widgets.plotly_loader import ENV_PLOTLY_ESM


def test_plotly_6_and_7_get_the_basic_bundle():
    assert voila_server.plotly_major() in voila_server.BASIC_BUNDLE_PLOTLY_MAJORS  # the installed one
    assert voila_server.widget_bundle() == voila_server.BASIC_BUNDLE
    text = voila_server.BASIC_BUNDLE.read_text()
    assert 1_000_000 < len(text) < 2_000_000  # plotly.js-basic, not the full 5 MB
    assert "as FigureModel" in text and "as default" in text  # what anywidget imports


def test_another_plotly_gets_its_own_bundle_and_plotly_5_none(monkeypatch, tmp_path):
    own = tmp_path / "widgetbundle.js"
    own.write_text("export default {};")
    monkeypatch.setattr(voila_server, "plotly_major", lambda: 8)
    monkeypatch.setattr(voila_server, "plotly_bundle", lambda: own)
    assert voila_server.widget_bundle() == own
    monkeypatch.setattr(voila_server, "plotly_major", lambda: 5)
    monkeypatch.setattr(voila_server, "plotly_bundle", lambda: tmp_path / "absent.js")  # plotly 5 has none
    assert voila_server.widget_bundle() is None


@pytest.mark.parametrize("bundle, expected", [(True, voila_server.PLOTLY_ESM_PATH), (False, None)])
def test_main_tells_its_kernels_where_the_bundle_is_only_when_it_serves_one(monkeypatch, tmp_path, bundle, expected):
    monkeypatch.setenv(ENV_PLOTLY_ESM, "left/over.js")
    monkeypatch.setattr(voila_server, "widget_bundle", lambda: tmp_path if bundle else None)
    launched = []
    monkeypatch.setattr(voila_server.DashboardVoila, "launch_instance",
                        classmethod(lambda cls, argv=None: launched.append((argv, os.environ.get(ENV_PLOTLY_ESM)))))
    voila_server.main(["nb.ipynb"])
    assert launched == [(["nb.ipynb"], expected)]


def test_plotlys_output_renderer_is_left_out_only_where_it_is_not_the_chart(monkeypatch):
    assert serve.voila_settings()["VoilaConfiguration.extension_denylist"] == ["jupyterlab-plotly"]
    monkeypatch.setattr(serve, "plotly_major", lambda: 5)  # plotly 5: its extension IS the FigureWidget
    assert "VoilaConfiguration.extension_denylist" not in serve.voila_settings()
