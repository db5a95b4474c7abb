#!/usr/bin/env bash
# The production topology by hand, as compose runs it (issue 32): PostgreSQL, redis-server with its append-only
# file, an S3 server (moto's), gunicorn with DEBUG off and two Dramatiq workers, each with its own data dir.
# scripts/topology_walk.py then walks upload -> label -> train -> predict -> export through the API, killing
# the worker that runs the prediction so that the other must finish it, and restarting Redis empty while an
# export is queued so that a worker must send it again. Everything started here is stopped
# at the end, passed or not. CI runs it after `make test`; by hand: `make topology`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TOPOLOGY_SERVICES:-}" ]; then  # PostgreSQL (and the tools) as the tests have them
  exec env TOPOLOGY_SERVICES=1 bash scripts/test-services.sh bash "$0" "$@"
fi
PY=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")
work=$(mktemp -d)
groups=()
database="aigva_topology_$$"
server_url=${DATABASE_URL%/*}

stop_everything() {
  [ -f "$work/more-groups" ] && groups+=($(cat "$work/more-groups"))
  for group in "${groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null || true; done
  sleep 2
  for group in "${groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null || true; done
  "$PY" -c "import psycopg, sys; c = psycopg.connect(sys.argv[1] + '/postgres', autocommit=True); \
c.execute('DROP DATABASE IF EXISTS $database WITH (FORCE)')" "$server_url" || true
  rm -rf "$work"
}
trap stop_everything EXIT

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
started() {  # run "$@" in its own process group, logging to $work/$1.log
  local name=$1; shift
  setsid "$@" >"$work/$name.log" 2>&1 &
  groups+=("$!")
  disown "$!"  # the walk kills one on purpose: no job notice for it
}
wait_for_port() {
  for _ in $(seq 120); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done
  echo "topology: nothing answered on port $1" >&2; return 1
}

redis_port=$(free_port); s3_port=$(free_port); web_port=$(free_port)
started redis redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --appendonly yes --save ""
export TOPOLOGY_REDIS_GROUP=${groups[-1]} TOPOLOGY_REDIS_PORT=$redis_port
started s3 "$BIN/moto_server" -H 127.0.0.1 -p "$s3_port"
wait_for_port "$redis_port"; wait_for_port "$s3_port"
"$PY" -c "import psycopg, sys; c = psycopg.connect(sys.argv[1] + '/postgres', autocommit=True); \
c.execute('CREATE DATABASE $database')" "$server_url"
"$PY" -c "import boto3, sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', \
aws_access_key_id='k', aws_secret_access_key='s').create_bucket(Bucket='aigva-media')" "http://127.0.0.1:$s3_port"

export DEBUG=false SECRET_KEY="topology-test-secret-key-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false AIGVA_ALLOW_RANDOM_INIT=true
export DATABASE_URL="$server_url/$database" REDIS_URL="redis://127.0.0.1:$redis_port/0"
export AWS_STORAGE_BUCKET_NAME=aigva-media AWS_S3_ENDPOINT_URL="http://127.0.0.1:$s3_port" AWS_S3_REGION_NAME=us-east-1
export AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s
export AIGVA_JOB_STALE_SECONDS=6 AIGVA_JOB_HEARTBEAT_SECONDS=1
unset DJANGO_SETTINGS_MODULE AIGVA_MEDIA_ROOT

AIGVA_DATA_DIR="$work/web" "$PY" manage.py migrate --no-input -v 0
token=$(AIGVA_DATA_DIR="$work/web" "$PY" manage.py shell --no-imports -c "
from api.services import create_token
from django.contrib.auth import get_user_model
print(create_token(user=get_user_model().objects.create_user('pipeline', password=None), name='topology')[1])")
AIGVA_DATA_DIR="$work/web" started web "$BIN/gunicorn" aigva.wsgi --bind "127.0.0.1:$web_port" --workers 2 --threads 4
for n in 1 2; do
  AIGVA_DATA_DIR="$work/worker$n" started "worker$n" "$PY" manage.py rundramatiq --processes 1 --threads 1
done
wait_for_port "$web_port"
echo "topology: PostgreSQL, redis-server (AOF), S3 (moto), gunicorn and two workers are up"

if ! "$PY" scripts/topology_walk.py "http://127.0.0.1:$web_port" "$token" "$work" "${groups[@]: -2}"; then
  for log in "$work"/*.log; do echo "--- $log"; tail -n 30 "$log"; done
  exit 1
fi
echo "topology: passed"
