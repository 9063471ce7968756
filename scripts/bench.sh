#!/usr/bin/env bash
# `make bench` (after `npm run build` and `make vcsim`): the benchmark harness, bench/run.ts,
# run with tsx. Settings come from BENCH_* variables in the environment (bench/README.md);
# each run writes bench/results/<UTC time>-<commit>.json and prints the table.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if [[ ! -f router/dist/main.js ]]; then
  echo "bench: router/dist/main.js is missing; run npm run build (make bench does)" >&2
  exit 2
fi
if [[ ! -x "${VCSIM_BINARY:-build/vcsim/vcsim}" ]]; then
  echo "bench: the test vCenter is missing; run make vcsim (make bench does)" >&2
  exit 2
fi

exec node --import tsx bench/run.ts
