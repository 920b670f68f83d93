# Sourced by the test and benchmark scripts: `start_postgres` starts a throwaway PostgreSQL
# cluster in a temporary folder on a free loopback port, exports HOOKRELAY_TEST_POSTGRES_URL
# naming its `postgres` database, and stops and removes it when the calling script exits,
# whether it succeeds or fails. No system service is used or needed. fsync is off (nothing in
# it outlives the run) unless PG_FSYNC=on (the benchmark: commits cost what they cost).
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user.

postgres_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "${dir}/initdb" ]; then
      echo "${dir}"
      return
    fi
  done
  echo "PostgreSQL is not installed: run ./scripts/setup.sh --e2e (or make test)" >&2
  return 1
}

start_postgres() {
  local bin port
  bin=$(postgres_bin)
  PG_DIR=$(mktemp -d -t hookrelay-pg.XXXXXX)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "${PG_DIR}"
    PG_AS=(runuser -u postgres --)
  else
    PG_AS=()
  fi
  "${PG_AS[@]}" "${bin}/initdb" -D "${PG_DIR}/data" -A trust -U hookrelay --no-sync --locale=C -E UTF8 >"${PG_DIR}/initdb.log" 2>&1 \
    || { cat "${PG_DIR}/initdb.log" >&2; return 1; }
  PG_CTL=("${PG_AS[@]}" "${bin}/pg_ctl" -D "${PG_DIR}/data")
  trap stop_postgres EXIT
  "${PG_CTL[@]}" -w -l "${PG_DIR}/server.log" start \
    -o "-c listen_addresses=127.0.0.1 -p ${port} -k ${PG_DIR} -c fsync=${PG_FSYNC:-off} -c full_page_writes=${PG_FSYNC:-off} -c max_connections=400" >/dev/null \
    || { cat "${PG_DIR}/server.log" >&2; return 1; }
  export HOOKRELAY_TEST_POSTGRES_URL="postgres://hookrelay@127.0.0.1:${port}/postgres"
  printf '\033[1m==> PostgreSQL for the tests at %s\033[0m\n' "${HOOKRELAY_TEST_POSTGRES_URL}" >&2
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "${PG_DIR}"
    PG_DIR=
  fi
}
