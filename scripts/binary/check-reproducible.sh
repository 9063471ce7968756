#!/usr/bin/env bash
# Builds the single executable a second time from the same tree and compares the bytes with
# dist/vmware-event-router, so a change that makes builds differ is caught where it is made.
# The second build reuses build/'s caches (tools, Node, the compiled addon); that the addon
# itself compiles to the same bytes from any folder was checked by hand (scripts/binary/README.md).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly repo_root
readonly first="${repo_root}/dist/vmware-event-router"
readonly second="${repo_root}/build/binary/vmware-event-router.second"

fail() {
  printf 'check-reproducible: error: %s\n' "$*" >&2
  exit 1
}

[[ -x "${first}" ]] || fail "${first} is missing: run make binary"
"${repo_root}/scripts/build-binary.sh" --output "${second}"
first_sha="$(sha256sum "${first}" | cut -d ' ' -f 1)"
second_sha="$(sha256sum "${second}" | cut -d ' ' -f 1)"
if [[ "${first_sha}" != "${second_sha}" ]]; then
  inputs="${repo_root}/build/binary"
  if ! diff "${inputs}/$(basename "${first}").inputs" "${inputs}/$(basename "${second}").inputs" \
    >&2; then
    fail "the staged files changed between the two builds (above): the tree changed; rerun"
  fi
  fail "two builds of the same files differ: ${first_sha} (${first}) and ${second_sha}" \
    "(${second}); cmp -l shows where"
fi
rm -f "${second}"
printf 'check-reproducible: two builds are the same bytes, sha256 %s\n' "${first_sha}"
