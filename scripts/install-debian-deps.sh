#!/usr/bin/env bash
# Installs the Debian packages a job needs when they are missing: `vcsim` (the test vCenter,
# built from Debian's govmomi sources) or `appliance` (the image checks). Installed packages are
# left alone, so on a prepared machine this only looks. Installing needs root (or sudo).
set -euo pipefail

declare -A groups=(
  [vcsim]="golang-go golang-github-vmware-govmomi-dev"
  [appliance]="packer shellcheck libxml2-utils bats systemd"
  [build]="make g++ python3 git openssl ca-certificates"
)

wanted=()
for group in "$@"; do
  [[ -n "${groups[$group]+set}" ]] || {
    printf 'install-debian-deps: unknown group %s (vcsim, appliance, build)\n' "$group" >&2
    exit 2
  }
  read -r -a packages <<<"${groups[$group]}"
  wanted+=("${packages[@]}")
done

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$package")
done
[[ "${#missing[@]}" -eq 0 ]] && exit 0

if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  printf 'install-debian-deps: missing Debian packages: %s; install them as root:\n' \
    "${missing[*]}" >&2
  printf '  apt-get install %s\n' "${missing[*]}" >&2
  exit 1
fi
printf 'install-debian-deps: installing %s\n' "${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
