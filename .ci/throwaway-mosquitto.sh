# Sourced by test.sh and bench/run.sh: installs Debian's mosquitto when missing, starts a broker of our own in a temp
# folder on a free loopback port (anonymous, persistent, with queues deep enough for the outage tests), stops it and
# deletes the folder when the shell exits. Afterwards $mqtt_address is HOST:PORT and $mqtt_binary the broker's path
# (tests that stop and start a broker run their own from it).
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
mqtt_binary=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if [ ! -x "$mqtt_binary" ]; then
  echo "installing mosquitto (apt-get)…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto >/dev/null
  mqtt_binary=$(command -v mosquitto || echo /usr/sbin/mosquitto)
fi
mqttdir=$(mktemp -d /tmp/opsconsole-mqtt.XXXXXX)
mqttport=$(( 20000 + RANDOM % 20000 ))
while (echo > /dev/tcp/127.0.0.1/$mqttport) 2>/dev/null; do mqttport=$(( mqttport + 1 )); done
[ "$(id -u)" -eq 0 ] && chown mosquitto "$mqttdir" 2>/dev/null
# max_queued_messages: mosquitto drops messages queued for an offline client beyond it (1,000 by default); the
# outage tests and the ingest benchmark queue more. max_inflight_messages 0: a client's MQTT 5 receive maximum
# is the only limit on unacknowledged messages (it acknowledges after its batch commits).
cat > "$mqttdir/mosquitto.conf" <<CONF
listener $mqttport 127.0.0.1
allow_anonymous true
persistence true
persistence_location $mqttdir/
max_queued_messages 1000000
max_inflight_messages 0
log_dest file $mqttdir/mosquitto.log
CONF
stop_mqtt() {
  [ -f "$mqttdir/pid" ] && kill "$(cat "$mqttdir/pid")" 2>/dev/null
  for _ in $(seq 50); do [ -f "$mqttdir/pid" ] && kill -0 "$(cat "$mqttdir/pid")" 2>/dev/null || break; sleep 0.1; done
  rm -rf "$mqttdir"
}
"$mqtt_binary" -c "$mqttdir/mosquitto.conf" >/dev/null 2>&1 &
echo $! > "$mqttdir/pid"
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$mqttport) 2>/dev/null && break; sleep 0.05; done
(echo > /dev/tcp/127.0.0.1/$mqttport) 2>/dev/null || { cat "$mqttdir/mosquitto.log" 2>/dev/null; echo "mosquitto did not start" >&2; exit 1; }
echo "mosquitto $("$mqtt_binary" -h 2>/dev/null | sed -n 's/^mosquitto version //p') on 127.0.0.1:$mqttport"
mqtt_address="127.0.0.1:$mqttport"
