# The Packer version and plugin the templates are written for. `packer init packer/` installs
# the plugin. Kept in its own file: Debian's packer 1.6.6, which `make appliance-check` uses,
# predates plugins and validates the other files without this one.
packer {
  required_version = ">= 1.9.0"
  required_plugins {
    vsphere = {
      source  = "github.com/hashicorp/vsphere"
      version = "~> 1.4"
    }
  }
}
