# The two commands of the README:
#   make run    builds the release binary (installing what is missing) and starts Hookrelay
#   make test   runs every test: unit, integration (real server, on SQLite and on PostgreSQL),
#               browser tests and schemathesis against the OpenAPI document
.PHONY: run test setup setup-e2e build test-rust test-e2e test-api-schema fuzz fuzz-smoke bench bench-postgres bench-events clean

run: build
	./target/release/hookrelay serve

test: setup-e2e build test-rust test-e2e test-api-schema

setup:
	./scripts/setup.sh

setup-e2e:
	./scripts/setup.sh --e2e

# The shipped binary (release profile: LTO, one codegen unit); the tests build with the `tests`
# profile (the same optimisations without the whole-program pass).
build: setup
	cargo leptos build --release

# Unit, store and integration tests; the store's tests and the integration suite run on SQLite
# and on a throwaway PostgreSQL cluster.
test-rust:
	./scripts/test-rust.sh

test-e2e:
	cd end2end && npx playwright test

# schemathesis (PyPI) against the served OpenAPI document: no 500s, nothing undocumented.
test-api-schema:
	./scripts/api-schema-test.sh

# Every fuzz target for a minute each (FUZZ_SECONDS to change); fuzz-smoke is CI's short pass.
FUZZ_SECONDS ?= 60
fuzz:
	./scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke:
	./scripts/fuzz.sh 5

# Prints ingest and delivery throughput, latency and peak memory (see benches/delivery.rs).
bench: build
	cargo bench --bench delivery

# The same on a throwaway PostgreSQL cluster, with one instance and then two
# (BENCH_DATABASE_URL and BENCH_INSTANCES run `make bench` on a server of your own).
bench-postgres: setup-e2e build
	./scripts/bench-postgres.sh

# Seeds a million events once (target/bench-events) and times the dashboard's pages on them.
bench-events: build
	cargo bench --bench events_page

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/test-results end2end/screenshots
