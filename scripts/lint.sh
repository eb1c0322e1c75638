#!/usr/bin/env bash
# Lint and format checks: ESLint (typescript-eslint, type-aware), Prettier, gofmt. `--fix` rewrites
# what the tools can fix themselves (npm run format) instead of failing on it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fix" ]; then
  npx prettier --log-level warn --write '**/*.{ts,js,mjs}'
  npx eslint --fix .
  gofmt -w functions
  exit 0
fi
echo "== eslint"
npx eslint --max-warnings 0 .
echo "== prettier"
npx prettier --log-level warn --check '**/*.{ts,js,mjs}'
echo "== gofmt"
unformatted=$(gofmt -l functions)
if [ -n "$unformatted" ]; then
  echo "gofmt: not formatted (run npm run format):"
  echo "$unformatted"
  exit 1
fi
