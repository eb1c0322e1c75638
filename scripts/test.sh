#!/usr/bin/env bash
# Every test: types, lint and format (ESLint, Prettier, gofmt), generated schemas, Jest (config,
# planner, pipeline, stages, handlers), cfn-lint over the synthesized sample organization, Python unittest, Go vet and tests.
# Ends with one line "total: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
echo "== tsc"
npx tsc --noEmit -p .
npx tsc --noEmit -p functions/bundled-apps/site   # the site's browser code, with the DOM library
bash scripts/lint.sh
echo "== JSON schemas are current"
npx tsx pipeline/cli/schemas.ts --check
echo "== jest"
jest_status=0
npx jest --ci --json --outputFile="$results/jest.json" "$@" || jest_status=$?
lint_status=0
if [ "$#" -eq 0 ]; then
  # Jest arguments pick a subset of tests; the whole-organization lint runs only for the full suite.
  echo "== synth the sample organization, then cfn-lint over every template"
  if npx tsx pipeline/cli/synth.ts --output "$results/cdk.out" >"$results/synth.log" 2>&1; then
    npx tsx pipeline/cli/lint-templates.ts --assembly "$results/cdk.out" || lint_status=$?
  else
    lint_status=1
    cat "$results/synth.log"
  fi
fi
echo "== python unittest (the iot-itsm Greengrass component)"
py_status=0
PYTHONDONTWRITEBYTECODE=1 python3 -m unittest discover -s functions/iot-itsm/threshold-component -p 'test_*.py' 2> "$results/python.log" || py_status=$?
tail -n 3 "$results/python.log"
echo "== go vet + go test"
go_status=0
(cd functions && go vet ./... && go test -json ./... > "$results/go.json") || go_status=$?
(cd functions && go test ./... 2>&1 | tail -n 20) || true
node -e '
  const fs = require("fs");
  const dir = process.argv[1];
  const jest = JSON.parse(fs.readFileSync(dir + "/jest.json", "utf8"));
  let goPass = 0, goFail = 0;
  const py = fs.readFileSync(dir + "/python.log", "utf8");
  const pyRan = Number((py.match(/^Ran (\d+) tests?/m) || [0, 0])[1]);
  const pyFail = (py.match(/^(FAIL|ERROR):/gm) || []).length;
  if (fs.existsSync(dir + "/go.json")) {
    for (const line of fs.readFileSync(dir + "/go.json", "utf8").split("\n")) {
      if (!line) continue;
      const e = JSON.parse(line);
      if (!e.Test) continue;
      if (e.Action === "pass") goPass++;
      if (e.Action === "fail") goFail++;
    }
  }
  console.log(`jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed; go: ${goPass} passed, ${goFail} failed; python: ${pyRan - pyFail} passed, ${pyFail} failed`);
  console.log(`total: ${jest.numPassedTests + goPass + pyRan - pyFail} passed, ${jest.numFailedTests + goFail + pyFail} failed`);
' "$results"
rm -rf "$results"
[ "$lint_status" -eq 0 ] || echo "cfn-lint: FAILED (see above)"
exit $(( jest_status != 0 ? jest_status : lint_status != 0 ? lint_status : go_status != 0 ? go_status : py_status ))
