#!/usr/bin/env bash
# Regenerates the vim25 type table from Debian's govmomi sources
# (package golang-github-vmware-govmomi-dev). The JSON is committed, so a build needs no Go.
#
#   scripts/gen-vim25-types/run.sh [OUTPUT]
#
# OUTPUT defaults to router/src/vcenter/vim25-types.generated.json; a test writes elsewhere
# to prove the committed table is what this script produces.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
out="${1:-${repo}/router/src/vcenter/vim25-types.generated.json}"
gopath="${GOVMOMI_GOPATH:-/usr/share/gocode}"
types_dir="${gopath}/src/github.com/vmware/govmomi/vim25/types"

if [[ ! -d "${types_dir}" ]]; then
  echo "gen-vim25-types: ${types_dir} not found" >&2
  echo "  (install golang-github-vmware-govmomi-dev, or set GOVMOMI_GOPATH)" >&2
  exit 1
fi

package="golang-github-vmware-govmomi-dev"
version="$(dpkg-query -W -f '${Version}' "${package}" 2>/dev/null || echo unknown)"
source_text="govmomi vim25/types, Debian ${package} ${version}, Apache-2.0"

# Syntax-only reading in GOPATH mode: no module download, nothing from the network.
GO111MODULE=off GOPROXY=off GOCACHE="${GOCACHE:-${repo}/.cache/go-build}" \
  go run "${here}/main.go" -types "${types_dir}" -out "${out}" -source "${source_text}"
echo "wrote ${out} ($(wc -c <"${out}") bytes)"
