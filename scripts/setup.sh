#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine: Node packages (from the lock file)
# and Go modules (from go.sum). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "setup: Node.js 20 or newer is required" >&2; exit 1; }
command -v go >/dev/null || { echo "setup: Go is required (functions/ is a Go module)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "setup: Python 3 is required (moto, the local AWS server some tests use)" >&2; exit 1; }
echo "== npm ci"
npm ci --no-audit --no-fund
echo "== go mod download"
(cd functions && go mod download)
echo "== Python test tools (moto) into .venv"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
echo "== sharp for linux-arm64 (the image-optimizer resizer bundles it)"
npm ci --prefix functions/image-optimizer/resizer/arm64-runtime --os=linux --cpu=arm64 --libc=glibc --ignore-scripts --no-audit --no-fund
echo "== a headless browser for the page tests (Debian's chromium)"
if command -v chromium >/dev/null || command -v google-chrome >/dev/null || [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "found: ${CHROMIUM_PATH:-$(command -v chromium || command -v google-chrome)}"
elif [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
  # Debian's own chromium (Ubuntu's is a snap stub, and CodeBuild's standard image ships Google Chrome).
  as_root=""; [ "$(id -u)" = 0 ] || as_root="sudo -n"
  $as_root apt-get install -y --no-install-recommends chromium >/dev/null || { $as_root apt-get update -qq && $as_root apt-get install -y --no-install-recommends chromium >/dev/null; }
  chromium --version
else
  echo "setup: no chromium or google-chrome found; install one, or set CHROMIUM_PATH, for the page tests" >&2
fi
