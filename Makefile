# Every target is a thin wrapper over npm or a script under scripts/, so CI and people run
# the same steps. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps build test demo vcsim lint bench chaos binary binary-test appliance-check ova clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json
	npm ci
	@touch $@

deps: node_modules/.package-lock.json ## Install the npm packages (npm ci)

build: deps ## Compile the router to router/dist
	npm run build

vcsim: ## Build the test vCenter simulator (installs golang-go, golang-github-vmware-govmomi-dev)
	scripts/install-debian-deps.sh vcsim
	scripts/build-vcsim.sh

test: deps vcsim ## Unit and integration tests (against vcsim)
	npm test

demo: ## Start vcsim and the router with the stdout processor; power a VM off and on
	@scripts/demo.sh

lint: deps ## Formatting and lint
	npm run lint

bench: build vcsim ## Benchmarks; figures in bench/results/
	scripts/bench.sh

chaos: build vcsim ## Fault scenarios; prints emitted, delivered, duplicated, dead, lost
	scripts/chaos.sh

binary: ## Single executable dist/vmware-event-router (pkg SEA, embedded Node 24)
	scripts/build-binary.sh

binary-test: binary vcsim ## Smoke tests of the binary from an empty folder
	scripts/binary-test.sh

appliance-check: ## Packer, shell, systemd and first-boot checks that run without vCenter
	scripts/appliance-check.sh

ova: ## Bake the Photon OS OVA with Packer (needs a vCenter; see packer/README.md)
	scripts/build-ova.sh

clean: ## Remove build output
	rm -rf router/dist dist build
