#!/usr/bin/env bash
# Provisioning, last step: leave nothing of this build in the image. Each deployed VM makes its
# own machine-id and SSH host keys at first boot, and gets its root password from the OVF
# properties: Packer's shutdown command locks the build's random root password.
# Uses packages: tdnf shadow systemd coreutils
set -euo pipefail

tdnf clean all
rm -rf /tmp/appliance /tmp/vmware-event-router /var/cache/tdnf/*

# A fresh machine-id at first boot (an empty file marks the first boot for systemd).
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id
# New SSH host keys at first boot (the setup runs ssh-keygen -A).
rm -f /etc/ssh/ssh_host_*

journalctl --rotate >/dev/null
journalctl --vacuum-time=1s >/dev/null
find /var/log -type f -exec truncate -s 0 {} +
rm -f /root/.bash_history /root/.lesshst
rm -rf /var/lib/vmware-event-router-setup /var/lib/vmware-event-router

