"""Re-execute the example notebooks in place and save them clean.

    .venv/bin/python notebooks/refresh_outputs.py [NAME.ipynb ...]

Run it after a change that alters what a notebook prints, then commit the notebooks:
nbval (``pytest``, see pyproject.toml) compares the cells marked
``# NBVAL_CHECK_OUTPUT`` with the outputs stored here.

Saved clean: no widget state (a FigureWidget's state embeds plotly.js, ~5 MB), no
execution timings, and no stored widget views (their model ids are random and,
without the state, they only show "model not found"); the printed outputs stay.
``tests/notebooks/test_notebooks_clean.py`` checks the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
NOT_RUN = {"dashboard.ipynb"}  # the Voila page (see conftest.py)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean(nb) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    clean(nb)
    nbformat.write(nb, path)
    print(f"{path.name}: {path.stat().st_size:,} bytes")


def main(names: list[str]) -> int:
    paths = [HERE / n for n in names] if names else sorted(p for p in HERE.glob("*.ipynb") if p.name not in NOT_RUN)
    for path in paths:
        refresh(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
