#!/usr/bin/env bash
# A private NATS server with JetStream for the streaming tests: `scripts/nats.sh start <dir>` installs nats-server
# from Debian's packages if missing, starts it on a free loopback port with its JetStream files in <dir> and prints
# nats://host:port; `scripts/nats.sh stop <dir>` stops it.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?folder}

source "$(dirname "$0")/free-port.sh"

case "$cmd" in
  start)
    if ! command -v nats-server >/dev/null; then
      echo "installing nats-server from Debian's packages…" >&2
      for attempt in 1 2 3; do
        if [[ $(id -u) -eq 0 ]]; then
          (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server) >&2 && break
        else
          (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server) >&2 && break
        fi
        sleep 10 # another install holds dpkg's lock
      done
    fi
    mkdir -p "$dir/js"
    port=$(free_port)
    nohup nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/js" >"$dir/log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "nats://127.0.0.1:$port"; exit 0; fi
      sleep 0.1
    done
    echo "nats-server did not start (see $dir/log)" >&2; exit 1
    ;;
  stop)
    if [[ -f "$dir/pid" ]]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
