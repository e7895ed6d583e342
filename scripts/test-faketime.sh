#!/usr/bin/env bash
# The fast part of the suite (domain, store, services, widgets, CLI on SQLite) with
# the wall clock at a far-off date, to prove that no test and no code path reads
# today's date. PostgreSQL's server is left out (it keeps the real clock).
# FAKE_DATE overrides the date; arguments replace the default test folders.
set -euo pipefail
cd "$(dirname "$0")/.."
FAKE_DATE=${FAKE_DATE:-2031-02-28 23:30:00}
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
if [ -z "$lib" ]; then
  echo "test-faketime: libfaketime not found (apt-get install faketime; scripts/setup.sh --test does)" >&2
  exit 1
fi
export TZ=UTC LD_PRELOAD="$lib" FAKETIME="@$FAKE_DATE" FAKETIME_DONT_FAKE_MONOTONIC=1
export PYTHONPATH="$PWD/tests/support/faketime${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1
# the clock really moved (else this run would prove nothing)
year=$(.venv/bin/python -c 'import datetime; print(datetime.datetime.now(datetime.timezone.utc).year)')
if [ "$year" != "${FAKE_DATE:0:4}" ]; then
  echo "test-faketime: the clock did not move (year $year, wanted ${FAKE_DATE:0:4})" >&2
  exit 1
fi
echo "test-faketime: running the fast suite on $(.venv/bin/python -c 'import datetime; print(datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="minutes"))')"
[ $# -gt 0 ] || set -- tests/domain tests/store tests/services tests/widgets tests/cli
exec .venv/bin/python -m pytest -p no:cacheprovider -q -m "not postgres and not e2e" "$@"
