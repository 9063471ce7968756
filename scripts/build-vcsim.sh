#!/usr/bin/env bash
# Builds the test vCenter, build/vcsim/vcsim, from test/vcsim/*.go and Debian's govmomi
# sources, with the simulator's event history replaced by test/vcsim/overlay/*.go through
# `go build -overlay` (Go 1.16+), so the repository holds only our files, not a copy of
# govmomi. GOPATH mode, no network: everything comes from Debian packages. Skips the build
# when a hash of the inputs matches the stamp of the last build.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="${repo_root}/test/vcsim"
overlay_dir="${source_dir}/overlay"
out_dir="${repo_root}/build/vcsim"
binary="${out_dir}/vcsim"
stamp="${out_dir}/vcsim.stamp"
gocode="${VCSIM_GOCODE:-/usr/share/gocode}"
simulator_dir="${gocode}/src/github.com/vmware/govmomi/simulator"

fail() {
  printf 'build-vcsim: %s\n' "$1" >&2
  exit 1
}

check_tools() {
  command -v go >/dev/null 2>&1 ||
    fail "go not found; install Debian's golang-go (apt-get install golang-go)"
  [[ -f "${simulator_dir}/event_manager.go" ]] ||
    fail "govmomi sources not found under ${gocode}; install golang-github-vmware-govmomi-dev"
  command -v node >/dev/null 2>&1 || fail "node not found (writes the overlay file)"

  local version minor
  version="$(go env GOVERSION)"
  minor="$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"${version}")"
  [[ "${minor}" =~ ^[0-9]+$ && "${minor}" -ge 16 ]] ||
    fail "${version} has no -overlay; Go 1.16 or later is needed"
}

# govmomi_version names the sources the overlay was built against.
govmomi_version() {
  if command -v dpkg-query >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' golang-github-vmware-govmomi-dev 2>/dev/null; then
    return
  fi
  cat "${simulator_dir}"/*.go | sha256sum | cut -d' ' -f1
}

inputs_hash() {
  {
    go env GOVERSION
    govmomi_version
    printf '\n'
    cat "${BASH_SOURCE[0]}" "${source_dir}"/*.go "${overlay_dir}"/*.go
  } | sha256sum | cut -d' ' -f1
}

# write_overlay maps each overlay file onto the simulator package; paths go to node as
# arguments, never pasted into JSON text.
write_overlay() {
  local overlay_json="$1"
  node -e '
    const path = require("node:path");
    const [out, simulatorDir, ...files] = process.argv.slice(1);
    const replace = {};
    for (const file of files) replace[path.join(simulatorDir, path.basename(file))] = file;
    require("node:fs").writeFileSync(out, JSON.stringify({ Replace: replace }, null, 2) + "\n");
  ' "${overlay_json}" "${simulator_dir}" "${overlay_dir}"/*.go
}

build() {
  local hash="$1" overlay_json tmp_binary
  overlay_json="${out_dir}/overlay.json"
  tmp_binary="$(mktemp "${out_dir}/vcsim.XXXXXX")"
  write_overlay "${overlay_json}"

  printf 'build-vcsim: building %s\n' "${binary}" >&2
  (
    cd "${source_dir}"
    GO111MODULE=off GOPATH="${gocode}" GOFLAGS='' \
      GOCACHE="${GOCACHE:-${out_dir}/go-cache}" \
      go build -overlay "${overlay_json}" -o "${tmp_binary}" .
  ) || {
    rm -f "${tmp_binary}"
    fail "go build failed (govmomi $(govmomi_version); the overlay targets 0.24.2)"
  }

  mv -f "${tmp_binary}" "${binary}"
  printf '%s\n' "${hash}" >"${stamp}"
}

main() {
  check_tools
  mkdir -p "${out_dir}"

  # Engineers and CI may run this at the same time; one build at a time.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${out_dir}/.lock"
    flock 9
  fi

  local hash
  hash="$(inputs_hash)"
  if [[ -x "${binary}" && -f "${stamp}" && "$(cat "${stamp}")" == "${hash}" ]]; then
    printf 'build-vcsim: %s is up to date\n' "${binary}" >&2
    return
  fi
  build "${hash}"
}

main "$@"
