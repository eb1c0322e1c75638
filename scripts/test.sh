#!/usr/bin/env bash
# Every test: types, generated schemas, Jest (config, planner, pipeline, stages, handlers), Go.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== tsc"
npx tsc --noEmit -p .
echo "== JSON schemas are current"
npx tsx accounts/json-schemas.ts --check
echo "== jest"
npx jest --ci "$@"
echo "== go vet + go test"
(cd functions && go vet ./... && go test ./...)
