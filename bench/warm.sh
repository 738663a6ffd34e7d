#!/usr/bin/env bash
# Runs bench/warm.ts (bundled on the fly with esbuild; needs .ci/docker.sh's images and the
# committed dist/). Usage: bash bench/warm.sh [go-version]   (ROUNDS=3 by default)
# (Output in .tmp/bench/ so the fixtures find the project root two folders up.)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp/bench
npx esbuild bench/warm.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=.tmp/bench/warm.mjs --log-level=warning
node .tmp/bench/warm.mjs "$@"
