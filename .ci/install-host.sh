#!/usr/bin/env bash
# Debian packages the tests need on the host. Each part skips itself when already installed.
set -euo pipefail
need=()
for p in git ca-certificates; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi
