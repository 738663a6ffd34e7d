#!/usr/bin/env bash
# Every workflow checked: installs the pinned actionlint from the Go module proxy with the host Go
# (once: kept under /var/cache/flow-tools, FLOW_TOOLS, as the real bed is) and shellcheck from
# Debian (actionlint checks `run:` scripts with it), then runs scripts/lint-workflows.mjs over
# .github/workflows/* and every workflow block of README.md, CONTRIBUTING.md and docs/**/*.md.
# Exits 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
tools=${FLOW_TOOLS:-/var/cache/flow-tools}
bin=$tools/actionlint-$version/actionlint

if [ ! -x "$bin" ]; then
  # Any Go builds it: GO_BIN, the machine's /usr/local/go, the PATH's (GitHub's setup-go), Debian's.
  go=${GO_BIN:-/usr/local/go/bin/go}
  [ -x "$go" ] || go=$(command -v go || echo /usr/lib/go-1.26/bin/go)
  mkdir -p "$tools"
  tmp=$(mktemp -d "$tools/.actionlint-$version.XXXXXX")
  echo "installing actionlint $version with $("$go" version)"
  GOBIN=$tmp GOFLAGS='' "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$version"
  rm -rf "$tools/actionlint-$version"
  mv "$tmp" "$tools/actionlint-$version"
fi

if ! command -v shellcheck >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq shellcheck >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null; }
fi

node scripts/lint-workflows.mjs --actionlint "$bin" --shellcheck "$(command -v shellcheck)"
