#!/usr/bin/env bash
# Idempotent setup for development, demo and tests on Debian/Ubuntu:
# system packages (only when missing), PostgreSQL + PostGIS and Redis (started when down),
# the database and role, the Python virtualenv from the lock files, npm packages from
# package-lock.json, and migrations. A second run installs nothing and takes seconds.
#
#   scripts/setup.sh              # what the demo needs
#   scripts/setup.sh --with-browser   # also Debian's Chromium, for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_BROWSER=0
[ "${1:-}" = "--with-browser" ] && WITH_BROWSER=1

DB_NAME=${RTCC_DB_NAME:-rtcc}
DB_USER=${RTCC_DB_USER:-rtcc}
DB_PASSWORD=${RTCC_DB_PASSWORD:-rtcc}
PG_PORT=${RTCC_PG_PORT:-5432}
REDIS_PORT=${RTCC_REDIS_PORT:-6379}

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# --- system packages --------------------------------------------------------------------
pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }
missing=()
command -v python3 >/dev/null || missing+=(python3)
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v gdalinfo >/dev/null || missing+=(gdal-bin)
if [ -z "$(pg_version)" ]; then
  missing+=(postgresql postgresql-contrib)
fi
if [ "$WITH_BROWSER" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium fonts-dejavu-core)
fi
# Tests render PDFs (court packets, bulletins) to PNG to look at them.
if [ "$WITH_BROWSER" = 1 ] && ! command -v pdftoppm >/dev/null; then
  missing+=(poppler-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PG_VER=$(pg_version)
if ! installed "postgresql-${PG_VER}-postgis-3"; then
  log "installing PostGIS for PostgreSQL ${PG_VER}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-${PG_VER}-postgis-3" >/dev/null
fi

# --- services -----------------------------------------------------------------------------
if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
  log "starting PostgreSQL ${PG_VER}"
  [ -d "/etc/postgresql/${PG_VER}/main" ] || as_root pg_createcluster "$PG_VER" main >/dev/null
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VER" main start || as_root pg_ctlcluster "$PG_VER" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /tmp/rtcc-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp/rtcc-redis --logfile /tmp/rtcc-redis/redis.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

# --- database role and database (as the postgres superuser, over the local socket) ------------
pg_admin() { as_root runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(pg_admin -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='${DB_USER}'")" != "1" ]; then
  log "creating database role ${DB_USER}"
  # Superuser so the test runner can create test databases with the postgis extension.
  pg_admin -d postgres -c "CREATE ROLE ${DB_USER} LOGIN SUPERUSER PASSWORD '${DB_PASSWORD}'"
fi
if [ "$(pg_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname='${DB_NAME}'")" != "1" ]; then
  log "creating database ${DB_NAME}"
  pg_admin -d postgres -c "CREATE DATABASE ${DB_NAME} OWNER ${DB_USER}"
fi
pg_admin -d "$DB_NAME" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null

# --- Python virtualenv from the lock files ---------------------------------------------------
lock_sum=$(cat requirements.lock requirements-dev.lock | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.lock-sha 2>/dev/null)" != "$lock_sum" ]; then
  log "installing Python packages from requirements.lock and requirements-dev.lock"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
  echo "$lock_sum" > .venv/.lock-sha
fi

# --- front-end packages from package-lock.json ----------------------------------------------
npm_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat node_modules/.lock-sha 2>/dev/null)" != "$npm_sum" ]; then
  log "installing front-end packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_sum" > node_modules/.lock-sha
fi

# --- schema ------------------------------------------------------------------------------
log "applying migrations"
.venv/bin/python manage.py migrate --noinput -v 0
log "setup complete"
