#!/usr/bin/env bash
# The HTML checkers the test suite runs, installed with npm into .tools/ (not tracked):
#   vnu-jar   the Nu HTML Checker (vnu.jar; needs a Java runtime)
#   axe-core  the accessibility engine the tests run inside headless Chromium
# Versions are pinned so a new checker release cannot break CI overnight; raise them on purpose.
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

VNU_JAR=26.9.27
AXE_CORE=4.14.1
tools=.tools

installed() {
  local package=$1 version=$2
  [[ -f "$tools/node_modules/$package/package.json" ]] &&
    grep -q "\"version\": \"$version\"" "$tools/node_modules/$package/package.json"
}

if installed vnu-jar "$VNU_JAR" && installed axe-core "$AXE_CORE"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "policygen: npm is missing; the HTML checks (vnu, axe) need it (Debian: apt-get install npm)" >&2
  exit 0
fi
mkdir -p "$tools"
echo "policygen: installing vnu-jar@$VNU_JAR and axe-core@$AXE_CORE into $tools/" >&2
npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "vnu-jar@$VNU_JAR" "axe-core@$AXE_CORE" >/dev/null
