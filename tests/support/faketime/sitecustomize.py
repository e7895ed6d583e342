"""Loaded only by the far-off-date run of the test command (scripts/test.sh puts this
folder on PYTHONPATH under libfaketime).

With FAKETIME_DONT_FAKE_MONOTONIC=1 (needed: a faked monotonic clock makes timed
waits hang), Debian's libfaketime 0.9.10 makes ``time.sleep`` fail with EINVAL
(Python sleeps to an absolute monotonic deadline). Retry such a sleep as a timed
wait, which works.
"""

import errno
import threading
import time

_sleep = time.sleep


def _sleep_under_faketime(seconds: float) -> None:
    try:
        _sleep(seconds)
    except OSError as e:
        if e.errno != errno.EINVAL:
            raise
        threading.Event().wait(seconds)


time.sleep = _sleep_under_faketime
