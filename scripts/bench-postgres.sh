#!/usr/bin/env bash
# `make bench-postgres`: the delivery benchmark on a throwaway PostgreSQL cluster (fsync on, as
# in production), with one instance and then two (BENCH_INSTANCES). Other BENCH_* variables
# pass through (see benches/delivery.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres-cluster.sh

PG_FSYNC=on start_postgres
export BENCH_DATABASE_URL="${HOOKRELAY_TEST_POSTGRES_URL}"
for instances in ${BENCH_INSTANCES_LIST:-1 2}; do
  BENCH_INSTANCES="${instances}" cargo bench --bench delivery
done
