#!/usr/bin/env bash
# `make ova`: bakes the Photon OS appliance on a vCenter with Packer and packs it as an OVA
# with the vApp properties. Needs Packer 1.9+ (with `packer init`), Node.js, openssl, tar, the
# router binary from `make binary`, and build settings (packer/README.md):
#   a variables file, build/ova/appliance.pkrvars.hcl or $OVA_VARS_FILE, and/or
#   PKR_VAR_<name> environment variables (the vCenter password belongs there).
# Output: dist/vmware-event-router-<version>.ova and its .sha256.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
vars_file="${OVA_VARS_FILE:-build/ova/appliance.pkrvars.hcl}"
build_dir="build/ova"
required=(vcenter_server vcenter_username vcenter_password datacenter datastore network
  faasd_version faasd_sha256 faasd_source_sha256)

die() {
  echo "make ova: $*" >&2
  exit 2
}

# A setting is given when PKR_VAR_<name> is set or the variables file assigns it.
is_set() {
  local name="$1" env_name="PKR_VAR_$1"
  [[ -n "${!env_name:-}" ]] && return 0
  [[ -f "$vars_file" ]] && grep -Eq "^[[:space:]]*${name}[[:space:]]*=" "$vars_file"
}

# Everything is checked before anything runs, and every missing piece is named at once.
missing=()
for name in "${required[@]}"; do is_set "$name" || missing+=("$name"); done
is_set cluster || is_set host || missing+=("cluster (or host)")
is_set photon_iso_url || is_set photon_iso_datastore_path ||
  missing+=("photon_iso_url (or photon_iso_datastore_path)")
if [[ "${#missing[@]}" -gt 0 ]]; then
  where="the variables file $vars_file"
  [[ -f "$vars_file" ]] ||
    where="$vars_file (it does not exist; start from packer/example.pkrvars.hcl)"
  die "missing build settings: ${missing[*]}. Set them in $where or as PKR_VAR_<name>."
fi
[[ -x dist/vmware-event-router ]] || die "dist/vmware-event-router is missing: run make binary"
for tool in packer node openssl tar sha256sum git; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
packer_version="$(packer version | head -n 1 | sed 's/^Packer v//')"
if [[ "$packer_version" == 1.[0-8].* ]]; then
  die "Packer $packer_version is too old: the templates need 1.9 or newer"
fi

version="$(node -p 'require("./package.json").version')"
commit="$(git rev-parse --short=12 HEAD)"
git diff --quiet HEAD -- || commit="$commit-dirty"

# A random root password for this build only: the kickstart gets its SHA-512 crypt, Packer
# gets it through the environment (never argv), and the image's root account is locked at
# the end. The rendered kickstart lives in a folder only this user can read.
rm -rf "$build_dir/http" "$build_dir/export"
mkdir -p "$build_dir"
install -d -m 0700 "$build_dir/http"
PKR_VAR_build_password="$(openssl rand -base64 24)"
export PKR_VAR_build_password
password_hash="$(printf '%s' "$PKR_VAR_build_password" | openssl passwd -6 -stdin)"
PASSWORD_HASH="$password_hash" node -e '
  const fs = require("node:fs");
  const kickstart = JSON.parse(fs.readFileSync("packer/http/photon-ks.json", "utf8"));
  kickstart.password = { crypted: true, text: process.env.PASSWORD_HASH };
  fs.writeFileSync(process.argv[1], JSON.stringify(kickstart, null, 2), { mode: 0o600 });
' "$build_dir/http/photon-ks.json"

var_file_args=()
[[ -f "$vars_file" ]] && var_file_args=(-var-file="$vars_file")
packer init packer/
packer build -force "${var_file_args[@]}" \
  -var "kickstart_directory=$repo/$build_dir/http" \
  -var "output_directory=$repo/$build_dir/export" \
  -var "appliance_version=$version" -var "appliance_commit=$commit" \
  packer/

# The export holds <vm_name>.ovf, its .mf and the disks; add the vApp properties and pack.
ovf="$(find "$build_dir/export" -name '*.ovf' -print -quit)"
[[ -n "$ovf" ]] || die "Packer exported no OVF under $build_dir/export"
node --import "$repo/node_modules/tsx/dist/loader.mjs" packer/ovf/apply-product-section.ts \
  "$ovf" appliance/ovf/product-section.ovf.xml "$version" "$version (commit $commit)"

ova="$repo/dist/vmware-event-router-$version.ova"
packer/ovf/pack-ova.sh "$(dirname "$ovf")" "$ova"
(cd "$(dirname "$ova")" && sha256sum "$(basename "$ova")" >"$(basename "$ova").sha256")
echo "make ova: built $ova"
