#!/usr/bin/env bash
# The manual (seed) procedure, timed: one sequential `docker run ... go build -buildmode=plugin`
# per default target, exactly the commands of seed/plugin-deploy.md, in the local builder images.
#
#   bench/manual-build.sh <go-version> <plugin-dir> <gomodcache-dir> <goproxy-dir> [out-dir]
#
# Prints `manual <seconds>` on stdout (wall time of the four builds only). The module cache is
# warmed first (`go mod download`, not timed), so every build sees a warm cache. The plugin dir is
# mounted at /proj (outputs go to out-dir, default a temp dir that is removed), the
# module cache at /go/pkg/mod, the proxy at /goproxy (GOPROXY=file:///goproxy, GOSUMDB=off), no
# network, this user's uid:gid. Env: DOCKER (docker), FLOW_BUILD_IMAGE (flow/build),
# GOFLAGS (default -mod=mod, as the plugin may not be tidied for this Go), TARGETS (the four defaults),
# CPU=1: run each build under bash's `time` in its container and also print `cpu <seconds>`, the
# user+sys CPU time of the four builds (the compile work; a run on N CPUs cannot take less than
# cpu/N). Not used for the timed rounds.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 <go-version> <plugin-dir> <gomodcache-dir> <goproxy-dir> [out-dir]" >&2
  exit 2
fi
go_version=$1
plugin=$(realpath "$2")
modcache=$(realpath "$3")
proxy=$(realpath "$4")
DOCKER=${DOCKER:-docker}
IMAGE=${FLOW_BUILD_IMAGE:-flow/build}
TARGETS=${TARGETS:-linux-amd64 linux-arm-7 linux-arm64 linux-386}
if [ -n "${5:-}" ]; then
  mkdir -p "$5"
  out=$(realpath "$5")
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

common=(
  --rm --network none --user "$(id -u):$(id -g)"
  -e HOME=/tmp -e GOCACHE=/tmp/go-build
  -e GOPROXY=file:///goproxy -e GOSUMDB=off -e "GOFLAGS=${GOFLAGS:--mod=mod}"
  -v "$proxy:/goproxy:ro" -v "$modcache:/go/pkg/mod"
  -v "$plugin/.:/proj" -v "$out:/out" -w /proj
)

for t in $TARGETS; do
  "$DOCKER" image inspect "$IMAGE:$go_version-$t" >/dev/null 2>&1 || {
    echo "no builder image $IMAGE:$go_version-$t" >&2
    exit 1
  }
done
# Warm the module cache (not timed).
"$DOCKER" run "${common[@]}" "$IMAGE:$go_version-linux-amd64" go mod download >&2

build=(go build -a -installsuffix cgo -ldflags "-w -s" -buildmode=plugin)
cpu=0
start=$(date +%s.%N)
for t in $TARGETS; do
  if [ "${CPU:-}" = 1 ]; then
    # bash's `time` counts the go command and every compiler and linker it waits for.
    used=$("$DOCKER" run "${common[@]}" "$IMAGE:$go_version-$t" bash -c \
      'TIMEFORMAT="%U %S"; { time "$@" >&2; } 2>&1' sh "${build[@]}" -o "/out/plugin-${t#linux-}.so" /proj | tail -n 1)
    cpu=$(awk -v c="$cpu" -v u="$used" 'BEGIN { split(u, a, " "); print c + a[1] + a[2] }')
  else
    "$DOCKER" run "${common[@]}" "$IMAGE:$go_version-$t" \
      "${build[@]}" -o "/out/plugin-${t#linux-}.so" /proj >&2
  fi
done
end=$(date +%s.%N)
ls -l "$out" >&2
awk -v s="$start" -v e="$end" 'BEGIN { printf "manual %.1f\n", e - s }'
if [ "${CPU:-}" = 1 ]; then printf 'cpu %s\n' "$cpu"; fi
