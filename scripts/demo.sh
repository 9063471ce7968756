#!/usr/bin/env bash
# `make demo`: see scripts/demo.ts. Run after `make build vcsim` (make demo does both).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx scripts/demo.ts
