#!/usr/bin/env bash
# Runs the given command against real PostgreSQL, Redis and Chromium. Uses DATABASE_URL and
# REDIS_URL when set; otherwise the local servers on 127.0.0.1, installed and started here
# (as root, with apt-get) when they are not running.
set -euo pipefail

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "Missing $*: install it (apt-get install $*) or set DATABASE_URL / REDIS_URL." >&2
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ -z "${DATABASE_URL:-}" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_install postgresql
    cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
    [ -n "$cluster" ] || { pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main; cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}'); }
    pg_ctlcluster $cluster start || true
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
  fi
  export DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/aigva"
fi

if [ -z "${REDIS_URL:-}" ]; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    command -v redis-server >/dev/null || apt_install redis-server
    redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no --daemonize yes
    for _ in $(seq 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.5; done
  fi
  # Database 15 keeps the tests' queues apart from a developer's own.
  export REDIS_URL="redis://127.0.0.1:6379/15"
fi

[ -x /usr/bin/chromium ] || apt_install chromium
# The tests make rotated phone clips with ffmpeg's CLI (PyAV cannot write a display matrix).
command -v ffmpeg >/dev/null || apt_install ffmpeg
# compose's front, for the slow-client test of deploy/nginx.conf.
command -v nginx >/dev/null || apt_install nginx-light

exec "$@"
