#!/usr/bin/env bash
# Usage: tools/bootstrap.sh <start|test> [args...]   (what `npm start` and `npm test` run)
#
# Makes a fresh Debian 12 clone runnable, then hands over to the real command. Installs only
# what is missing, so when everything is there it costs a dpkg query and a hash (~20 ms).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages Keelson runs on. nats-server and postgresql are started by @keelson/local as
# our own child processes on our own ports; their packaged services are never used.
DEBIAN_PACKAGES=(nats-server postgresql iproute2 iptables nftables docker.io busybox-static containernetworking-plugins nginx)

log() { printf 'keelson: %s\n' "$*" >&2; }

missing_debian_packages() {
  command -v dpkg-query >/dev/null || return 0 # not Debian: the user provides the tools
  local installed pkg
  # One query for all; "ii" = wanted and installed. Unknown names print nothing.
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${DEBIAN_PACKAGES[@]}" 2>/dev/null || true)
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    grep -q "^${pkg} ii" <<<"$installed" || printf '%s\n' "$pkg"
  done
}

ensure_debian_packages() {
  local missing
  mapfile -t missing < <(missing_debian_packages)
  ((${#missing[@]})) || return 0
  if [[ $(id -u) != 0 ]]; then
    log "missing Debian packages: ${missing[*]}; run: sudo apt-get install --no-install-recommends ${missing[*]}"
    exit 1
  fi
  log "installing ${missing[*]} (apt-get)"
  # policy-rc.d answering 101 keeps invoke-rc.d/deb-systemd-invoke from starting the packaged
  # postgresql and nats-server services during the install (Docker images ship one already).
  local policy=/usr/sbin/policy-rc.d added_policy=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT # on failure; removed below on success
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
  if [[ -n $added_policy ]]; then rm -f "$policy"; trap - EXIT; fi
}

ensure_node_modules() {
  local stamp=node_modules/.keelson-lock-hash want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  [[ -d node_modules && -f $stamp && $(<"$stamp") == "$want" ]] && return 0
  log "node_modules does not match package-lock.json; running npm ci"
  npm ci --no-audit --no-fund </dev/null
  printf '%s\n' "$want" >"$stamp"
}

# jest gets two workers unless told otherwise. Jest's default on 2 cores is cores-1 = 1, which
# runs the files one after another; int/e2e files spend most of their time waiting on NATS,
# Postgres and Docker, and each works in its own schema/stream (tools/testing), so two files
# at a time is safe and faster. More would only fight the substrates for the 2 cores.
jest_worker_args() {
  local arg
  for arg in "$@"; do
    case $arg in -i | --runInBand | -w | -w=* | --maxWorkers | --maxWorkers=* | -w[0-9]*) return 0 ;; esac
  done
  printf '%s\n' --maxWorkers=2
}

command=${1:-}
[[ $command == start || $command == test ]] || { echo "usage: $0 <start|test> [args...]" >&2; exit 2; }
shift

ensure_debian_packages
ensure_node_modules

case $command in
  start)
    main=apps/keelson/src/main.ts
    [[ -f $main ]] || { log "$main does not exist yet"; exit 1; }
    exec node -r @swc-node/register "$main" start "$@"
    ;;
  test)
    mapfile -t workers < <(jest_worker_args "$@")
    exec node node_modules/jest/bin/jest.js "${workers[@]}" "$@"
    ;;
esac
