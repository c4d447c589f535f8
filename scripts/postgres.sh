#!/usr/bin/env bash
# A private PostgreSQL for the tests: `scripts/postgres.sh start <dir>` initialises a cluster in <dir>,
# starts it on a free loopback port and prints its connection string; `scripts/postgres.sh stop <dir>` stops it.
# Installs Debian's postgresql package when initdb is missing.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?folder}

find_bin() {
  if command -v initdb >/dev/null 2>&1; then return; fi
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && export PATH="$d:$PATH" && return; done
  echo "installing postgresql from Debian's packages…" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && export PATH="$d:$PATH" && return; done
}

as_owner() {
  # initdb and postgres refuse to run as root.
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- env PATH="$PATH" "$@"; else "$@"; fi
}

source "$(dirname "$0")/free-port.sh"

case "$cmd" in
  start)
    find_bin
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    as_owner initdb -D "$dir/data" -A trust -U postgres >/dev/null
    port=$(free_port)
    as_owner pg_ctl -D "$dir/data" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" -l "$dir/log" -w start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    find_bin
    as_owner pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
esac
