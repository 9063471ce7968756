#!/usr/bin/env bash
# Provisioning, step 2: OpenFaaS as faasd, with containerd, runc and the CNI plugins it needs.
# Every download is pinned to a version and checked against its SHA-256 before use. The
# container images faasd runs are pulled now, so the appliance needs no internet to start.
# Uses packages: curl tar gzip iptables coreutils
set -euo pipefail

: "${CONTAINERD_VERSION:?}" "${CONTAINERD_SHA256:?}" "${RUNC_VERSION:?}" "${RUNC_SHA256:?}"
: "${CNI_PLUGINS_VERSION:?}" "${CNI_PLUGINS_SHA256:?}"
: "${FAASD_VERSION:?}" "${FAASD_SHA256:?}" "${FAASD_SOURCE_SHA256:?}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# download URL SHA256 FILE: fails the build on any mismatch.
download() {
  local url="$1" sha256="$2" file="$3"
  curl -fsSL --retry 3 --output "$file" "$url"
  if ! echo "$sha256  $file" | sha256sum --check --status; then
    echo "20-faasd.sh: $url does not have the pinned SHA-256 $sha256" >&2
    exit 1
  fi
}

github="https://github.com"
containerd_file="containerd-static-$CONTAINERD_VERSION-linux-amd64.tar.gz"
cni_file="cni-plugins-linux-amd64-v$CNI_PLUGINS_VERSION.tgz"
download "$github/containerd/containerd/releases/download/v$CONTAINERD_VERSION/$containerd_file" \
  "$CONTAINERD_SHA256" "$work/containerd.tar.gz"
download "$github/opencontainers/runc/releases/download/v$RUNC_VERSION/runc.amd64" \
  "$RUNC_SHA256" "$work/runc"
download "$github/containernetworking/plugins/releases/download/v$CNI_PLUGINS_VERSION/$cni_file" \
  "$CNI_PLUGINS_SHA256" "$work/cni-plugins.tgz"
download "$github/openfaas/faasd/releases/download/$FAASD_VERSION/faasd" \
  "$FAASD_SHA256" "$work/faasd"
# `faasd install` takes its compose file, Prometheus config and units from the release's source.
download "$github/openfaas/faasd/archive/refs/tags/$FAASD_VERSION.tar.gz" \
  "$FAASD_SOURCE_SHA256" "$work/faasd-source.tar.gz"

tar -xzf "$work/containerd.tar.gz" -C /usr/local
install -m 0755 "$work/runc" /usr/local/sbin/runc
mkdir -p /opt/cni/bin
tar -xzf "$work/cni-plugins.tgz" -C /opt/cni/bin
install -m 0755 "$work/faasd" /usr/local/bin/faasd

# Containers reach the outside through the bridge.
cat >/etc/sysctl.d/90-faasd.conf <<'CONF'
net.ipv4.conf.all.forwarding = 1
CONF
sysctl --system >/dev/null

install -m 0644 /tmp/appliance/systemd/containerd.service /etc/systemd/system/containerd.service
systemctl daemon-reload
systemctl enable --now containerd.service

mkdir -p "$work/source"
tar -xzf "$work/faasd-source.tar.gz" -C "$work/source" --strip-components=1
(cd "$work/source" && /usr/local/bin/faasd install)

# faasd pulls its images as it starts; wait for the gateway to answer.
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null http://127.0.0.1:8080/healthz; then break; fi
  sleep 5
done
curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || {
  echo "20-faasd.sh: the OpenFaaS gateway did not come up; journalctl -u faasd says:" >&2
  journalctl -u faasd --no-pager -n 50 >&2
  exit 1
}

# The first boot enables OpenFaaS when it is chosen, and sets its admin password.
systemctl disable --now faasd.service faasd-provider.service containerd.service
rm -f /var/lib/faasd/secrets/basic-auth-password
