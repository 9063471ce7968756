#!/usr/bin/env bash
# `make demo`: builds the router and vcsim, then runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
# Standard output carries only CloudEvents (`make demo | jq` works): building talks to stderr.
make --no-print-directory build vcsim 1>&2
exec node --import tsx scripts/demo.ts
