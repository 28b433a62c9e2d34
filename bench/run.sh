#!/usr/bin/env bash
# bench/run.sh NAME — builds Release, starts the console on a temporary database, runs one benchmark, prints its
# figures and appends them to docs/benchmarks.md with the date.
#   startup  process start to /health/ready = 200, and resident memory when idle
#   api      requests/s and p99 latency for an authenticated list endpoint, 32 concurrent connections (wrk)
#   dispatch 64 HTTP workers drain 20,000 ready tasks via /api/dispatch/next, beside the raw ceiling (the same claim
#            SQL on 64 direct connections), two rounds of each, rates over both; then a bulk approval of 10,000
#            suggestions; on SQLite and on PostgreSQL
#   etl-ingest  50 jobs × 20,000 rows from the simulator end to end, beside the raw bulk path on the same rows,
#               and the console's peak resident memory; on SQLite and on PostgreSQL
#   etl-missing GET /api/missing for a year of 500 branches × 2 POS (95% of cells with jobs)
#   etl-export  1,000,000 records as streamed CSV: rows/s and how much the console's memory grows
#   yard     the poller at 300 hostlers × 5,000 workbasket tasks: a cycle's own processing time and allocations,
#            database writes when nothing changed, and change-to-screen latency in Chromium at a 1 s interval
#   maintenance-analytics  the analytics computation over a year of 200 machines, 100,000 tickets and the periods and
#            production roll-ups of 1,000,000 machine events, generated in memory; then the same year written to a SQLite
#            file through the migrations and read back for the plant and the year by MaintenanceReports (read + compute)
#   maintenance-mqtt  200 machines publish QoS 1 telemetry through a throwaway mosquitto for BENCH_SECONDS (60 by
#            default; e.g. BENCH_SECONDS=10 for a smoke run) per round: the console's subscriber and batch writer into
#            its own store (MachineTelemetryStore on a migrated database) and, as the raw reference, into a table keyed
#            on (machine, seq), on SQLite and on PostgreSQL: msg/s, lost and duplicated, beside a bare MQTTnet subscriber
#            that counts and drops, all measured in the same run
#   sync     the built-in task-system simulators over HTTP (BENCH_SYNC_TASKS, 50,000 by default): the initial sync of every
#            source task (tasks/s, no limit), the dry-run plan after 5% of the tasks changed on each side (median of 5)
#            with the console's peak memory, and a push against a destination limited to 100 requests per 10 s (the share
#            of the allowed rate achieved, and its 429s); on SQLite
#   cluster  two clustered consoles (Cluster:Enabled) on one PostgreSQL and one redis-server: dispatch claims/s of 64
#            HTTP workers through one instance and split over both, alternating in rounds on the same database (the
#            ratio two/one); and the latency of an event from a change committed on A to a hub client on B, p50/p95
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
name=${1:-}
case "$name" in startup|api|dispatch|etl-ingest|etl-missing|etl-export|yard|maintenance-analytics|maintenance-mqtt|sync|cluster) ;; *) echo "usage: bench/run.sh startup|api|dispatch|etl-ingest|etl-missing|etl-export|yard|maintenance-analytics|maintenance-mqtt|sync|cluster" >&2; exit 2 ;; esac

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
command -v wrk >/dev/null || { as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }

out="$root/bench/out"
case "$name" in maintenance-analytics|maintenance-mqtt) ;;   # they need no published console
*) echo "bench: publishing Release (ReadyToRun) to bench/out/app…"
   dotnet publish OpsConsole/OpsConsole.csproj -c Release -r linux-x64 --self-contained false -o "$out/app" --nologo -v q >/dev/null ;;
esac

work=$(mktemp -d /tmp/opsconsole-bench.XXXXXX)
port=$(( 30000 + RANDOM % 20000 ))
password="bench-pass-2026"
export ASPNETCORE_ENVIRONMENT=Production
export Urls="http://127.0.0.1:$port"
export ConnectionStrings__OpsConsole="Data Source=$work/ops.db"
export Demo__Enabled=true Demo__Password="$password" Simulators__Enabled=true Simulators__SelfUrl="http://127.0.0.1:$port"
export Logging__LogLevel__Default=Warning

pid=""
stop_app() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""; }
pid2=""
cleanup() { stop_app; [ -n "$pid2" ] && kill "$pid2" 2>/dev/null; rm -rf "$work"; [ "$(type -t stop_pg)" = function ] && stop_pg
  [ "$(type -t stop_mqtt)" = function ] && stop_mqtt; [ "$(type -t stop_redis)" = function ] && stop_redis; true; }
trap cleanup EXIT

start_app() {
  local started=$(date +%s%N)
  (cd "$out/app" && exec ./OpsConsole >"$work/app.log" 2>&1) &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/app.log"; echo "bench: the console exited" >&2; exit 1; }
    sleep 0.02
  done
  ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
}

build_bench() {
  echo "bench: building the load generator…"
  dotnet build bench/OpsConsole.Bench/OpsConsole.Bench.csproj -c Release -o "$out/bench" --nologo -v q >/dev/null
}
bench() { "$out/bench/OpsConsole.Bench" "$@" --url "http://127.0.0.1:$port" --password "$password"; }
peak_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }

rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }

record() {
  local line="$1"
  echo "$line"
  { [ -s docs/benchmarks.md ] || printf '# Benchmarks\n\nFigures appended by `bench/run.sh NAME` (2-core, 24 GiB machine).\n\n'
    echo "- $(date -u '+%Y-%m-%d %H:%M UTC') \`bench/run.sh $name\`: $line"; } >> docs/benchmarks.md
}

case "$name" in
  startup)
    # The first start creates and migrates the database and the demo users; the second is an ordinary restart.
    start_app; first=$ready_ms
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    start_app; ready=$ready_ms
    sleep 15
    curl -s -o /dev/null "http://127.0.0.1:$port/health/ready"
    sleep 5
    idle=$(rss_mb)
    record "first start (new database) ready in ${first} ms; restart ready in ${ready} ms; idle resident memory ${idle} MB (targets: < 3000 ms, < 250 MB)"
    ;;
  api)
    start_app
    token=$(curl -s -X POST "http://127.0.0.1:$port/api/auth/login" -H 'Content-Type: application/json' \
      -d "{\"username\":\"viewer\",\"password\":\"$password\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    [ -n "$token" ] || { echo "bench: no token" >&2; exit 1; }
    url="http://127.0.0.1:$port/api/audit?page_size=20"
    wrk -t2 -c32 -d5s -H "Authorization: Bearer $token" "$url" >/dev/null   # warm-up (JIT, pools)
    result=$(wrk -t2 -c32 -d20s --latency -H "Authorization: Bearer $token" "$url")
    echo "$result"
    rps=$(echo "$result" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    p50=$(echo "$result" | awk '$1 == "50%" { print $2 }')
    p99=$(echo "$result" | awk '$1 == "99%" { print $2 }')
    errors=$(echo "$result" | awk '/Non-2xx/ { print $NF }')
    record "GET /api/audit?page_size=20 with a bearer token, 32 connections, 20 s: ${rps} requests/s, p50 ${p50}, p99 ${p99}, non-2xx ${errors:-0} (target: >= 3000 requests/s)"
    ;;
  dispatch)
    build_bench
    . .ci/throwaway-postgres.sh
    status=0
    for provider in ${BENCH_PROVIDERS:-Sqlite PostgreSql}; do
      if [ "$provider" = Sqlite ]; then conn="Data Source=$work/dispatch.db"; else conn="$pg_connection;Database=bench_dispatch"; fi
      export Database__Provider=$provider ConnectionStrings__OpsConsole="$conn"
      start_app
      # The load generator shares the console's two cores, so it runs its socket continuations on the event-loop
      # threads, as wrk does, instead of handing each to the thread pool (a quarter of the machine went to it).
      # Only the load generator: the console keeps .NET's default.
      line=$(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "$out/bench/OpsConsole.Bench" dispatch --url "http://127.0.0.1:$port" --provider "$provider" --connection "$conn" --password "$password" --console-pid "$pid") || status=1
      record "$line"
      [ -n "${BENCH_KEEP_LOG:-}" ] && cp "$work/app.log" "/tmp/bench-$provider.log"
      stop_app
    done
    exit $status
    ;;
  etl-ingest)
    build_bench
    . .ci/throwaway-postgres.sh
    export Simulators__EtlRows=10000 Etl__FileStore="$work/files" Etl__Runners=${BENCH_RUNNERS:-3}
    for provider in ${BENCH_PROVIDERS:-Sqlite PostgreSql}; do
      if [ "$provider" = Sqlite ]; then conn="Data Source=$work/ingest.db"; else conn="$pg_connection;Database=bench_ingest"; fi
      export Database__Provider=$provider ConnectionStrings__OpsConsole="$conn"
      start_app
      line=$(Etl__Runners=${BENCH_RUNNERS:-3} bench etl-ingest --provider "$provider" --connection "$conn")
      record "$line; console peak resident memory $(peak_mb) MB (target < 400 MB)"
      stop_app
    done
    ;;
  etl-missing)
    build_bench
    conn="Data Source=$work/missing.db"
    export ConnectionStrings__OpsConsole="$conn"
    start_app
    record "$(bench etl-missing --provider Sqlite --connection "$conn")"
    ;;
  sync)
    build_bench
    export Simulators__Sync__SourceTasks=0 Sync__DemoConnection=false
    start_app
    record "$(bench sync --pid "$pid" --tasks "${BENCH_SYNC_TASKS:-50000}")"
    ;;
  maintenance-analytics)
    build_bench
    record "$("$out/bench/OpsConsole.Bench" maintenance-analytics)"
    ;;
  yard)
    build_bench
    start_app
    record "$(bench yard)"
    ;;
  etl-export)
    build_bench
    conn="Data Source=$work/export.db"
    export ConnectionStrings__OpsConsole="$conn"
    start_app
    "$out/bench/OpsConsole.Bench" etl-seed-records --connection "$conn" --rows 1000000 --url x --password x
    stop_app
    start_app
    sleep 2
    before=$(rss_mb)
    ( peak=0; while kill -0 "$pid" 2>/dev/null; do r=$(rss_mb); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$work/peak"; sleep 0.1; done ) &
    sampler=$!
    line=$(bench etl-export)
    kill "$sampler" 2>/dev/null || true
    record "$line; console memory $before MB before, $(cat "$work/peak") MB at most during the export (target: grows < 100 MB)"
    ;;
  cluster)
    build_bench
    . .ci/throwaway-postgres.sh
    . .ci/throwaway-redis.sh
    conn="$pg_connection;Database=bench_cluster"
    export Database__Provider=PostgreSql ConnectionStrings__OpsConsole="$conn" Cluster__Enabled=true Redis__Connection="$redis_address" \
      Mqtt__Enabled=false Operations__Metrics=Anonymous
    port2=$(( port + 1 ))
    # Started together, as a cluster is (the start-up lock makes one of them migrate and seed).
    (cd "$out/app" && Cluster__InstanceId=bench-a exec ./OpsConsole >"$work/app.log" 2>&1) &
    pid=$!
    (cd "$out/app" && Cluster__InstanceId=bench-b Urls="http://127.0.0.1:$port2" Simulators__SelfUrl="http://127.0.0.1:$port2" \
      exec ./OpsConsole >"$work/app2.log" 2>&1) &
    pid2=$!
    for p in "$port" "$port2"; do
      until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/health/ready" || true)" = 200 ]; do
        kill -0 "$pid" 2>/dev/null && kill -0 "$pid2" 2>/dev/null || { cat "$work/app.log" "$work/app2.log"; echo "bench: a console exited" >&2; exit 1; }
        sleep 0.1
      done
    done
    status=0
    line=$(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "$out/bench/OpsConsole.Bench" cluster --url "http://127.0.0.1:$port" --url2 "http://127.0.0.1:$port2" \
      --connection "$conn" --password "$password" --tasks "${BENCH_TASKS:-20000}") || status=1
    record "$line"
    exit $status
    ;;
  maintenance-mqtt)
    build_bench
    . .ci/throwaway-postgres.sh
    . .ci/throwaway-mosquitto.sh
    status=0
    for provider in ${BENCH_PROVIDERS:-Sqlite PostgreSql}; do
      if [ "$provider" = Sqlite ]; then conn="Data Source=$work/telemetry.db"; console="Data Source=$work/console.db"
      else conn="$pg_connection;Database=bench_telemetry"; console="$pg_connection;Database=bench_console"; fi
      line=$("$out/bench/OpsConsole.Bench" maintenance-mqtt --mqtt "$mqtt_address" --seconds "${BENCH_SECONDS:-60}" --provider "$provider" \
        --connection "$conn" --console-connection "$console") || status=1
      record "$line"
    done
    exit $status
    ;;
esac
