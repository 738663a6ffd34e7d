#!/usr/bin/env bash
# Runs bench/releases.ts (bundled on the fly with esbuild; needs the builder images, the real bed
# - bash .ci/real-bed - and the committed dist/). Usage: bash bench/releases.sh  (ROUNDS=3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp/bench
npx esbuild bench/releases.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=.tmp/bench/releases.mjs --log-level=warning
node .tmp/bench/releases.mjs "$@"
