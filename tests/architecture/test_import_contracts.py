"""The import contracts of pyproject.toml ([tool.importlinter]) hold: the layers
(entry points > widgets > app > services > store > domain), a pure domain, widgets
that never import the store, and no import cycles inside services."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(cwd: Path, *args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = None if pythonpath is None else {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([sys.executable, "-c", LINT, "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert {c["type"] for c in contracts} == {"layers", "forbidden", "acyclic_siblings"}
    assert f"Contracts: {len(contracts)} kept, 0 broken." in run.stdout


def test_a_cycle_inside_services_breaks_the_contract(tmp_path):
    """The acyclic contract is not vacuous: the same contract over a package whose
    services import each other is broken."""
    pkg = tmp_path / "cyc"
    (pkg / "services").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "services" / "__init__.py").write_text("")
    (pkg / "services" / "a.py").write_text("def f():\n    from . import b  # a lazy import is still an import\n")
    (pkg / "services" / "b.py").write_text("from . import a\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = cyc\n\n[importlinter:contract:1]\nname = No cycles inside services\n"
        "type = acyclic_siblings\nancestors = cyc.services\ndepth = 0\n")
    run = lint_imports(tmp_path, pythonpath=tmp_path)
    assert run.returncode != 0
    assert "No cycles are allowed in cyc.services" in run.stdout
