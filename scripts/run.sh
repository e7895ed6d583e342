#!/usr/bin/env bash
# The main command: installs mcwidgets, creates the demo database under data/ if
# none exists, and serves the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/mcwidgets serve "$@"
