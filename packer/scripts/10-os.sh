#!/usr/bin/env bash
# Provisioning, step 1: Photon OS settings and the packages the appliance needs.
# Uses packages: tdnf shadow systemd
set -euo pipefail

# Security fixes up to the build's date, then what the later steps and the appliance use.
readonly packages=(curl tar gzip iptables iproute2 shadow util-linux ca-certificates)
tdnf -y update
tdnf -y install "${packages[@]}"

# UTC everywhere; the first boot adds the NTP servers from the OVF properties.
ln -sf /usr/share/zoneinfo/UTC /etc/localtime

# root is the appliance's only login: its password must not expire under the user's feet.
chage -I -1 -m 0 -M 99999 -E -1 root
# SSH is off until the enable_ssh property turns it on; root may log in with a password then.
sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin yes/' /etc/ssh/sshd_config

# Keep the journal across reboots, bounded.
mkdir -p /etc/systemd/journald.conf.d
cat >/etc/systemd/journald.conf.d/10-appliance.conf <<'CONF'
[Journal]
Storage=persistent
SystemMaxUse=500M
CONF

install -m 0644 /tmp/appliance/firewall/ip4save /etc/systemd/scripts/ip4save
mkdir -p /etc/issue.d
systemctl enable vmtoolsd.service iptables.service systemd-networkd.service
