#!/usr/bin/env bash
# Debian's headless-capable Chromium for the browser tests: installs it if missing and prints its path.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  echo "installing chromium from Debian's packages…" >&2
  if [[ $(id -u) -eq 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
  else
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
  fi
fi
command -v chromium
