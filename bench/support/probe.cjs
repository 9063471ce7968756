/* global process, require, global, setTimeout */
// Preloaded into the router process by the benchmark harness (node --expose-gc --require).
// On SIGUSR2 it writes JSON lines to file descriptor 3 (a pipe the harness opened): the
// router's own CPU time, memory and peak RSS, as process.cpuUsage() and friends report them.
// The router does not use SIGUSR2, and the probe changes nothing else in it.
'use strict';
// A plain CommonJS file: --require runs it before any TypeScript loader exists.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs');

const settleMs = 250;
const fd = Number(process.env.BENCH_PROBE_FD);

function collect() {
  if (typeof global.gc === 'function') global.gc();
}

function sample(settled) {
  const line = {
    settled,
    atMs: Date.now(),
    cpu: process.cpuUsage(),
    memory: process.memoryUsage(),
    maxRssKb: process.resourceUsage().maxRSS,
  };
  fs.writeSync(fd, JSON.stringify(line) + '\n');
}

// Two lines per signal: one at once (CPU time now), one after garbage collection has settled
// (memory without the garbage of the last page).
if (Number.isInteger(fd) && fd > 2) {
  process.on('SIGUSR2', () => {
    sample(false);
    collect();
    setTimeout(() => {
      collect();
      sample(true);
    }, settleMs);
  });
}
