/* global process, require, global */
// Preloaded into the router process by the benchmark harness (node --expose-gc --require).
// On SIGUSR2 it collects garbage, lets the heap settle, and writes one JSON line to file
// descriptor 3 (a pipe the harness opened): the router's own CPU time, memory and peak RSS.
// The router does not use SIGUSR2, and the probe changes nothing else in it.
'use strict';
const fs = require('node:fs');

const settleMs = 250;
const fd = Number(process.env.BENCH_PROBE_FD);

function collect() {
  if (typeof global.gc === 'function') global.gc();
}

if (Number.isInteger(fd) && fd > 2) {
  process.on('SIGUSR2', () => {
    collect();
    setTimeout(() => {
      collect();
      const sample = {
        atMs: Date.now(),
        cpu: process.cpuUsage(),
        memory: process.memoryUsage(),
        maxRssKb: process.resourceUsage().maxRSS,
      };
      fs.writeSync(fd, JSON.stringify(sample) + '\n');
    }, settleMs);
  });
}
