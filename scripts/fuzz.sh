#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for SECONDS each (default 60); stops at the
# first crash, whose input libFuzzer saves under fuzz/artifacts/<target>/ (turn it into a
# regression test). `make fuzz` runs this; CI runs a short smoke pass (`make fuzz-smoke`).
# Built without a sanitizer (`-s none`): the machine's stable toolchain has no nightly, and the
# code under test is safe Rust, where libFuzzer's coverage guidance and panics are what count.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-60}
CARGO_FUZZ_VERSION=0.13.2

if ! cargo fuzz --version 2>/dev/null | grep -q " ${CARGO_FUZZ_VERSION}\$"; then
  printf '\033[1m==> installing cargo-fuzz %s\033[0m\n' "${CARGO_FUZZ_VERSION}" >&2
  cargo install cargo-fuzz --version "${CARGO_FUZZ_VERSION}" --locked
fi

cd fuzz
cargo fuzz build -s none
for target in $(cargo fuzz list); do
  printf '\033[1m==> fuzzing %s for %ss\033[0m\n' "${target}" "${SECONDS_EACH}" >&2
  log=$(mktemp)
  if ! cargo fuzz run -s none "${target}" -- -max_total_time="${SECONDS_EACH}" >"${log}" 2>&1; then
    tail -n 40 "${log}" >&2
    echo "fuzz: ${target} crashed; its input is in fuzz/artifacts/${target}/" >&2
    exit 1
  fi
  grep -E '^Done' "${log}" || true
  rm -f "${log}"
done
