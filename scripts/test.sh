#!/usr/bin/env bash
# The test command: installs everything the tests need, then runs every test
# (unit, store and service tests on SQLite and PostgreSQL, notebooks with nbval,
# browser tests in Debian's Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest "$@"
