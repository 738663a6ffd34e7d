#!/usr/bin/env bash
# Runs bench/releases.ts (bundled on the fly with esbuild; needs the builder images, the real bed
# - bash .ci/real-bed - and the committed dist/). Usage: bash bench/releases.sh  (ROUNDS=3 by default)
# OLD_REF=<commit> also runs the bundle committed there (its dist/, extracted to .tmp/bench/old-dist),
# paired with this checkout's in every round: the old figures next to the new ones.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp/bench
npx esbuild bench/releases.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=.tmp/bench/releases.mjs --log-level=warning
if [ -n "${OLD_REF:-}" ]; then
  rm -rf .tmp/bench/old-dist && mkdir -p .tmp/bench/old-dist
  for f in $(git ls-tree --name-only "$OLD_REF" dist/); do
    git show "$OLD_REF:$f" >".tmp/bench/old-dist/$(basename "$f")"
  done
  export OLD_BUNDLE="$PWD/.tmp/bench/old-dist/index.cjs"
fi
node .tmp/bench/releases.mjs "$@"
