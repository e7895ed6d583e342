#!/usr/bin/env bash
# Rebuild mcwidgets/static/plotly-basic-widget.js (committed; the package never builds it):
# plotly.py's FigureWidget front end (widget.ts, copied from plotly.py's js/src/widget.ts,
# MIT, see LICENSE-plotly.py.txt) bundled like plotly's own package_data/widgetbundle.js,
# but over plotly.js-basic-dist-min (1.2 MB: scatter, bar, pie) instead of the full
# plotly.js (4.8 MB, 1-3 s more to evaluate in the browser on every dashboard page).
# Needs node and npm (the npm registry). Usage: bash js/plotly-basic-widget/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../mcwidgets/static/plotly-basic-widget.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/widget.ts" "$work/"
(cd "$work" && npm install --no-audit --no-fund --silent \
  && ./node_modules/.bin/esbuild --bundle --alias:plotly.js=plotly.js-basic-dist-min --format=esm --minify \
       --legal-comments=eof --outfile="$out" widget.ts)
echo "wrote $out ($(wc -c < "$out") bytes)"
