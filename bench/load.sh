#!/usr/bin/env sh
# `make bench-load`: national-scale data on PostgreSQL (1 million persons, 300 thousand cases; generated once),
# the production stack on port 8001, 16 virtual users for 60 s per page from a second process, then stop.
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/opendoor_national}"
export OPENDOOR_VAR_DIR="$PWD/var/national"
$BIN/python deploy/createdb.py
$BIN/python manage.py migrate -v 0
$BIN/python manage.py collectstatic --noinput -v 0
$BIN/python manage.py seed_demo --if-empty > /dev/null
if [ "$($BIN/python manage.py shell -v 0 -c 'from people.models import Person; print(Person.objects.count())')" -lt 1000000 ]; then
  $BIN/python manage.py generate_load --cases 300000 --persons 1000000 | tail -n 1
fi
$BIN/python manage.py bench_queries --label postgresql-national
CASE=$($BIN/python manage.py shell -v 0 -c "from cases.models import Case; print(Case.objects.filter(status='closed').latest('id').code)")
CERT=$($BIN/python manage.py shell -v 0 -c "from events.models import Certificate; print(Certificate.objects.filter(revoked_at=None).first().number)")
OPENDOOR_BIND=127.0.0.1:8001 OPENDOOR_WORKERS=4 OPENDOOR_VERIFY_PER_MINUTE=1000000 setsid sh deploy/serve.sh > var/bench-serve.log 2>&1 &
SERVER=$!
trap 'kill -- -$SERVER 2>/dev/null' EXIT INT TERM
until curl -sf http://127.0.0.1:8001/healthz > /dev/null; do sleep 1; done
$BIN/python bench/load.py --base http://127.0.0.1:8001 --users "${USERS:-16}" --seconds "${SECONDS_PER_PAGE:-60}" \
  --label postgresql-national --case "$CASE" --certificate "$CERT"
