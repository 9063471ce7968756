# Build settings. Give them in a variables file (`make ova` reads
# build/ova/appliance.pkrvars.hcl; packer/example.pkrvars.hcl shows every one) or as
# PKR_VAR_<name> environment variables. No credential has a default, none is in the repository.

# The vCenter that builds the image.
variable "vcenter_server" {
  type        = string
  description = "vCenter Server that runs the build, e.g. vcenter.example.com."
}

variable "vcenter_username" {
  type        = string
  description = "vCenter user allowed to create VMs and upload to the datastore."
}

variable "vcenter_password" {
  type      = string
  sensitive = true
}

variable "vcenter_insecure" {
  type        = bool
  default     = false
  description = "Skip the vCenter certificate check (build labs with self-signed certificates)."
}

variable "datacenter" {
  type = string
}

variable "cluster" {
  type        = string
  default     = ""
  description = "Cluster to build in; give this or host."
}

variable "host" {
  type        = string
  default     = ""
  description = "ESXi host to build on; give this or cluster."
}

variable "datastore" {
  type = string
}

variable "network" {
  type        = string
  description = "Port group with DHCP that the build VM and the Packer HTTP server share."
}

variable "folder" {
  type    = string
  default = ""
}

variable "resource_pool" {
  type    = string
  default = ""
}

# The Photon OS 5 ISO: a URL Packer downloads and uploads, or a path already on a datastore.
variable "photon_iso_url" {
  type        = string
  default     = ""
  description = "URL of the Photon OS 5 ISO (photon-5.0-*.x86_64.iso)."
}

variable "photon_iso_datastore_path" {
  type        = string
  default     = ""
  description = "The ISO already on a datastore, e.g. \"[datastore1] iso/photon-5.0.iso\"."
}

variable "photon_iso_checksum" {
  type        = string
  default     = "none"
  description = "sha256:<hex> of the ISO; required with photon_iso_url."
}

# The root password while the image is built. scripts/build-ova.sh makes a random one for
# each build; the image's root account is locked at the end, and the first boot sets it from
# the root_password OVF property.
variable "build_password" {
  type      = string
  sensitive = true
}

variable "kickstart_directory" {
  type        = string
  description = "Folder served by Packer's HTTP server, holding the rendered photon-ks.json."
}

# What goes into the image.
variable "repo_root" {
  type        = string
  default     = ""
  description = "The repository's root; empty means the folder above packer/."
}

variable "router_binary" {
  type        = string
  default     = ""
  description = "The router's single binary; empty means dist/vmware-event-router (make binary)."
}

variable "appliance_version" {
  type = string
}

variable "appliance_commit" {
  type = string
}

variable "vm_name" {
  type    = string
  default = "vmware-event-router"
}

variable "cpus" {
  type    = number
  default = 2
}

variable "memory_mb" {
  type    = number
  default = 4096
}

variable "disk_size_mb" {
  type    = number
  default = 25600
}

variable "output_directory" {
  type        = string
  description = "Where the exported OVF, its manifest and disks go."
}

# Downloads while the image is built, each pinned to a version and its SHA-256 (from the
# project's published checksum file for that release). Change both together.
variable "containerd_version" {
  type    = string
  default = "1.7.27"
}

variable "containerd_sha256" {
  type        = string
  default     = "e3ea27eb0e7b8dd92ba7a5ecdd363372ad3c30f9cdecbec75e60ae4a43ca93b9"
  description = "SHA-256 of containerd-static-<version>-linux-amd64.tar.gz."
}

variable "runc_version" {
  type    = string
  default = "1.2.5"
}

variable "runc_sha256" {
  type        = string
  default     = "fbd851fce6a8e0d67a9d184ea544c2abf67c9fd29b80fcc1adf67dfe9eb036a1"
  description = "SHA-256 of runc.amd64."
}

variable "cni_plugins_version" {
  type    = string
  default = "1.6.2"
}

variable "cni_plugins_sha256" {
  type        = string
  default     = "b8e811578fb66023f90d2e238d80cec3bdfca4b44049af74c374d4fae0f9c090"
  description = "SHA-256 of cni-plugins-linux-amd64-v<version>.tgz."
}

# Limitation: faasd's version and digests have no default. The digest could not be checked from
# where this template was written, and a wrong one would only fail the build late; give the
# release you accept under faasd's licence terms (packer/README.md) and the SHA-256 from its
# release page and of its source archive.
variable "faasd_version" {
  type        = string
  description = "faasd release, e.g. 0.19.6 (without the leading v)."
}

variable "faasd_sha256" {
  type        = string
  description = "SHA-256 of the faasd binary (asset \"faasd\") of that release."
}

variable "faasd_source_sha256" {
  type        = string
  description = "SHA-256 of the source archive of that release tag (refs/tags/<version>.tar.gz)."
}
