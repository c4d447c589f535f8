#!/usr/bin/env bash
# Debian's awscli package (the AWS CLI v2) for the Glue API tests: installs it if missing and prints its path.
# The AWS CLI v1 and boto3 come with the machine's python; this is the second CLI the tests drive.
set -euo pipefail
if [[ ! -x /usr/bin/aws ]]; then
  echo "installing awscli (v2) from Debian's packages…" >&2
  if [[ $(id -u) -eq 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli) >&2
  else
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli) >&2
  fi
fi
echo /usr/bin/aws
