# Sourced by test.sh: installs Debian's redis-server (and haproxy, for the proxy tests) when missing, starts a
# redis-server of our own in a temp folder on a free loopback port (no persistence: it holds only the event bridge's
# pub/sub, SignalR's backplane and the cache's second level), stops it and deletes the folder when the shell exits.
# Afterwards $redis_address is HOST:PORT and $redis_binary the server's path (outage tests run their own from it).
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
redis_binary=$(command -v redis-server || echo /usr/bin/redis-server)
haproxy_binary=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ ! -x "$redis_binary" ] || [ ! -x "$haproxy_binary" ]; then
  echo "installing redis-server and haproxy (apt-get)…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server haproxy >/dev/null
  redis_binary=$(command -v redis-server || echo /usr/bin/redis-server)
fi
redisdir=$(mktemp -d /tmp/opsconsole-redis.XXXXXX)
redisport=$(( 20000 + RANDOM % 20000 ))
while (echo > /dev/tcp/127.0.0.1/$redisport) 2>/dev/null; do redisport=$(( redisport + 1 )); done
stop_redis() {
  [ -f "$redisdir/pid" ] && kill "$(cat "$redisdir/pid")" 2>/dev/null
  for _ in $(seq 50); do [ -f "$redisdir/pid" ] && kill -0 "$(cat "$redisdir/pid")" 2>/dev/null || break; sleep 0.1; done
  rm -rf "$redisdir"
}
"$redis_binary" --port "$redisport" --bind 127.0.0.1 --save "" --appendonly no --dir "$redisdir" \
  --logfile "$redisdir/redis.log" --daemonize no >/dev/null 2>&1 &
echo $! > "$redisdir/pid"
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$redisport) 2>/dev/null && break; sleep 0.05; done
(echo > /dev/tcp/127.0.0.1/$redisport) 2>/dev/null || { cat "$redisdir/redis.log" 2>/dev/null; echo "redis-server did not start" >&2; exit 1; }
echo "redis-server $("$redis_binary" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on 127.0.0.1:$redisport"
redis_address="127.0.0.1:$redisport"
