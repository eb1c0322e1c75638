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
