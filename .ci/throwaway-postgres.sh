# Sourced by test.sh and bench/run.sh: installs Debian's postgresql when missing, starts a cluster of our own in a
# temp folder on a free loopback port (fsync off: it is thrown away), stops and deletes it when the shell exits.
# Afterwards $pg_connection is an Npgsql connection string for the superuser "postgres".
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "installing postgresql (apt-get)…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdir=$(mktemp -d /tmp/opsconsole-pg.XXXXXX)
pgport=$(( 20000 + RANDOM % 20000 ))
while (echo > /dev/tcp/127.0.0.1/$pgport) 2>/dev/null; do pgport=$(( pgport + 1 )); done
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdir"
stop_pg() { as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/log" \
  -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "PostgreSQL $(basename "$(dirname "$pgbin")") on 127.0.0.1:$pgport"
pg_connection="Host=127.0.0.1;Port=$pgport;Username=postgres;Timeout=15;Command Timeout=60"
