# Build settings for `make ova`, with example values. Copy this file to
# build/ova/appliance.pkrvars.hcl (build/ is never committed) and change every value, or give
# each one as an environment variable PKR_VAR_<name>. Keep the vCenter password out of files:
#   export PKR_VAR_vcenter_password='...'
# scripts/build-ova.sh sets build_password, kickstart_directory, output_directory,
# appliance_version and appliance_commit itself.

vcenter_server   = "vcenter.example.com"
vcenter_username = "packer@vsphere.local"
vcenter_insecure = false
datacenter       = "Datacenter"
cluster          = "Cluster"
datastore        = "datastore1"
network          = "VM Network"
folder           = "Templates"

# Either a URL Packer downloads (with its checksum) or the ISO already on a datastore.
photon_iso_url      = "https://photon-iso.example.com/photon-5.0-dde71ec57.x86_64.iso"
photon_iso_checksum = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
# photon_iso_datastore_path = "[datastore1] iso/photon-5.0-dde71ec57.x86_64.iso"

# faasd: the release you accept under its licence terms (see packer/README.md), with the
# SHA-256 of its binary and of its source archive.
faasd_version       = "0.0.0"
faasd_sha256        = "0000000000000000000000000000000000000000000000000000000000000000"
faasd_source_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
