#!/usr/bin/env bash
# Provisioning, step 3: the router binary, its service user, the first-boot setup and units,
# and the release file naming the image's version and commit.
# Uses packages: shadow systemd coreutils
set -euo pipefail

: "${APPLIANCE_VERSION:?}" "${APPLIANCE_COMMIT:?}"
readonly user=vmware-event-router

install -m 0755 /tmp/vmware-event-router /usr/local/bin/vmware-event-router
/usr/local/bin/vmware-event-router --version

# The service's own system user; it owns its state and cache folders (systemd makes them).
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /var/lib/vmware-event-router \
    --shell /usr/sbin/nologin "$user"
fi
install -d -m 0750 -o root -g "$user" /etc/vmware-event-router

install -m 0755 /tmp/appliance/bin/setup /usr/local/sbin/vmware-event-router-setup
install -m 0644 /tmp/appliance/systemd/vmware-event-router.service \
  /tmp/appliance/systemd/vmware-event-router-setup.service /etc/systemd/system/
install -d /usr/share/doc/vmware-event-router
install -m 0644 /tmp/appliance/README.md /usr/share/doc/vmware-event-router/README.md

cat >/etc/vmware-event-router-release <<RELEASE
NAME="vmware-event-router appliance"
VERSION="$APPLIANCE_VERSION"
COMMIT="$APPLIANCE_COMMIT"
BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
RELEASE

systemctl daemon-reload
# The router and faasd are enabled by the first boot, for the processor chosen there.
systemctl enable vmware-event-router-setup.service
