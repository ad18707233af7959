#!/usr/bin/env sh
# The production stack on this machine: PostgreSQL on 127.0.0.1, Redis cache, gunicorn, the task worker.
# Used by `make serve` (to try it) and by deploy/smoke.py (CI). Stops both processes on exit.
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/opendoor}"
export OPENDOOR_CACHE_URL="${OPENDOOR_CACHE_URL:-redis://127.0.0.1:6379/1}"
# A demo of the production stack on this machine (plain http on loopback, the demo region); a real
# deployment sets OPENDOOR_DEMO=false with the settings in README («Production»).
export OPENDOOR_DEMO="${OPENDOOR_DEMO:-true}"
export OPENDOOR_REQUIRE_2FA="${OPENDOOR_REQUIRE_2FA:-false}"
export OPENDOOR_BIND="${OPENDOOR_BIND:-127.0.0.1:8000}"
export OPENDOOR_WORKERS="${OPENDOOR_WORKERS:-3}"
# A secret key kept in var/ so sessions survive restarts of this local stack.
if [ -z "${OPENDOOR_SECRET_KEY:-}" ]; then
  mkdir -p var
  [ -f var/secret_key ] || $BIN/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  OPENDOOR_SECRET_KEY="$(cat var/secret_key)"
  export OPENDOOR_SECRET_KEY
fi
$BIN/python deploy/createdb.py
$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py collectstatic --noinput -v 0
$BIN/python manage.py seed_demo --if-empty
$BIN/python manage.py run_worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null' EXIT INT TERM
echo "«Открытая дверь» (gunicorn, PostgreSQL, Redis): http://$OPENDOOR_BIND/"
$BIN/gunicorn -c opendoor/gunicorn.conf.py opendoor.wsgi
