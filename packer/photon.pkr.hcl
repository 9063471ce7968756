# The vmware-event-router appliance: Photon OS 5 installed from its ISO on a vCenter with a
# kickstart served by Packer's HTTP server, provisioned over SSH, exported as OVF.
# scripts/build-ova.sh (`make ova`) runs this, then adds the vApp properties and packs the OVA.

locals {
  repo_root      = var.repo_root != "" ? var.repo_root : "${path.root}/.."
  default_binary = "${local.repo_root}/dist/vmware-event-router"
  router_binary  = var.router_binary != "" ? var.router_binary : local.default_binary
  # Photon's installer takes a kickstart over plain HTTP only when told it may.
  kickstart_url = "http://{{ .HTTPIP }}:{{ .HTTPPort }}/photon-ks.json"
}

source "vsphere-iso" "photon" {
  vcenter_server      = var.vcenter_server
  username            = var.vcenter_username
  password            = var.vcenter_password
  insecure_connection = var.vcenter_insecure
  datacenter          = var.datacenter
  cluster             = var.cluster != "" ? var.cluster : null
  host                = var.host != "" ? var.host : null
  datastore           = var.datastore
  folder              = var.folder != "" ? var.folder : null
  resource_pool       = var.resource_pool != "" ? var.resource_pool : null

  vm_name       = var.vm_name
  notes         = "vmware-event-router ${var.appliance_version} (${var.appliance_commit})"
  guest_os_type = "vmwarePhoton64Guest"
  vm_version    = 17
  firmware      = "bios"
  CPUs          = var.cpus
  RAM           = var.memory_mb

  storage {
    disk_size             = var.disk_size_mb
    disk_thin_provisioned = true
  }
  network_adapters {
    network      = var.network
    network_card = "vmxnet3"
  }

  iso_url      = var.photon_iso_url != "" ? var.photon_iso_url : null
  iso_checksum = var.photon_iso_url != "" ? var.photon_iso_checksum : null
  iso_paths    = var.photon_iso_datastore_path != "" ? [var.photon_iso_datastore_path] : null
  remove_cdrom = true

  http_directory = var.kickstart_directory
  boot_wait      = "5s"
  boot_command = [
    "<esc><wait>",
    "vmlinuz initrd=initrd.img root=/dev/ram0 loglevel=3 photon.media=cdrom ",
    "insecure_installation=1 ks=${local.kickstart_url}",
    "<enter>",
  ]

  communicator    = "ssh"
  ssh_username    = "root"
  ssh_password    = var.build_password
  ssh_timeout     = "30m"
  ip_wait_timeout = "30m"
  # The root password of the build is locked; the first boot sets the deployed one.
  shutdown_command = "passwd -l root && shutdown -P now"
  shutdown_timeout = "10m"

  export {
    output_directory = var.output_directory
    force            = true
    images           = false
    manifest         = "sha256"
  }
}

build {
  sources = ["source.vsphere-iso.photon"]

  provisioner "file" {
    source      = "${local.repo_root}/appliance/"
    destination = "/tmp/appliance"
  }

  provisioner "file" {
    source      = local.router_binary
    destination = "/tmp/vmware-event-router"
  }

  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} bash {{ .Path }}"
    environment_vars = [
      "APPLIANCE_VERSION=${var.appliance_version}",
      "APPLIANCE_COMMIT=${var.appliance_commit}",
      "CONTAINERD_VERSION=${var.containerd_version}",
      "CONTAINERD_SHA256=${var.containerd_sha256}",
      "RUNC_VERSION=${var.runc_version}",
      "RUNC_SHA256=${var.runc_sha256}",
      "CNI_PLUGINS_VERSION=${var.cni_plugins_version}",
      "CNI_PLUGINS_SHA256=${var.cni_plugins_sha256}",
      "FAASD_VERSION=${var.faasd_version}",
      "FAASD_SHA256=${var.faasd_sha256}",
      "FAASD_SOURCE_SHA256=${var.faasd_source_sha256}",
    ]
    scripts = [
      "${local.repo_root}/packer/scripts/10-os.sh",
      "${local.repo_root}/packer/scripts/20-faasd.sh",
      "${local.repo_root}/packer/scripts/30-router.sh",
      "${local.repo_root}/packer/scripts/90-cleanup.sh",
    ]
  }
}
