#!/usr/bin/env bash
# An S3-compatible server for the tests: `scripts/s3.sh start <dir>` installs s3rver from the npm registry
# (once, into .tools/s3rver), starts it on a free loopback port with its data in <dir> and a bucket named
# glint-test, and prints its endpoint; `scripts/s3.sh stop <dir>` stops it. s3rver's keys are S3RVER / S3RVER.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?folder}
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools/s3rver"

source "$(dirname "$0")/free-port.sh"

case "$cmd" in
  start)
    if [[ ! -x "$tools/node_modules/.bin/s3rver" ]]; then
      echo "installing s3rver from the npm registry…" >&2
      mkdir -p "$tools"
      npm install --prefix "$tools" --no-audit --no-fund --silent s3rver@3.7.1 >&2
    fi
    # s3rver 3.7.1 decodes CopyObject's x-amz-copy-source with decodeURI, which leaves the %2F and %3D that every AWS
    # SDK sends for '/' and '=' (docs/object-stores.md): it would find no bucket. AWS S3, MinIO and Ceph decode it whole.
    controller="$tools/node_modules/s3rver/lib/controllers/object.js"
    if grep -q "decodeURI(ctx.headers\['x-amz-copy-source'\])" "$controller"; then
      sed -i "s/decodeURI(ctx.headers\['x-amz-copy-source'\])/decodeURIComponent(ctx.headers['x-amz-copy-source'])/" "$controller"
    fi
    mkdir -p "$dir/data"
    port=$(free_port)
    nohup "$tools/node_modules/.bin/s3rver" -d "$dir/data" -a 127.0.0.1 -p "$port" --configure-bucket glint-test --silent \
      >"$dir/log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "http://127.0.0.1:$port"; exit 0; fi
      sleep 0.1
    done
    echo "s3rver did not start (see $dir/log)" >&2; exit 1
    ;;
  stop)
    if [[ -f "$dir/pid" ]]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
