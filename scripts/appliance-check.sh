#!/usr/bin/env bash
# `make appliance-check` (CI runs it): every check of the appliance that runs without a
# vCenter. Packer templates (fmt, validate with dummy settings), shellcheck on every script,
# `systemd-analyze verify` on every unit (any warning fails), the OVF descriptor template
# (xmllint), and the first-boot and template tests (mocha, test/appliance/).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
step() { printf '\n== %s\n' "$1"; }
ok() {
  passed=$((passed + 1))
  echo "ok: $1"
}
not_ok() {
  failed=$((failed + 1))
  echo "FAILED: $1" >&2
}

# The Debian packages the checks use. CI (root, CI set) installs missing ones; a person is told.
require_tools() {
  local missing=() tool package
  for pair in packer:packer shellcheck:shellcheck xmllint:libxml2-utils \
    systemd-analyze:systemd; do
    tool="${pair%%:*}"
    package="${pair#*:}"
    command -v "$tool" >/dev/null || missing+=("$package")
  done
  if [[ "${#missing[@]}" -gt 0 && -n "${CI:-}" && "$(id -u)" -eq 0 ]]; then
    echo "appliance-check: installing ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"
    missing=()
  fi
  if [[ "${#missing[@]}" -gt 0 ]]; then
    echo "appliance-check: missing tools; install: apt-get install ${missing[*]}" >&2
    exit 2
  fi
  if [[ ! -d node_modules/mocha ]]; then
    echo "appliance-check: node_modules is missing; run make deps" >&2
    exit 2
  fi
}

check_packer() {
  step 'packer fmt -check'
  if packer fmt -check -diff packer/; then
    ok 'packer fmt'
  else
    not_ok 'packer fmt (run packer fmt packer/)'
  fi

  step 'packer validate (dummy settings)'
  # Debian's packer 1.6.6 has vsphere-iso built in but no `packer {}` plugin block, so the
  # templates are validated without plugins.pkr.hcl; a newer packer needs the plugin installed.
  local version
  version="$(packer version | head -n 1 | sed 's/^Packer v//')"
  if [[ "$version" != 1.[0-6].* ]] && ! packer plugins installed 2>/dev/null | grep -q vsphere; then
    not_ok "packer validate: packer $version needs the vSphere plugin (packer init packer/)"
    return
  fi
  mkdir -p "$work/packer"
  for template in packer/*.pkr.hcl; do
    [[ "$(basename "$template")" == plugins.pkr.hcl ]] || ln -s "$repo/$template" "$work/packer/"
  done
  touch "$work/vmware-event-router"
  if PKR_VAR_vcenter_password=dummy-vcenter-password PKR_VAR_build_password=dummy-build-password \
    packer validate -var-file=packer/example.pkrvars.hcl -var "repo_root=$repo" \
    -var "router_binary=$work/vmware-event-router" -var "kickstart_directory=$repo/packer/http" \
    -var "output_directory=$work/export" -var appliance_version=0.0.0 \
    -var appliance_commit=check "$work/packer"; then
    ok 'packer validate'
  else
    not_ok 'packer validate'
  fi
}

check_shell() {
  step 'shellcheck'
  local scripts=(appliance/bin/setup packer/scripts/*.sh packer/ovf/*.sh scripts/appliance-check.sh
    scripts/build-ova.sh test/appliance/stand-ins/* test/appliance/support/vmware-event-router)
  if shellcheck --severity=style "${scripts[@]}"; then
    ok "shellcheck (${#scripts[@]} scripts)"
  else
    not_ok 'shellcheck'
  fi
}

# systemd-analyze verify in a scratch root holding this machine's unit library, our units, and
# a stand-in for each program our units run, so only the units themselves are judged.
check_units() {
  step 'systemd-analyze verify'
  local root="$work/systemd-root" unit program output
  mkdir -p "$root/usr/lib/systemd" "$root/usr/bin" "$root/usr/sbin" "$root/etc/systemd/system"
  ln -s usr/bin "$root/bin"
  ln -s usr/sbin "$root/sbin"
  ln -s usr/lib "$root/lib"
  cp -a "$(systemd-analyze unit-paths | grep -m 1 '^/usr/lib/systemd/system$' ||
    echo /lib/systemd/system)" "$root/usr/lib/systemd/system"
  cp appliance/systemd/*.service "$root/etc/systemd/system/"
  sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' appliance/systemd/*.service |
    while read -r program; do
      mkdir -p "$root$(dirname "$program")"
      [[ -e "$root$program" ]] || printf '#!/bin/sh\n' >"$root$program"
      chmod +x "$root$program"
    done
  for unit in appliance/systemd/*.service; do
    output="$(systemd-analyze verify --root="$root" "$(basename "$unit")" 2>&1)" || true
    if [[ -z "$output" ]]; then ok "verify $unit"; else not_ok "verify $unit: $output"; fi
  done
}

check_ovf() {
  step 'xmllint'
  local document
  for document in appliance/ovf/*.xml test/appliance/fixtures/*.ovf; do
    if xmllint --noout "$document"; then ok "xmllint $document"; else not_ok "xmllint $document"; fi
  done
}

check_first_boot() {
  step 'first-boot and template tests (mocha)'
  if npx mocha 'test/appliance/**/*.test.ts'; then
    ok 'mocha test/appliance'
  else
    not_ok 'mocha test/appliance'
  fi
}

require_tools
check_packer
check_shell
check_units
check_ovf
check_first_boot

echo
echo "appliance-check: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
