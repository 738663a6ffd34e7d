#!/usr/bin/env bash
# Runs bench/build-matrix.ts (bundled on the fly with esbuild; needs .ci/docker.sh's images and
# the committed dist/). Usage: bash bench/build-matrix.sh [go-version]
# (Output in .tmp/bench/ so the fixtures find the project root two folders up.)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp/bench
npx esbuild bench/build-matrix.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=.tmp/bench/build-matrix.mjs --log-level=warning
node .tmp/bench/build-matrix.mjs "$@"
