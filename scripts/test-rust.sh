#!/usr/bin/env bash
# The Rust tests (`make test-rust`): unit tests, the store's contract on SQLite and PostgreSQL,
# and the integration suite (tests/api) twice, once per backend. PostgreSQL is a throwaway
# cluster started here and stopped at exit (scripts/postgres-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres-cluster.sh

start_postgres
cargo test --profile tests --workspace --features app/ssr
printf '\033[1m==> the integration suite again, on PostgreSQL\033[0m\n' >&2
HOOKRELAY_TEST_BACKEND=postgres cargo test --profile tests --workspace --features app/ssr --test api
