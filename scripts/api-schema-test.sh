#!/usr/bin/env bash
# Runs schemathesis (from PyPI) against the OpenAPI document the release binary serves, signed
# with an API key: every operation gets generated valid and invalid requests, and the run fails
# on any 500 or any answer the document does not describe. Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=target/schemathesis-venv
BINARY=./target/release/hookrelay
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-30}

if ! "${VENV}/bin/schemathesis" --version 2>/dev/null | grep -q " ${SCHEMATHESIS_VERSION}\$"; then
  printf '\033[1m==> installing schemathesis %s\033[0m\n' "${SCHEMATHESIS_VERSION}" >&2
  python3 -m venv "${VENV}"
  "${VENV}/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
fi

DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:${PORT}"
printf 'correct horse battery\n' | "${BINARY}" user create --email schema@example.com --data-dir "${DATA}" >/dev/null
KEY=$("${BINARY}" api-key create --email schema@example.com --name schemathesis --data-dir "${DATA}" | tail -n1)
"${BINARY}" serve --bind "127.0.0.1:${PORT}" --data-dir "${DATA}" 2>"${DATA}/server.log" &
SERVER=$!
trap 'kill "${SERVER}" 2>/dev/null; wait "${SERVER}" 2>/dev/null; rm -rf "${DATA}"' EXIT
for _ in $(seq 100); do
  curl -fs "${BASE}/healthz" >/dev/null && break
  sleep 0.1
done
# Declared types make valid requests possible (subscriptions and events name them).
for name in invoice.paid user.created; do
  curl -fs -o /dev/null -X POST "${BASE}/api/v1/event-types" -H "Authorization: Bearer ${KEY}" \
    -H 'content-type: application/json' -d "{\"name\": \"${name}\"}"
done

# The inbound /_webhooks/ route is served from the root (its path-level `servers`), which
# schemathesis does not follow; the integration tests cover it. Operator routes need an
# operator key, which this run does not hold: they are checked to answer 401 as documented.
# Not run: positive_data_acceptance, which expects every schema-valid request to succeed. Many
# rules cannot be written in JSON Schema (a type must be declared before it is published, a
# cursor must carry the prefix of the list it came from, a subscription URL must be https and
# public); those requests get a documented 422 naming the field, which the other checks verify.
"${VENV}/bin/schemathesis" run "${BASE}/api/v1/openapi.json" \
  --url "${BASE}/api/v1" \
  --header "Authorization: Bearer ${KEY}" \
  --exclude-path-regex '^/_webhooks/' \
  --checks all \
  --exclude-checks positive_data_acceptance \
  --max-examples "${EXAMPLES}" \
  --seed 1 \
  --no-color
