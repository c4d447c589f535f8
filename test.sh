#!/usr/bin/env bash
# Runs Glint's whole test suite and ends with "N passed, N failed[, N skipped]".
# Needs the .NET SDK and Node.js; packages come from the NuGet feed and the npm registry; PostgreSQL, Redis and nats-server from Debian's.
set -uo pipefail
cd "$(dirname "$0")"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! dotnet build Glint.sln -c Release -nologo -v quiet >"$log" 2>&1; then
  grep -E "error" "$log" | sort -u
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

export GLINT_HOME="$(mktemp -d)/glint-home"

# A private PostgreSQL for the metastore tests, stopped (and its folder removed) when the tests end.
pgdir=$(mktemp -d)
if ! GLINT_TEST_POSTGRES=$(scripts/postgres.sh start "$pgdir"); then
  echo "could not start PostgreSQL (see $pgdir/log)"
  echo "0 passed, 1 failed"
  exit 1
fi
export GLINT_TEST_POSTGRES
trap 'scripts/postgres.sh stop "$pgdir"; rm -f "$log"' EXIT

# An S3-compatible server (s3rver from the npm registry) for the object-store tests, stopped when the tests end.
s3dir=$(mktemp -d)
if ! GLINT_TEST_S3=$(scripts/s3.sh start "$s3dir"); then
  echo "could not start the S3 server (see $s3dir/log)"
  echo "0 passed, 1 failed"
  exit 1
fi
export GLINT_TEST_S3 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
trap 'scripts/postgres.sh stop "$pgdir"; scripts/s3.sh stop "$s3dir"; rm -f "$log"' EXIT

# A private Redis (Debian's redis-server) for the cluster tests: Orleans keeps the executors' membership there.
redisdir=$(mktemp -d)
if ! GLINT_TEST_REDIS=$(scripts/redis.sh start "$redisdir"); then
  echo "could not start redis-server (see $redisdir/log)"
  echo "0 passed, 1 failed"
  exit 1
fi
export GLINT_TEST_REDIS

# Debian's Chromium for the browser tests (Playwright drives it headless).
if ! GLINT_TEST_CHROMIUM=$(scripts/chromium.sh); then
  echo "could not install chromium"
  echo "0 passed, 1 failed"
  exit 1
fi
export GLINT_TEST_CHROMIUM
# Debian's awscli (the AWS CLI v2) for the Glue API tests; v1 and boto3 come with the machine's python.
if ! GLINT_TEST_AWSCLI_V2=$(scripts/awscli.sh); then
  echo "could not install awscli"
  echo "0 passed, 1 failed"
  exit 1
fi
export GLINT_TEST_AWSCLI_V2
trap 'scripts/postgres.sh stop "$pgdir"; scripts/s3.sh stop "$s3dir"; scripts/redis.sh stop "$redisdir"; rm -f "$log"' EXIT

# A private nats-server with JetStream (Debian's nats-server) for the streaming tests.
natsdir=$(mktemp -d)
if ! GLINT_TEST_NATS=$(scripts/nats.sh start "$natsdir"); then
  echo "could not start nats-server (see $natsdir/log)"
  echo "0 passed, 1 failed"
  exit 1
fi
export GLINT_TEST_NATS
trap 'scripts/postgres.sh stop "$pgdir"; scripts/s3.sh stop "$s3dir"; scripts/redis.sh stop "$redisdir"; scripts/nats.sh stop "$natsdir"; rm -f "$log"' EXIT
dotnet test tests/Glint.Tests -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

line=$(grep -E "(Passed|Failed)!  - Failed:" "$log" | tail -1)
failed=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line")
passed=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line")
skipped=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
if [[ -z "$line" ]]; then
  echo "no test summary found (the test run did not complete)"
  echo "0 passed, 1 failed"
  exit 1
fi
summary="${passed:-0} passed, ${failed:-0} failed"
if [[ "${skipped:-0}" != "0" ]]; then summary="$summary, $skipped skipped"; fi
echo "$summary"
if [[ $status -ne 0 || "${failed:-0}" != "0" || "${passed:-0}" == "0" ]]; then exit 1; fi
