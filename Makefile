# The two commands of the README:
#   make run    builds the release binary (installing what is missing) and starts Hookrelay
#   make test   runs every test: unit, integration (real server, real SQLite) and browser tests
.PHONY: run test setup setup-e2e build test-rust test-e2e bench bench-events clean

run: build
	./target/release/hookrelay serve

test: setup-e2e build test-rust test-e2e

setup:
	./scripts/setup.sh

setup-e2e:
	./scripts/setup.sh --e2e

# One release build serves both the binary and the tests, so nothing is compiled twice.
build: setup
	cargo leptos build --release

test-rust:
	cargo test --release --workspace --features app/ssr

test-e2e:
	cd end2end && npx playwright test

# Prints ingest and delivery throughput, latency and peak memory (see benches/delivery.rs).
bench: build
	cargo bench --bench delivery

# Seeds a million events once (target/bench-events) and times the dashboard's pages on them.
bench-events: build
	cargo bench --bench events_page

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/test-results end2end/screenshots
