#!/usr/bin/env bash
# Runs every OpsConsole test, as a new user and CI do.
#  - installs what the tests need when it is missing (Debian's chromium, postgresql, mosquitto, redis-server and
#    haproxy, through apt-get);
#  - starts a throwaway PostgreSQL, mosquitto (MQTT broker) and redis-server on loopback and stops them afterwards;
#  - runs `dotnet test` and prints the closing line "N passed, N failed", exiting non-zero on any failure.
# Extra arguments go to `dotnet test` (for example: ./test.sh --filter "FullyQualifiedName~Api").
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

[ -x /usr/bin/chromium ] || {
  echo "test.sh: installing chromium (apt-get)…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

# PostgreSQL: a throwaway cluster of our own on loopback (installed through apt-get when missing).
. .ci/throwaway-postgres.sh
trap stop_pg EXIT
# MQTT: a throwaway mosquitto for the telemetry tests; the outage tests start their own from the same binary.
. .ci/throwaway-mosquitto.sh
trap 'stop_mqtt; stop_pg' EXIT
# Redis: a throwaway redis-server for the cluster tests (event bridge, backplane, cache); outage tests run their own.
. .ci/throwaway-redis.sh
trap 'stop_redis; stop_mqtt; stop_pg' EXIT

export OPSCONSOLE_TEST_POSTGRES="$pg_connection"
export OPSCONSOLE_REQUIRE_POSTGRES=1
export OPSCONSOLE_TEST_MQTT="$mqtt_address" OPSCONSOLE_TEST_MOSQUITTO="$mqtt_binary"
export OPSCONSOLE_REQUIRE_MQTT=1
export OPSCONSOLE_TEST_REDIS="$redis_address" OPSCONSOLE_TEST_REDIS_BINARY="$redis_binary"
export OPSCONSOLE_REQUIRE_REDIS=1
export OPSCONSOLE_TEST_ARTIFACTS="$root/TestResults/artifacts"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf "$root/TestResults"
mkdir -p "$OPSCONSOLE_TEST_ARTIFACTS"

# A test that hangs fails the run within minutes and is named (the longest test takes under a minute), and the whole
# run is bounded, so a hang never eats CI's time budget.
set +e
timeout --kill-after=30s 40m dotnet test OpsConsole.Tests/OpsConsole.Tests.csproj --logger "trx;LogFileName=results.trx" \
  --logger "console;verbosity=normal" --results-directory "$root/TestResults" \
  --blame-hang-timeout 5m --blame-hang-dump-type none "$@"
status=$?
set -e
[ "$status" -eq 124 ] && echo "test.sh: the test run passed its 40-minute bound and was stopped" >&2

# Names every failed test with the first lines of its message, so the end of the log says what failed.
failed_tests_of() {
  awk '
    function unescape(s) { gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s);
                           gsub(/&#xD;/, "", s); gsub(/&#xA;/, " ", s); gsub(/&amp;/, "\\&", s); return s }
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
      name = $0; sub(/.* testName="/, "", name); sub(/".*/, "", name)
      print "  FAILED " unescape(name); inside = 1; lines = 0; next }
    inside && /<Message>/ { msg = 1; sub(/.*<Message>/, "") }
    inside && msg { line = $0; done = sub(/<\/Message>.*/, "", line)
                    if (lines < 6 && line !~ /^[ \t]*$/) { print "      " unescape(line); lines++ }
                    if (done) msg = 0 }
    inside && /<StackTrace>/ { st = 1; shown = 0 }
    inside && st && / at OpsConsole\./ && shown < 2 { line = $0; sub(/^[ \t]*(<StackTrace>)?[ \t]*/, "", line); print "      " unescape(line); shown++ }
    /<\/StackTrace>/ { st = 0 }
    /<\/UnitTestResult>/ { inside = 0; msg = 0; st = 0 }
  ' "$1"
}

trx=$(ls "$root"/TestResults/*.trx 2>/dev/null | head -1 || true)
if [ -n "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  attr() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$(attr passed); failed=$(attr failed); total=$(attr total); executed=$(attr executed)
  errors=$(attr error); timeouts=$(attr timeout); aborted=$(attr aborted)
  failed=$(( ${failed:-0} + ${errors:-0} + ${timeouts:-0} + ${aborted:-0} ))
  skipped=$(( ${total:-0} - ${executed:-0} ))
  echo "test.sh: screenshots and other artifacts in TestResults/artifacts"
  if [ "$failed" -gt 0 ]; then echo "test.sh: what failed (the full output is above and in $trx):"; failed_tests_of "$trx"; fi
  # A run that was aborted (a hung test, a crashed test host) never counts as passed, whatever the counters say.
  [ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1 &&
    echo "test.sh: the test run was aborted (see 'The test running when...' above); counted as one failure" >&2
  echo "${passed:-0} passed, ${failed} failed, ${skipped} skipped"
  [ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "${passed:-0}" -gt 0 ] || exit 1
else
  echo "0 passed, 1 failed"
  echo "test.sh: no test results were written (the build or the test host failed)" >&2
  exit 1
fi
