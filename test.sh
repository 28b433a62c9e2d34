#!/usr/bin/env bash
# Runs every OpsConsole test, as a new user and CI do.
#  - installs what the tests need when it is missing (Debian's chromium and postgresql, through apt-get);
#  - starts a throwaway PostgreSQL on loopback and stops it afterwards;
#  - runs `dotnet test` and prints the closing line "N passed, N failed", exiting non-zero on any failure.
# Extra arguments go to `dotnet test` (for example: ./test.sh --filter "FullyQualifiedName~Api").
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (apt-get)…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL: a cluster of our own in a temp folder, on a free loopback port, fsync off (it is thrown away).
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdir=$(mktemp -d /tmp/opsconsole-pg.XXXXXX)
pgport=$(( 20000 + RANDOM % 20000 ))
while (echo > /dev/tcp/127.0.0.1/$pgport) 2>/dev/null; do pgport=$(( pgport + 1 )); done
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdir"
stop_pg() { as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap stop_pg EXIT
as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/log" \
  -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "test.sh: PostgreSQL $(basename "$(dirname "$pgbin")") on 127.0.0.1:$pgport"

export OPSCONSOLE_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Timeout=15;Command Timeout=60"
export OPSCONSOLE_REQUIRE_POSTGRES=1
export OPSCONSOLE_TEST_ARTIFACTS="$root/TestResults/artifacts"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf "$root/TestResults"
mkdir -p "$OPSCONSOLE_TEST_ARTIFACTS"

set +e
dotnet test OpsConsole.Tests/OpsConsole.Tests.csproj --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$root/TestResults" "$@"
status=$?
set -e

trx=$(ls "$root"/TestResults/*.trx 2>/dev/null | head -1 || true)
if [ -n "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  attr() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$(attr passed); failed=$(attr failed); total=$(attr total); executed=$(attr executed)
  errors=$(attr error); timeouts=$(attr timeout); aborted=$(attr aborted)
  failed=$(( ${failed:-0} + ${errors:-0} + ${timeouts:-0} + ${aborted:-0} ))
  skipped=$(( ${total:-0} - ${executed:-0} ))
  echo "test.sh: screenshots and other artifacts in TestResults/artifacts"
  echo "${passed:-0} passed, ${failed} failed, ${skipped} skipped"
  [ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "${passed:-0}" -gt 0 ] || exit 1
else
  echo "0 passed, 1 failed"
  echo "test.sh: no test results were written (the build or the test host failed)" >&2
  exit 1
fi
