#!/usr/bin/env bash
# A private Redis for the cluster tests (Orleans' membership table): `scripts/redis.sh start <dir>` installs
# redis-server from Debian's packages if missing, starts it on a free loopback port with its data in <dir>
# and prints host:port; `scripts/redis.sh stop <dir>` stops it.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?folder}

source "$(dirname "$0")/free-port.sh"

case "$cmd" in
  start)
    if ! command -v redis-server >/dev/null; then
      echo "installing redis-server from Debian's packages…" >&2
      if [[ $(id -u) -eq 0 ]]; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
      else
        (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
      fi
    fi
    mkdir -p "$dir"
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no --protected-mode yes \
      --daemonize yes --pidfile "$dir/pid" --logfile "$dir/log" >&2
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "127.0.0.1:$port"; exit 0; fi
      sleep 0.1
    done
    echo "redis-server did not start (see $dir/log)" >&2; exit 1
    ;;
  stop)
    if [[ -f "$dir/pid" ]]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
