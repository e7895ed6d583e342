"""Where widget errors are logged: the server's terminal, never the page.

Inside a Voila (or Jupyter) kernel, ``sys.stderr`` is the output area of the cell
being run, so a traceback written there would be shown to the user. Details go to
the process's real stderr (``sys.__stderr__``), which Voila passes to its log;
the page gets a one-line, escaped message instead.
"""

from __future__ import annotations

import sys
import traceback


def log_exception(what: str) -> None:
    """Call from an ``except`` block: writes ``what`` and the traceback to the real stderr."""
    stream = sys.__stderr__
    if stream is None:  # pragma: no cover - no terminal at all
        return
    try:
        stream.write(f"mcwidgets: {what}\n{traceback.format_exc()}")
        stream.flush()
    except (OSError, ValueError):  # pragma: no cover - closed stream
        pass


def first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
