#!/usr/bin/env bash
# Packs an exported OVF folder as an OVA: a tar (ustar) whose first member is the descriptor,
# the second its manifest, then the files it references, owned by root, in a fixed order.
#   packer/ovf/pack-ova.sh EXPORT_DIR OVA_FILE
# Limitation: ustar holds members up to 8 GiB; an exported (compressed) disk larger than that
# would need the pax format, which not every OVF tool reads.
set -euo pipefail

if [[ "$#" -ne 2 ]]; then
  echo "usage: pack-ova.sh EXPORT_DIR OVA_FILE" >&2
  exit 64
fi
export_dir="$1"
ova="$(realpath -m "$2")"

mapfile -t descriptors < <(find "$export_dir" -maxdepth 1 -name '*.ovf' -printf '%f\n')
if [[ "${#descriptors[@]}" -ne 1 ]]; then
  echo "pack-ova.sh: expected one .ovf in $export_dir, found ${#descriptors[@]}" >&2
  exit 1
fi
name="${descriptors[0]%.ovf}"
if [[ ! -f "$export_dir/$name.mf" ]]; then
  echo "pack-ova.sh: $export_dir/$name.mf (the manifest) is missing" >&2
  exit 1
fi
mapfile -t others < <(find "$export_dir" -maxdepth 1 -type f \
  ! -name "$name.ovf" ! -name "$name.mf" -printf '%f\n' | LC_ALL=C sort)

(cd "$export_dir" && tar --format=ustar --owner=0 --group=0 --numeric-owner -cf "$ova" \
  "$name.ovf" "$name.mf" "${others[@]}")
