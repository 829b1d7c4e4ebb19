#!/usr/bin/env bash
# The first pages of the demo policy in both designs, as PNGs for the README: docs/pages/
#   standard-N.png   policygen render ... --theme standard (the default)
#   handbook-N.png   policygen render ... --theme handbook
# Both with the example brand (tests/fixtures/brand: logo, colours, font), so the two designs
# are compared on the same brand. Run it after changing the page template or the CSS, and
# commit the PNGs with the change. Needs pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."

policygen=${POLICYGEN:-.venv/bin/policygen}
pages=${PAGES:-3}
out=docs/pages
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1798761600  # the same PDF bytes every run, so the PNGs only change with the design

mkdir -p "$out"
for theme in standard handbook; do
  "$policygen" render examples/demo/answers.yaml --brand tests/fixtures/brand/brand.yaml --theme "$theme" \
    -f pdf -d policy -o "$work/$theme" >/dev/null 2>"$work/$theme.log" || { cat "$work/$theme.log" >&2; exit 1; }
  rm -f "$out/$theme"-*.png
  pdftoppm -png -r 50 -f 1 -l "$pages" "$work/$theme/policy.pdf" "$work/$theme/page"
  number=1
  for png in "$work/$theme"/page-*.png; do
    mv "$png" "$out/$theme-$number.png"
    number=$((number + 1))
  done
done
ls "$out"
