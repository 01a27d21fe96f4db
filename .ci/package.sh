#!/usr/bin/env bash
# Proves the package as a user meets it: packed, installed from the tarball into an empty
# project (no tsx there), then the executable, a plain .mjs import, a TypeScript file checked
# against the declarations, and vitest suites through fpcheck/vitest (one passing, one that
# must fail and show the trace).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npm run build --silent
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
mkdir "$work/app"
cp -r .ci/package-app/. "$work/app/"
cd "$work/app"
npm install --no-audit --no-fund --silent "$work/$tarball" typescript@~5.9 vitest@^4.1 @types/node@^20 >/dev/null

echo "package: no TypeScript loader installed with it"
test ! -e node_modules/tsx

echo "package: npx fpcheck run"
npx fpcheck run --design per-task-proxy,direct-exact --profile x2 --runs 40 --certify 2000 --out cx --runs-dir runs > run.out
grep -q 'Verdicts' run.out
grep -q 'direct-exact' run.out

echo "package: import from a plain .mjs"
node use.mjs

echo "package: the declarations type-check a user's design"
npx tsc --noEmit -p tsconfig.json

echo "package: a vitest suite through fpcheck/vitest"
npx vitest run good.test.mjs > good.out 2>&1 || { cat good.out; exit 1; }
if npx vitest run broken.test.mjs > broken.out 2>&1; then
  cat broken.out
  echo "package: the suite of a broken design passed" >&2
  exit 1
fi
grep -q "violated after" broken.out || { cat broken.out; exit 1; }
grep -q 'saved as' broken.out
grep -q 'replay with: replaySuite' broken.out
echo "package: all good ($tarball)"
cd "$repo"
