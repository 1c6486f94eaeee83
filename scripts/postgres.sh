#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the Sink tests and local runs.
#
#   scripts/postgres.sh start    # prints: export EASYHARD_TEST_POSTGRES='Host=...'
#   eval "$(scripts/postgres.sh start)"
#   scripts/postgres.sh stop     # stops and deletes the cluster
#   scripts/postgres.sh halt     # stops it, keeping the data for the next start
#
# It installs nothing: it uses the Debian `postgresql` package's binaries. initdb refuses to run as
# root, so when invoked as root the cluster runs as the `postgres` OS user. Local connections are
# trusted and the superuser's password is `postgres`, so any client and any connection string works.
# Human-readable messages go to stderr; stdout carries only the export line, so `eval` is safe.
set -euo pipefail

PORT="${EASYHARD_PG_PORT:-55432}"
DATABASE="easyhard_test"
PASSWORD="postgres"
BASE="${EASYHARD_PG_DIR:-${TMPDIR:-/tmp}/easyhard-pg-${PORT}}"
DATA="${BASE}/data"
SOCKETS="${BASE}/sockets"
LOG="${BASE}/postgres.log"
CONNECTION="Host=127.0.0.1;Port=${PORT};Username=postgres;Password=${PASSWORD};Database=${DATABASE}"

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    echo "${PG_BIN}"
    return
  fi
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x "${dir}/initdb" ]]; then
      echo "${dir}"
      return
    fi
  done
  echo "postgres.sh: no PostgreSQL server binaries found (apt-get install postgresql)" >&2
  exit 1
}

BIN="$(find_bin)"

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [[ -f "${DATA}/postmaster.pid" ]] && as_owner "${BIN}/pg_ctl" -D "${DATA}" status >/dev/null 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + 60))
  until "${BIN}/pg_isready" -q -h 127.0.0.1 -p "${PORT}" -U postgres; do
    if ((SECONDS >= deadline)); then
      echo "postgres.sh: server did not accept connections within 60 s; log: ${LOG}" >&2
      tail -n 20 "${LOG}" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

psql_admin() {
  PGPASSWORD="${PASSWORD}" "${BIN}/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PORT}" -U postgres -d postgres "$@"
}

start() {
  if ! is_running; then
    mkdir -p "${BASE}"
    if [[ "$(id -u)" == "0" ]]; then
      chown postgres: "${BASE}"
    fi
    if [[ ! -f "${DATA}/PG_VERSION" ]]; then
      local pwfile="${BASE}/pwfile"
      echo "${PASSWORD}" >"${pwfile}"
      if [[ "$(id -u)" == "0" ]]; then chown postgres: "${pwfile}"; fi
      as_owner "${BIN}/initdb" -D "${DATA}" -U postgres --pwfile="${pwfile}" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"${BASE}/initdb.log" 2>&1 || {
        cat "${BASE}/initdb.log" >&2
        exit 1
      }
      rm -f "${pwfile}"
    fi
    as_owner mkdir -p "${SOCKETS}"
    echo "postgres.sh: starting PostgreSQL on 127.0.0.1:${PORT} (data ${DATA})" >&2
    # fsync off: a throwaway test cluster trades crash safety for speed.
    as_owner "${BIN}/pg_ctl" -D "${DATA}" -l "${LOG}" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p ${PORT} -k ${SOCKETS} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
  else
    echo "postgres.sh: already running on 127.0.0.1:${PORT}" >&2
  fi
  wait_ready
  if [[ "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'")" != "1" ]]; then
    psql_admin -c "CREATE DATABASE ${DATABASE}"
  fi
  echo "postgres.sh: ready; connection string: ${CONNECTION}" >&2
  echo "export EASYHARD_TEST_POSTGRES='${CONNECTION}'"
}

stop() {
  if is_running; then
    as_owner "${BIN}/pg_ctl" -D "${DATA}" -m fast -w stop >/dev/null
    echo "postgres.sh: stopped" >&2
  else
    echo "postgres.sh: not running" >&2
  fi
  rm -rf "${BASE}"
}

# Stops the server but keeps its data, so that `start` brings the same database back (outage tests).
halt() {
  if is_running; then
    as_owner "${BIN}/pg_ctl" -D "${DATA}" -m fast -w stop >/dev/null
    echo "postgres.sh: halted (data kept in ${DATA})" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  halt) halt ;;
  status)
    if is_running; then echo "running on 127.0.0.1:${PORT}" >&2; else echo "not running" >&2; exit 3; fi ;;
  *)
    echo "usage: $0 start|stop|halt|status" >&2
    exit 2
    ;;
esac
