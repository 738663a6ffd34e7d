#!/usr/bin/env bash
# Runs bench/release-swap.ts (bundled on the fly with esbuild). Usage: bash bench/release-swap.sh [rounds] [plugins] [plugin MB]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp/bench
npx esbuild bench/release-swap.ts --bundle --platform=node --format=esm --target=node20 \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile=.tmp/bench/release-swap.mjs --log-level=warning
nice -n 10 node .tmp/bench/release-swap.mjs "$@"
