#!/usr/bin/env bash
# Regenerates router/src/vcenter/vim25-types.generated.json from Debian's govmomi sources
# (package golang-github-vmware-govmomi-dev). The JSON is committed, so a build needs no Go.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
gopath="${GOPATH_GOVMOMI:-/usr/share/gocode}"
types_dir="${gopath}/src/github.com/vmware/govmomi/vim25/types"
out="${repo}/router/src/vcenter/vim25-types.generated.json"

if [[ ! -d "${types_dir}" ]]; then
  echo "gen-vim25-types: ${types_dir} not found (apt-get install golang-github-vmware-govmomi-dev)" >&2
  exit 1
fi

version="$(dpkg-query -W -f '${Version}' golang-github-vmware-govmomi-dev 2>/dev/null || echo unknown)"
source_text="govmomi vim25/types, Debian golang-github-vmware-govmomi-dev ${version}, Apache-2.0"

# Syntax-only reading: GOPATH mode, no module download, nothing from the network.
GO111MODULE=off GOPROXY=off GOCACHE="${GOCACHE:-${repo}/.cache/go-build}" \
  go run "${here}/main.go" -types "${types_dir}" -out "${out}" -source "${source_text}"
echo "wrote ${out} ($(wc -c <"${out}") bytes)"
