#!/usr/bin/env bash
# `make chaos` (after `npm run build` and `make vcsim`): the fault scenarios of test/chaos/,
# one after another. CHAOS_QUICK=1 shortens every fault; CHAOS_ONLY=word,word picks scenarios
# by name; CHAOS_SEED=N replays the random moments of an earlier run. The table is printed and
# written to test/chaos/results/. Runs for up to ~20 minutes with the default durations.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

[[ -f router/dist/main.js ]] || {
  echo 'chaos: router/dist/main.js missing; run npm run build' >&2
  exit 1
}
[[ -x build/vcsim/vcsim ]] || {
  echo 'chaos: build/vcsim/vcsim missing; run make vcsim' >&2
  exit 1
}

exec node --import tsx test/chaos/run.ts
