#!/usr/bin/env bash
# Make sure the system libraries policygen needs are present.
#
#   scripts/system-deps.sh          the libraries WeasyPrint needs to make PDFs (Pango, HarfBuzz, a font),
#                                   and Cairo (an SVG logo in a Word document)
#   scripts/system-deps.sh --tests  also the tools the test suite uses: qpdf and poppler-utils (PDF
#                                   checks), chromium and chromium-driver (axe in a headless browser),
#                                   libreoffice-writer-nogui (opens every .docx headless and converts it),
#                                   a Java runtime (the Nu HTML Checker) and npm, which then installs
#                                   the checkers themselves into .tools/ (scripts/test-tools.sh)
#
# On Debian or Ubuntu, as root (or with sudo), missing packages are installed with apt-get.
# Elsewhere it says what is missing and leaves the machine alone.
set -euo pipefail

# libcairo2: CairoSVG draws an SVG logo's PNG for Word documents.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fonts-dejavu-core fontconfig)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(qpdf poppler-utils chromium chromium-driver libreoffice-writer-nogui)
  # A Java runtime and npm only when the machine has none (any version will do).
  command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
  # Whatever happens below, fetch the HTML checkers last (they need npm, maybe installed here).
  trap 'if [[ $? -eq 0 ]]; then bash "$(dirname "$0")/test-tools.sh"; fi' EXIT
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done
else
  if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0'; then
    echo "policygen: Pango was not found; PDF output needs it (macOS: brew install pango)." >&2
  fi
  exit 0
fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "policygen: please install these Debian packages: ${missing[*]}" >&2
  echo "           sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "policygen: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
