"""The committed example notebooks stay small, clean and really checked by nbval.

nbval runs them (``--nbval-lax`` in pyproject.toml); ``notebooks/refresh_outputs.py``
re-executes and saves them; these tests check what is committed: no widget state (a FigureWidget's state embeds plotly.js, ~5 MB), no
bulky outputs, stored outputs for every ``# NBVAL_CHECK_OUTPUT`` cell (a checked
cell without outputs would be compared against nothing), no stored errors, and the
pytest settings that make ``pytest`` run them in this environment's kernel.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
MAX_BYTES = 200_000
MAX_OUTPUT_CHARS = 20_000  # one output's data: sentences and small tables, not blobs
EXAMPLES = ("quickstart", "filters_lists_views", "wizard", "bulk_actions", "workflows", "usage_and_tiers")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # random model ids; "model not found" without state
NOT_RUN = {"dashboard.ipynb"}  # the Voila page; see notebooks/conftest.py

paths = sorted(p for p in NOTEBOOKS.glob("*.ipynb") if p.name not in NOT_RUN)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def test_the_example_notebooks_are_there():
    assert {p.stem for p in paths} >= set(EXAMPLES)


@pytest.mark.parametrize("path", paths, ids=lambda p: p.name)
def test_small_and_without_widget_state(path):
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{path.name} is {size:,} bytes: strip widget state and bulky outputs"
    nb = load(path)
    assert "widgets" not in nb.get("metadata", {}), f"{path.name} holds widget state (metadata.widgets)"
    text = path.read_text(encoding="utf-8")
    assert WIDGET_STATE not in text and WIDGET_VIEW not in text, f"{path.name}: save it with refresh_outputs.py"
    assert "plotly.js v" not in text and "window.PlotlyConfig" not in text, f"{path.name} embeds plotly.js"
    for i, cell in enumerate(nb["cells"]):
        assert "execution" not in cell.get("metadata", {}), f"{path.name} cell {i} stores execution timings"
        for out in cell.get("outputs", []):
            for mime, data in out.get("data", {}).items():
                n = len(data if isinstance(data, str) else json.dumps(data))
                assert n < MAX_OUTPUT_CHARS, f"{path.name} cell {i}: a {mime} output of {n:,} characters"


@pytest.mark.parametrize("path", paths, ids=lambda p: p.name)
def test_checked_cells_have_outputs_and_nothing_failed(path):
    nb = load(path)
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    checked = 0
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        outputs = cell.get("outputs", [])
        assert not [o for o in outputs if o.get("output_type") == "error"], f"{path.name} cell {i} stored an error"
        assert not [o for o in outputs if o.get("name") == "stderr"], f"{path.name} cell {i} stored stderr output"
        if "# NBVAL_CHECK_OUTPUT" in source(cell):
            checked += 1
            assert outputs, f"{path.name} cell {i} is marked NBVAL_CHECK_OUTPUT but has no stored output"
    assert checked >= 3, f"{path.name}: only {checked} cells are checked"


@pytest.mark.parametrize("path", paths, ids=lambda p: p.name)
def test_throwaway_database_and_fixed_clock(path):
    code = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "code")
    assert "tempfile" in code and "now=" in code, f"{path.name}: use a temporary database and a fixed clock"
    assert "sqlalchemy" not in code, f"{path.name}: use the public API, not SQLAlchemy"


def test_pytest_runs_the_notebooks_in_this_environment():
    opts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "notebooks" in opts["testpaths"]
    assert "--nbval-lax" in opts["addopts"].split()
    # nbval starts the kernel with this interpreter rather than whatever "python3" resolves to
    assert "--nbval-current-env" in opts["addopts"].split()
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    spec = NbvalKernelspecManager().get_kernel_spec(CURRENT_ENV_KERNEL_NAME)
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()
