#!/usr/bin/env bash
# Run the platform with demo data: ASGI server, Celery worker and beat, and a live replay of real
# Milwaukee calls through the CAD ingest API. Ctrl-C stops everything. Run via `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${RTCC_DEMO_HOST:-127.0.0.1}
PORT=${RTCC_DEMO_PORT:-8000}
SPEED=${RTCC_DEMO_SPEED:-60}
CSV=${RTCC_DEMO_CSV:-demo/milwaukee_calls_2018-05-01_03.csv}
LOGS=.demo/logs
mkdir -p "$LOGS"

if (exec 3<>"/dev/tcp/${HOST}/${PORT}") 2>/dev/null; then
  echo "Port ${PORT} is already in use (another demo running?). Stop it or set RTCC_DEMO_PORT." >&2
  exit 1
fi

.venv/bin/python manage.py demo_setup
# MFA is required: the demo users get an authenticator now; their setup keys are printed below.
.venv/bin/python manage.py demo_mfa >.demo/mfa-keys.txt
# Demo cameras: live-share ones use this demo's own /healthz as a stand-in stream host.
.venv/bin/python manage.py demo_cameras --stream-base "http://${HOST}:${PORT}/healthz"
# Demo LPR: a reader feed, readers at demo camera sites, a hotlist of invented plates.
.venv/bin/python manage.py demo_lpr
# Alert rules: armed-violence P1 calls (cameras attached, correlation opened), demo-hotlist hits.
.venv/bin/python manage.py demo_rules
# Analytics history: ~60 days of incidents, cases, alerts, hits and shots so the dashboards have figures.
.venv/bin/python manage.py demo_analytics
# A large-event workspace over downtown Milwaukee, active now ("Summerfest").
.venv/bin/python manage.py demo_operation
# Police beats from GeoJSON: the real Chicago file when ../shared/data is beside the checkout
# (it is not committed); the Milwaukee demo map does not need them.
BEATS=${RTCC_DEMO_BEATS:-../shared/data/chicago_police_beats_2014.geojson}
if [ -f "$BEATS" ]; then
  .venv/bin/python manage.py import_areas "$BEATS" --kind beats --derive-districts || echo "beats import failed (demo goes on)" >&2
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "stopping demo processes…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

.venv/bin/uvicorn rtcc.asgi:application --host "$HOST" --port "$PORT" --no-access-log >"$LOGS/web.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A rtcc worker --concurrency 2 -l info >"$LOGS/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A rtcc beat -l info -s .demo/celerybeat-schedule >"$LOGS/beat.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://${HOST}:${PORT}/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://${HOST}:${PORT}/healthz" >/dev/null || { echo "web server did not start; see $LOGS/web.log" >&2; exit 1; }

# Each demo run gets its own CAD numbers, so calls of an earlier run are never "reopened".
RUN_SUFFIX="-R$(date +%d%H%M%S)"
.venv/bin/python manage.py replay_calls "$CSV" --speed "$SPEED" --loop --suffix="$RUN_SUFFIX" \
  --url "http://${HOST}:${PORT}" --key-file .demo/cad-feed.key >"$LOGS/replay.log" 2>&1 &
pids+=($!)
# Invented plate reads, a few per second; about one in 40 is on the demo hotlist (a hit to verify).
.venv/bin/python manage.py replay_reads --url "http://${HOST}:${PORT}" --key-file .demo/lpr-feed.key \
  --run-id="$RUN_SUFFIX" >"$LOGS/lpr-replay.log" 2>&1 &
pids+=($!)

cat <<TXT

  RTCC Ops demo is running:  http://${HOST}:${PORT}/

  Logins (demo only):
    analyst     rtcc-analyst-demo      (ops map)
    supervisor  rtcc-supervisor-demo
    admin       rtcc-admin-demo        (also /admin/, /rules/, /cameras/review/, /cameras/import/)
    wall        rtcc-wall-demo         (read-only wall display: /wall/)
    auditor     rtcc-auditor-demo      (audit trail, export, anomaly flags: /audit/)

$(cat .demo/mfa-keys.txt)
    Current code without a phone: .venv/bin/python manage.py mfa_code analyst

  Camera self-registration (public, no login): http://${HOST}:${PORT}/cameras/register/

  Replaying ${CSV} at ${SPEED}x through POST /api/v1/ingest/cad/.
  Invented plate reads every second through POST /api/v1/ingest/lpr/; hits to verify at /lpr/hits/.
  Logs: ${LOGS}/{web,worker,beat,replay,lpr-replay}.log      Stop: Ctrl-C

TXT
wait -n "${pids[@]}"
echo "a demo process exited; see ${LOGS}/" >&2
exit 1
