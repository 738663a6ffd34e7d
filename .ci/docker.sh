#!/usr/bin/env bash
# Installs Docker (Debian docker.io) and debootstrap, starts dockerd in the background if it is not running,
# then builds the local builder images (.ci/build-images.sh). Run as root. Idempotent: a few
# seconds when everything already exists.
#
# Notes for this machine:
#  - /usr/local/bin/docker (a newer client) shadows /usr/bin/docker (Debian's, same version as
#    the daemon). We use /usr/bin/docker here; the newer client is checked to talk to the daemon
#    (API negotiation), so tests can use plain `docker`.
#  - The storage driver is chosen once by trying an overlay mount: overlay2 when the kernel
#    allows it, vfs otherwise. The choice is kept in /var/cache/flow-action-images/storage-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
DOCKER=/usr/bin/docker
CACHE=/var/cache/flow-action-images
LOG=/var/log/flow-dockerd.log
log() { printf '[docker.sh %s] %s\n' "$(date +%T)" "$*" >&2; }

# ---- packages
need=()
for p in docker.io debootstrap; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# ---- storage driver: overlay2 if an overlay mount works here, else vfs
mkdir -p "$CACHE"
if [ ! -s "$CACHE/storage-driver" ]; then
  t=$(mktemp -d)
  mkdir -p "$t/l" "$t/u" "$t/w" "$t/m"
  if mount -t overlay overlay -o "lowerdir=$t/l,upperdir=$t/u,workdir=$t/w" "$t/m" 2>/dev/null; then
    umount "$t/m"
    echo overlay2 >"$CACHE/storage-driver"
  else
    echo vfs >"$CACHE/storage-driver"
  fi
  rm -rf "$t"
fi
driver=$(cat "$CACHE/storage-driver")

# ---- dockerd (one starter at a time)
exec 9>"$CACHE/.dockerd.lock"
flock 9
wait_docker() {
  local i
  for i in $(seq 1 "$1"); do
    "$DOCKER" info >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}
if ! "$DOCKER" info >/dev/null 2>&1; then
  if pid=$(pgrep -x dockerd); then
    log "dockerd ($pid) is starting, waiting"
  else
    log "starting dockerd (storage driver $driver, log $LOG)"
    setsid nohup /usr/sbin/dockerd --storage-driver="$driver" >>"$LOG" 2>&1 </dev/null &
  fi
  if ! wait_docker 60; then
    log "dockerd did not answer within 60s; last log lines:"
    tail -20 "$LOG" >&2 || true
    exit 1
  fi
fi
actual=$("$DOCKER" info --format '{{.Driver}}')
[ "$actual" = "$driver" ] || log "note: dockerd runs with storage driver $actual (wanted $driver; it was started elsewhere)"
if [ -x /usr/local/bin/docker ] && ! /usr/local/bin/docker version >/dev/null 2>&1; then
  log "warning: /usr/local/bin/docker (first on PATH) cannot talk to the daemon; use /usr/bin/docker"
fi

flock -u 9

# ---- builder images
DOCKER=$DOCKER bash .ci/build-images.sh
