#!/usr/bin/env bash
# Installs what building and testing Hookrelay needs and is missing. Idempotent, and quick when
# everything is already there. `--e2e` adds what the browser tests need (Chromium, Playwright).
# The traps behind each step are in TOOLCHAIN.md (shared with the project).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.6   # newer releases need a newer rustc than the machine's 1.95
BINARYEN_VERSION=132         # Debian's wasm-opt (108) makes bundles that never hydrate

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs Debian packages, updating the package lists once per run.
APT_UPDATED=
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${APT_UPDATED}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "cargo-leptos ${CARGO_LEPTOS_VERSION}\$"; then
  say "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (takes several minutes, once)"
  # Its release profile uses fat LTO, which costs ~10 minutes more on two cores for no gain here.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "${CARGO_LEPTOS_VERSION}" --locked --features no_downloads
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "${WASM_BINDGEN_VERSION}" ]; then
  echo "setup: cannot find the wasm-bindgen version in Cargo.lock" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  say "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION}"
  # Not --locked: one of its locked dependency versions is no longer on crates.io.
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION}"; then
  say "installing wasm-opt ${BINARYEN_VERSION} (npm binaryen)"
  npm install --global --no-fund --no-audit "binaryen@${BINARYEN_VERSION}"
fi

if [ "${1:-}" = "--e2e" ]; then
  # The tests start a throwaway cluster of their own (scripts/postgres-cluster.sh); the
  # package's system service, if it starts one, is not used.
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    say "installing PostgreSQL (Debian package)"
    apt_install postgresql
  fi
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium (Debian package)"
    apt_install chromium
  fi
  # npm ci again only when the lock file changed since the last install.
  if [ ! -f end2end/node_modules/.package-lock.json ] \
      || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the browser-test packages"
    (cd end2end && npm ci --no-fund --no-audit)
  fi
fi
