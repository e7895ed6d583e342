"""Before serving: can Voila start the dashboard's Python kernel?

Without a kernel every page is a bare "500" and the reason is only in the server
log (Voila does not install ipykernel itself). ``mcwidgets serve`` asks here first
and stops with a sentence that says what to install, before it announces a URL.
"""

from __future__ import annotations

import subprocess
import sys

from .domain.errors import McError

KERNEL = "python3"  # the kernel named in notebooks/dashboard.ipynb


class KernelUnavailable(McError):
    """The dashboard's kernel cannot start in this environment."""


def kernel_problem(name: str | None = None, timeout: float = 60.0) -> str | None:
    """None when the kernel ``name`` exists and its Python imports ipykernel and
    mcwidgets; else a sentence saying what is wrong and what to do."""
    name = name or KERNEL
    install = f"`{sys.executable} -m pip install ipykernel`"
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return f"jupyter_client is not installed for {sys.executable}: reinstall mcwidgets (pip install mcwidgets)"
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return f"no Jupyter kernel {name!r} for {sys.executable}: install ipykernel ({install})"
    python = spec.argv[0] if spec.argv else ""
    if python in ("python", f"python{sys.version_info[0]}", "python%d.%d" % sys.version_info[:2]):
        python = sys.executable  # as jupyter_client launches it
    try:
        done = subprocess.run([python, "-c", "import ipykernel, mcwidgets"], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"the Jupyter kernel {name!r} ({python}) cannot be started: {e}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
        return (f"the Jupyter kernel {name!r} runs {python}, which cannot load the dashboard ({last}); "
                f"install mcwidgets and ipykernel into that Python, or serve from its environment")
    return None


def require_kernel(name: str | None = None) -> None:
    problem = kernel_problem(name)
    if problem:
        raise KernelUnavailable(f"cannot serve the dashboard: {problem}")
