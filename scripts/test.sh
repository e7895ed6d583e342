#!/usr/bin/env bash
# The test command: installs everything the tests need, then runs every test
# (unit, store and service tests on SQLite and PostgreSQL, notebooks with nbval,
# browser tests in Debian's Chromium, the main command from a fresh venv), then the
# fast part of the suite again with the clock moved years ahead (libfaketime): no
# test may depend on today's date.
# Extra arguments go to pytest and run only that (no far-off-date run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PYTHONDONTWRITEBYTECODE=1
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
.venv/bin/python -m pytest
bash scripts/test-faketime.sh
