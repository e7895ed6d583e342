"""Slow reads off the kernel's thread: run the work in a worker thread, apply its result on the kernel.

A *runner* is a callable ``runner(work, done)``: it calls ``work()`` (which opens its
own database session: every App read does) and then ``done(result, error)`` with the
result, or ``(None, exception)`` when ``work`` raised. Widgets take a runner so tests can
decide when (and in which order) background work finishes.

* :func:`inline` runs both at once, in the caller (plain Python, tests, notebooks whose
  outputs must not depend on timing);
* :func:`in_background` runs ``work`` in a daemon thread and ``done`` on the kernel's IO
  loop (``kernel.io_loop.add_callback``, thread-safe), so widget state only changes on
  the kernel's own thread, between the messages it handles. Without a running kernel
  (no IPython kernel in this process) there is nothing to keep responsive: it runs inline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .panel_kit import log_failure

Done = Callable[[object, BaseException | None], None]
Runner = Callable[[Callable[[], object], Done], None]


def _call(work: Callable[[], object]) -> tuple[object, BaseException | None]:
    try:
        return work(), None
    except Exception as e:  # handed to done(), which shows it
        return None, e


def _finish(done: Done, result, error) -> None:
    try:
        done(result, error)
    except Exception as e:  # never raise into the IO loop
        log_failure("applying background work failed", e)


def inline(work: Callable[[], object], done: Done) -> None:
    """Run ``work`` and then ``done`` now, in the caller."""
    _finish(done, *_call(work))


def kernel_loop():
    """The running IPython kernel's IO loop (its main thread), or None outside a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    return getattr(kernel, "io_loop", None)


def in_background(work: Callable[[], object], done: Done, *, loop=None) -> None:
    """Run ``work`` in a daemon thread, then ``done`` on ``loop`` (default: the kernel's IO
    loop; inline when there is none)."""
    loop = loop if loop is not None else kernel_loop()
    if loop is None:
        inline(work, done)
        return

    def worker() -> None:
        result, error = _call(work)
        loop.add_callback(_finish, done, result, error)

    threading.Thread(target=worker, name="mcwidgets-background", daemon=True).start()


__all__ = ["Runner", "in_background", "inline", "kernel_loop"]
