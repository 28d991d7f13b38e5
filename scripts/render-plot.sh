#!/usr/bin/env bash
# Rasterises an SVG (or HTML) file to PNG with headless Chromium, to look at a plot by eye.
# Not part of `npm test`. Needs Debian's chromium (apt-get install -y chromium).
#
# usage: scripts/render-plot.sh FILE.svg [OUT.png] [WIDTHxHEIGHT]
#   OUT.png defaults to FILE.png beside the input; the window defaults to the SVG's own size (from its
#   width/height attributes), else 900x600.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 FILE.svg [OUT.png] [WIDTHxHEIGHT]" >&2
  exit 2
fi
in=$1
out=${2:-${in%.*}.png}
[ -f "$in" ] || { echo "$0: no such file: $in" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "$0: chromium not found (Debian: apt-get install -y chromium)" >&2; exit 1; }

size=${3:-}
if [ -z "$size" ]; then
  # The root <svg width="W" height="H"> that Vega writes; HTML falls back to 900x600.
  w=$(grep -o -m1 '<svg[^>]*' "$in" | grep -o ' width="[0-9.]*"' | head -1 | grep -o '[0-9.]*' || true)
  h=$(grep -o -m1 '<svg[^>]*' "$in" | grep -o ' height="[0-9.]*"' | head -1 | grep -o '[0-9.]*' || true)
  if [ -n "$w" ] && [ -n "$h" ] && [ "${in##*.}" = svg ]; then size="${w%.*}x${h%.*}"; else size=900x600; fi
fi

abs_in=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --no-first-run --hide-scrollbars --screenshot="$abs_out" --window-size="${size/x/,}" "file://$abs_in" >/dev/null 2>&1
echo "$abs_out"
