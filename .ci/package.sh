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
echo "package: ESM only, and require() says so"
if node -e "require('fpcheck')" 2> require.out; then echo "package: require('fpcheck') worked?" >&2; exit 1; fi
grep -q 'fpcheck is ESM only' require.out || { cat require.out; exit 1; }

echo "package: a design of the project's own, named in fpcheck.config.mjs"
npx fpcheck run --workers 2 --certify 2000 --out own-cx --runs-dir own-runs > own-run.out || { cat own-run.out; exit 1; }
grep -q 'my-leaky' own-run.out || { cat own-run.out; exit 1; }
npx fpcheck verify --workers 2 --out own-cx --runs-dir own-runs > own-verify.out || { cat own-verify.out; exit 1; }
grep -q 'my-leaky on x2: VIOLATED' own-verify.out || { cat own-verify.out; exit 1; }
saved=$(ls own-cx/my-leaky.x2.*.json | head -n 1)
npx fpcheck replay -q "$saved" > own-replay.out || { cat own-replay.out; exit 1; }
grep -q 'reproduces' own-replay.out
npx fpcheck report --runs-dir own-runs --out own-report > own-report.out || { cat own-report.out; exit 1; }
grep -q 'my-leaky' own-report/index.html
grep -q 'class="counterexample"' own-report/index.html
npx fpcheck run --design ./leaky-design.mjs --config fpcheck.config.mjs --runs 10 --certify 0 --workers 2 --out own-cx --runs-dir own-runs > own-design.out || { cat own-design.out; exit 1; }
if npx fpcheck run --design no-such-design > bad-design.out 2>&1; then cat bad-design.out; exit 1; fi
grep -q 'unknown design "no-such-design"; choose from my-leaky' bad-design.out || { cat bad-design.out; exit 1; }

echo "package: checkDesigns with a run record, then npx fpcheck report"
if npx vitest run recorded.test.mjs > recorded.out 2>&1; then cat recorded.out; echo "package: the suite of a leaky design passed" >&2; exit 1; fi
grep -q 'replaySuite("vitest-cx", { designs: \[myLeaky\] })' recorded.out || { cat recorded.out; exit 1; }
test -f vitest-runs/latest.json
npx fpcheck report --runs-dir vitest-runs --out vitest-report > vitest-report.out || { cat vitest-report.out; exit 1; }
grep -q 'my-leaky' vitest-report/index.html

echo "package: a TypeScript config without a TypeScript loader is refused, saying what to do"
mkdir ts-config && cp leaky-design.mjs ts-config/
printf "import { defineConfig } from 'fpcheck';\nimport { leaky } from './leaky-design.mjs';\nconst runs: number = 10;\nexport default defineConfig({ designs: [leaky], runs });\n" > ts-config/fpcheck.config.ts
status=0
(cd ts-config && npx fpcheck run --workers 1 --certify 0 > ../ts-config.out 2>&1) || status=$?
if [ "$status" -ne 0 ]; then
  test "$status" -eq 2 || { cat ts-config.out; exit 1; }
  grep -q 'install tsx' ts-config.out || { cat ts-config.out; exit 1; }
fi

echo "package: all good ($tarball)"
cd "$repo"
