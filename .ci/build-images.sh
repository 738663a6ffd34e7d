#!/usr/bin/env bash
# Builds the local Flow builder images, tagged exactly as the action expects:
#   flow/build:<GO_VERSION>-<target>     e.g. flow/build:1.19.8-linux-arm-7
# for targets linux-amd64 linux-arm-7 linux-arm64 linux-386 linux-riscv64 and every Go version
# in GO_PACKAGES. No registry is used: one shared Debian root (debootstrap, Debian mirrors only)
# holds every Go, gcc and the cross compilers; it is imported as flow/build-root:<key> and each
# Go version gets flow/build-go:<version> (its tree moved to /usr/local/go, a real directory: a
# symlink would make `go env GOROOT` report the link target), and each builder image is a tiny
# local `FROM` on top of that (ENV and labels only).
#
# Caching:
#  - the debootstrap root lives in /var/cache/flow-action-images/root-<key> (key = hash of the
#    root recipe below), the downloaded .debs in .../debs: changing only the image part of this
#    script does not redo debootstrap;
#  - every image carries the label flow.build-images.hash=<hash of this script>; images whose
#    label matches are kept, so a warm run takes about a second.
# Run as root (debootstrap). Env: DOCKER (default /usr/bin/docker), FLOW_BUILD_IMAGE (flow/build),
# FLOW_IMAGES_CACHE (/var/cache/flow-action-images), FORCE=1 rebuilds the images (not the root).
set -euo pipefail

DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=${FLOW_BUILD_IMAGE:-flow/build}
CACHE=${FLOW_IMAGES_CACHE:-/var/cache/flow-action-images}
SCRIPT_HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)

SUITE=bookworm
EXTRA_SUITE=bookworm-backports
# Newer Gos for the newest servers (gotify v2.8.0: GO_VERSION 1.25.1, v2.9.1: 1.26.0):
# trixie-backports, with trixie beside it for its dependencies; installs cleanly on bookworm (as
# .ci/install-go.sh does on the host). Both pinned low like bookworm-backports.
NEW_SUITE=trixie-backports
NEW_SUITE_BASE=trixie
# One package per Go series of a gotify release the module proxy serves: golang-1.19 from
# bookworm (v2.1.4), golang-1.22 and 1.23 from bookworm-backports (v2.5.0; v2.6.0/1), golang-1.25
# and 1.26 from trixie-backports (v2.8.0; v2.9.1) (`apt-cache policy golang-1.22-go` names the
# suite; installed with apt inside the root: debootstrap's --extra-suites breaks here).
GO_PACKAGES=(golang-1.19-go)
GO_PACKAGES_EXTRA=(golang-1.22-go golang-1.23-go)
GO_PACKAGES_NEW=(golang-1.25-go golang-1.26-go)
ROOT_PACKAGES=(
  gcc libc6-dev git ca-certificates file
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
  gcc-i686-linux-gnu libc6-dev-i386-cross
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  qemu-user
)
# target -> "GOARCH|extra ENV lines"
declare -A TARGET_ENV=(
  [linux-amd64]='amd64|CC=gcc'
  [linux-arm-7]='arm|CC=arm-linux-gnueabihf-gcc GOARM=7'
  [linux-arm64]='arm64|CC=aarch64-linux-gnu-gcc'
  [linux-386]='386|CC=i686-linux-gnu-gcc'
  [linux-riscv64]='riscv64|CC=riscv64-linux-gnu-gcc'
)
TARGETS=(linux-amd64 linux-arm-7 linux-arm64 linux-386 linux-riscv64)

log() { printf '[build-images %s] %s\n' "$(date +%T)" "$*" >&2; }

# The host's own Debian entry (deb.debian.org/debian block of debian.sources), with Suites replaced.
host_entry() {
  awk 'BEGIN { RS = ""; ORS = "\n\n" } /URIs:[^\n]*\/debian\n/ && !/debian-security/' \
    /etc/apt/sources.list.d/debian.sources | sed "s/^Suites:.*/Suites: $1/"
}

# Turns the debootstrapped directory into the shared builder root.
finish_root() {
  local dir=$1 pkg v real link target
  # apt sources inside the root: a copy of the host's entries, backports pinned low.
  rm -f "$dir/etc/apt/sources.list"
  mkdir -p "$dir/etc/apt/sources.list.d" "$dir/etc/apt/preferences.d"
  cp /etc/apt/sources.list.d/debian.sources "$dir/etc/apt/sources.list.d/debian.sources"
  host_entry "$EXTRA_SUITE" >"$dir/etc/apt/sources.list.d/$EXTRA_SUITE.sources"
  host_entry "$NEW_SUITE_BASE $NEW_SUITE" >"$dir/etc/apt/sources.list.d/$NEW_SUITE.sources"
  for s in "$EXTRA_SUITE" "$NEW_SUITE_BASE" "$NEW_SUITE"; do
    printf 'Package: *\nPin: release n=%s\nPin-Priority: 100\n' "$s" >"$dir/etc/apt/preferences.d/$s"
  done
  # Go from the extra suites, with apt inside the root.
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  mount -t proc proc "$dir/proc"
  chroot "$dir" apt-get update -qq &&
    chroot "$dir" apt-get install -y -qq --no-install-recommends -t "$EXTRA_SUITE" "${GO_PACKAGES_EXTRA[@]}" >/dev/null &&
    chroot "$dir" apt-get install -y -qq --no-install-recommends -t "$NEW_SUITE" "${GO_PACKAGES_NEW[@]}" >/dev/null ||
    {
      umount "$dir/proc"
      exit 1
    }
  umount "$dir/proc"
  rm -f "$dir/etc/resolv.conf"
  # Each Debian Go (/usr/lib/go-1.xx, partly symlinks into /usr/share/go-1.xx) becomes a real,
  # self-contained tree /usr/local/go-1.xx; /usr/lib/go-1.xx disappears so that `go` does not
  # prefer its compiled-in GOROOT over /usr/local/go (each flow/build-go image moves one there).
  for pkg in "${GO_PACKAGES[@]}" "${GO_PACKAGES_EXTRA[@]}" "${GO_PACKAGES_NEW[@]}"; do
    v=${pkg#golang-}
    v=${v%-go}
    real="$dir/usr/local/go-$v"
    mv "$dir/usr/lib/go-$v" "$real"
    for link in "$real"/* "$real"/pkg/*; do
      [ -L "$link" ] || continue
      target=$(readlink -f "$link")
      target=$dir${target#"$dir"}
      rm "$link"
      if [ -e "$target" ]; then mv "$target" "$link"; fi
    done
    rm -rf "$dir/usr/share/go-$v"
    [ -f "$real/VERSION" ] && [ -x "$real/bin/go" ] || {
      log "broken Go tree $real"
      exit 1
    }
  done
  rm -f "$dir/usr/bin/go" "$dir/usr/bin/gofmt"
  # GOPATH /go writable by any uid (containers run as the runner's uid:gid).
  mkdir -p "$dir/go/bin" "$dir/go/pkg/mod"
  chmod 1777 "$dir/go" "$dir/go/bin" "$dir/go/pkg" "$dir/go/pkg/mod"
  # Plugin checkouts are owned by the runner user: let git (VCS stamping) read them.
  printf '[safe]\n\tdirectory = *\n' >"$dir/etc/gitconfig"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/tmp/* "$dir"/root/.cache
}

build_root() {
  local dir=$1 tmp=$1.tmp pkgs
  rm -rf "$tmp"
  mkdir -p "$CACHE/debs"
  pkgs=$(IFS=,; echo "${ROOT_PACKAGES[*]},${GO_PACKAGES[*]}")
  log "debootstrap $SUITE into $tmp"
  # No mirror argument: debootstrap uses Debian's default mirror.
  debootstrap --variant=minbase --cache-dir="$CACHE/debs" \
    --include="$pkgs" "$SUITE" "$tmp" >"$CACHE/debootstrap.log" 2>&1 || {
    tail -30 "$CACHE/debootstrap.log" >&2
    exit 1
  }
  finish_root "$tmp"
  mv "$tmp" "$dir"
}

# Key of the root: everything that decides its content, nothing else.
ROOT_KEY=$(printf '%s\n' "$SUITE" "$EXTRA_SUITE" "$NEW_SUITE" "$NEW_SUITE_BASE" "${ROOT_PACKAGES[*]}" \
  "${GO_PACKAGES[*]}" "${GO_PACKAGES_EXTRA[*]}" "${GO_PACKAGES_NEW[*]}" \
  "$(declare -f host_entry finish_root build_root)" | sha256sum | cut -c1-16)
ROOT_DIR=$CACHE/root-$ROOT_KEY
ROOT_IMAGE=flow/build-root:$ROOT_KEY
mkdir -p "$CACHE"

label_of() { "$DOCKER" image inspect -f '{{index .Config.Labels "flow.build-images.hash"}}' "$1" 2>/dev/null || true; }

# Go versions of the root (short and full: `1.19 1.19.8`), from its Go trees' VERSION files, read
# in the cached root dir or, when the cache dir is gone, in the imported root image.
go_versions() {
  local pkg v out
  for pkg in "${GO_PACKAGES[@]}" "${GO_PACKAGES_EXTRA[@]}" "${GO_PACKAGES_NEW[@]}"; do
    v=${pkg#golang-}
    v=${v%-go}
    if [ -d "$ROOT_DIR" ]; then
      out=$(head -n1 "$ROOT_DIR/usr/local/go-$v/VERSION")
    else
      out=$("$DOCKER" run --rm --network none "$ROOT_IMAGE" head -n1 "/usr/local/go-$v/VERSION")
    fi
    printf '%s %s\n' "$v" "${out#go}"
  done
}
have_root_image() { [ -n "$("$DOCKER" image ls -q "$ROOT_IMAGE")" ]; }

# Targets other than the four defaults get an image only when that Go can build plugins there
# (e.g. no Go up to 1.23 supports -buildmode=plugin on linux/riscv64). The probe result is kept
# in $CACHE/plugin-support/<go>-<target> (yes/no).
OPTIONAL_TARGETS=" linux-riscv64 "
want_target() { # target full-version; status 0 yes, 1 no, 2 not probed yet
  local f="$CACHE/plugin-support/$2-$1"
  [[ $OPTIONAL_TARGETS == *" $1 "* ]] || return 0
  [ -s "$f" ] || return 2
  [ "$(cat "$f")" = yes ]
}
probe_target() { # goimage target full-version
  local spec=${TARGET_ENV[$2]} answer=no
  mkdir -p "$CACHE/plugin-support"
  if "$DOCKER" run --rm --network none -e GOARCH="${spec%%|*}" -e HOME=/tmp "$1" \
    go list -buildmode=plugin runtime >/dev/null 2>&1; then answer=yes; fi
  echo "$answer" >"$CACHE/plugin-support/$3-$2"
}

# ---- fast path: every image present with this script's hash
# One build at a time on this machine.
exec 9>"$CACHE/.build.lock"
flock 9

if [ -z "${FORCE:-}" ] && { [ -d "$ROOT_DIR" ] || have_root_image; }; then
  ok=1
  while read -r short full; do
    for t in "${TARGETS[@]}"; do
      st=0
      want_target "$t" "$full" || st=$?
      [ "$st" -ne 1 ] || continue
      [ "$st" -eq 0 ] && [ "$(label_of "$IMAGE:$full-$t")" = "$SCRIPT_HASH" ] || ok=
    done
  done < <(go_versions)
  if [ -n "$ok" ]; then
    log "builder images up to date (hash $SCRIPT_HASH)"
    exit 0
  fi
fi

if [ ! -d "$ROOT_DIR" ] && ! have_root_image; then
  build_root "$ROOT_DIR"
fi

if ! have_root_image; then
  log "importing $ROOT_DIR as $ROOT_IMAGE"
  tar -C "$ROOT_DIR" -c . | "$DOCKER" import -m "flow builder root $ROOT_KEY" - "$ROOT_IMAGE" >/dev/null
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
built=()
while read -r short full; do
  minor=${short#1.}
  toolchain=
  [ "$minor" -ge 21 ] && toolchain='GOTOOLCHAIN=local'
  goimg=flow/build-go:$full
  if [ -n "${FORCE:-}" ] || [ "$(label_of "$goimg")" != "$SCRIPT_HASH" ]; then
    log "building $goimg"
    cat >"$ctx/Dockerfile" <<EOF
FROM $ROOT_IMAGE
RUN mv /usr/local/go-$short /usr/local/go && rm -rf /usr/local/go-*
ENV PATH=/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    GOPATH=/go $toolchain
LABEL flow.build-images.hash=$SCRIPT_HASH flow.go-version=$full
EOF
    "$DOCKER" build -q -t "$goimg" "$ctx" >/dev/null
    got=$("$DOCKER" run --rm --network none "$goimg" sh -c 'go version; go env GOROOT')
    [ "$got" = "go version go$full linux/amd64
/usr/local/go" ] || {
      log "unexpected Go in $goimg: $got"
      exit 1
    }
  fi
  for t in "${TARGETS[@]}"; do
    st=0
    want_target "$t" "$full" || st=$?
    if [ "$st" -eq 2 ]; then
      probe_target "$goimg" "$t" "$full"
      st=0 # the probe's answer, not "not probed yet" (a new machine got no riscv64 image before)
      want_target "$t" "$full" || st=$?
    fi
    if [ "$st" -ne 0 ]; then
      log "no image for $t with Go $full: this Go cannot build plugins there"
      "$DOCKER" rmi "$IMAGE:$full-$t" >/dev/null 2>&1 || true
      continue
    fi
    tag=$IMAGE:$full-$t
    if [ -z "${FORCE:-}" ] && [ "$(label_of "$tag")" = "$SCRIPT_HASH" ]; then continue; fi
    spec=${TARGET_ENV[$t]}
    cat >"$ctx/Dockerfile" <<EOF
FROM $goimg
ENV CGO_ENABLED=1 GOOS=linux GOARCH=${spec%%|*} ${spec#*|}
LABEL flow.build-images.hash=$SCRIPT_HASH flow.go-version=$full flow.target=$t
EOF
    "$DOCKER" build -q -t "$tag" "$ctx" >/dev/null
    built+=("$tag")
  done
done < <(go_versions)

[ ${#built[@]} -eq 0 ] || log "built ${built[*]}"
# Roots of older recipes: their dirs and images go.
for old in "$CACHE"/root-*; do
  [ "$old" = "$ROOT_DIR" ] || [ ! -e "$old" ] || rm -rf "$old"
done
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}' flow/build-root |
  grep -vx "$ROOT_IMAGE" | xargs -r "$DOCKER" rmi >/dev/null 2>&1 || true
"$DOCKER" image prune -f --filter "label=flow.build-images.hash" >/dev/null || true
"$DOCKER" image ls --filter "label=flow.target" --format '{{.Repository}}:{{.Tag}}' | sort >&2
