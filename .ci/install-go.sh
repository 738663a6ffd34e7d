#!/usr/bin/env bash
# Installs a host Go from Debian for the differential go.mod tests (__tests__/gomod/*.wire.test.ts).
# Go 1.26 comes from trixie-backports (it knows every directive, `ignore` included; 1.24 from
# trixie does not). Idempotent: does nothing when /usr/lib/go-1.26 is already there.
# The suites are added by copying this machine's own Debian sources entry with only `Suites:`
# changed, pinned at priority 100 so nothing else on the machine is upgraded from them.
set -euo pipefail

want=/usr/lib/go-1.26/bin/go
[ -x "$want" ] && exit 0

src=/etc/apt/sources.list.d/debian.sources
list=/etc/apt/sources.list.d/flow-trixie.sources
pin=/etc/apt/preferences.d/flow-trixie

if [ ! -f "$src" ]; then
  echo "install-go: $src not found; cannot add the trixie suites" >&2
  exit 1
fi
# First stanza of the machine's own entry (the main archive), with Suites: replaced.
awk 'BEGIN { RS = ""; ORS = "\n" } NR == 1 { print; exit }' "$src" |
  sed -E 's/^Suites:.*/Suites: trixie trixie-backports/' >"$list.new"
mv "$list.new" "$list"
cat >"$pin" <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100

Package: *
Pin: release n=trixie-backports
Pin-Priority: 100
PIN

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t trixie-backports golang-1.26-go >/dev/null
"$want" version
