#!/usr/bin/env bash
# Runs bench/verify.ts (bundled on the fly with esbuild; needs the builder images, the real bed
# - bash .ci/real-bed - and the committed dist/). Usage: bash bench/verify.sh [plugin-id] [targets] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp/bench
# The action's adapters pull CommonJS packages that require Node built-ins: give the ESM bundle a require.
npx esbuild bench/verify.ts --bundle --platform=node --format=esm --target=node20 \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile=.tmp/bench/verify.mjs --log-level=warning
nice -n 10 node .tmp/bench/verify.mjs "$@"
