#!/usr/bin/env bash
# Smoke tests of the single executable (`make binary-test`, run by CI after `make binary` and
# `make vcsim`): the tests copy dist/vmware-event-router alone into an empty folder and run
# --version, validate on a good and a bad config, and a real run against the test vCenter
# with the stdout processor. Prints the binary's size and start-up time, then checks that a
# second build gives the same bytes.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
readonly binary="${repo_root}/dist/vmware-event-router"

fail() {
  printf 'binary-test: error: %s\n' "$*" >&2
  exit 1
}

if [[ ! -x "${binary}" ]]; then
  printf 'binary-test: %s is missing; building it\n' "${binary}" >&2
  "${repo_root}/scripts/build-binary.sh"
fi
[[ -x "${repo_root}/build/vcsim/vcsim" ]] ||
  fail "build/vcsim/vcsim is missing: run make vcsim"
[[ -d "${repo_root}/node_modules/mocha" ]] || fail "node_modules is missing: run make deps"

printf 'binary-test: %s: %s bytes, sha256 %s\n' "${binary}" "$(stat -c %s "${binary}")" \
  "$(sha256sum "${binary}" | cut -d ' ' -f 1)"
cd "${repo_root}"
VMWARE_EVENT_ROUTER_BINARY="${binary}" npx mocha test/binary/native-addon-cache.test.ts \
  test/binary/binary-smoke.test.ts

# Same commit, same bytes: a second build must match the one just tested.
"${repo_root}/scripts/binary/check-reproducible.sh"
