// Source side: how fast the router takes events in from vCenter, next to the vCenter-side
// ceiling. One vcsim holds a burst posted before anything reads; each run reads the whole
// history from the beginning in 1000-event pages:
// - router: the router process, checkpoints on, stdout processor into /dev/null; timed from
//   its "connected" log line to the checkpoint reaching the newest key (polled in /stats);
// - VimClient: our vim25 client (node-soap, XML parse, decode), no CloudEvent, no store;
// - bare SOAP: raw ReadNextEvents over a keep-alive connection and an XML parse only.
import https from 'node:https';
import fs from 'node:fs';

import type { StreamConfig } from '../router/src/config/types';
import { VimClient } from '../router/src/vcenter/client';
import { parseXml } from '../router/src/vcenter/xml';
import { startVcsim, type Vcsim } from '../test/support/vcsim';
import { VcsimSoapClient } from '../test/support/vcsim-soap';
import { stdoutEntry, streamEntry } from './support/config';
import { cpuSeconds, median, round } from './support/figures';
import { startRouterChild } from './support/router-child';

const pageSize = 1000;
const warmUpPages = 3;

export interface SourceRun {
  events: number;
  routerEventsPerSec: number;
  vimClientEventsPerSec: number;
  bareSoapEventsPerSec: number;
  /** CPU seconds per 1,000 events of the router process, and of the harness for the loops:
   * a busy machine stretches the rates, CPU time much less. */
  routerCpuPer1000: number;
  vimClientCpuPer1000: number;
  bareSoapCpuPer1000: number;
}

export interface SourceFigures {
  events: number;
  runs: SourceRun[];
  routerEventsPerSec: number;
  vimClientEventsPerSec: number;
  bareSoapEventsPerSec: number;
  /** Router take-in over the bare loop, each run's ratio, then the median. */
  routerToBareRatio: number;
  routerToVimClientRatio: number;
  routerCpuPer1000: number;
  vimClientCpuPer1000: number;
  bareSoapCpuPer1000: number;
}

export async function sourceBench(events: number, runs: number): Promise<SourceFigures> {
  const vcsim = await startVcsim({ eventHistorySize: events + 10_000, vmsPerPool: 4 });
  try {
    await vcsim.burst(events, 1);
    await warmUp(vcsim);
    const results: SourceRun[] = [];
    for (let run = 0; run < runs; run++) {
      // Alternate the order so neither side always runs on a warmer machine.
      const bare = run % 2 === 0 ? await bareSoapLoop(vcsim) : undefined;
      const router = await routerTakeIn(vcsim);
      const vim = await vimClientLoop(vcsim);
      const bareAfter = bare ?? (await bareSoapLoop(vcsim));
      results.push({
        events: router.events,
        routerEventsPerSec: router.eventsPerSec,
        vimClientEventsPerSec: vim.eventsPerSec,
        bareSoapEventsPerSec: bareAfter.eventsPerSec,
        routerCpuPer1000: router.cpuPer1000,
        vimClientCpuPer1000: vim.cpuPer1000,
        bareSoapCpuPer1000: bareAfter.cpuPer1000,
      });
    }
    return {
      events,
      runs: results,
      routerEventsPerSec: round(median(results.map((r) => r.routerEventsPerSec))),
      vimClientEventsPerSec: round(median(results.map((r) => r.vimClientEventsPerSec))),
      bareSoapEventsPerSec: round(median(results.map((r) => r.bareSoapEventsPerSec))),
      routerToBareRatio: round(
        median(results.map((r) => r.routerEventsPerSec / r.bareSoapEventsPerSec)),
        2,
      ),
      routerToVimClientRatio: round(
        median(results.map((r) => r.routerEventsPerSec / r.vimClientEventsPerSec)),
        2,
      ),
      routerCpuPer1000: round(median(results.map((r) => r.routerCpuPer1000)), 3),
      vimClientCpuPer1000: round(median(results.map((r) => r.vimClientCpuPer1000)), 3),
      bareSoapCpuPer1000: round(median(results.map((r) => r.bareSoapCpuPer1000)), 3),
    };
  } finally {
    await vcsim.stop();
  }
}

interface Rate {
  events: number;
  eventsPerSec: number;
  cpuPer1000: number;
}

/** CPU seconds per 1,000 events of this process since `since` (process.cpuUsage()). */
function harnessCpuPer1000(since: NodeJS.CpuUsage, events: number): number {
  return (cpuSeconds(process.cpuUsage(since)) * 1000) / events;
}

/** A few pages through each loop first, so neither is timed while its code is still cold (the
 * router process has no such help: its first pages are part of its figure, as in production). */
async function warmUp(vcsim: Vcsim): Promise<void> {
  await vimClientLoop(vcsim, warmUpPages);
  await bareSoapLoop(vcsim, warmUpPages);
}

async function routerTakeIn(vcsim: Vcsim): Promise<Rate> {
  const { lastEventKey, events } = await vcsim.status();
  const router = await startRouterChild([streamEntry(vcsim, 'vcsim', pageSize), stdoutEntry()]);
  try {
    const connectedMs = await router.waitForLog(/connected \(vSphere API/, 60_000);
    const before = await router.probe();
    const doneMs = await router.waitForStats(
      (stats) => (stats.streams.vcsim?.checkpoint?.lastKey ?? -Infinity) >= lastEventKey,
      `the checkpoint at key ${lastEventKey}`,
      600_000,
    );
    const after = await router.probe();
    return {
      events,
      eventsPerSec: events / ((doneMs - connectedMs) / 1000),
      cpuPer1000: ((cpuSeconds(after.cpu) - cpuSeconds(before.cpu)) * 1000) / events,
    };
  } finally {
    await router.stop();
  }
}

async function vimClientLoop(vcsim: Vcsim, maxPages = Infinity): Promise<Rate> {
  const client = await VimClient.open(vimStreamConfig(vcsim));
  const collector = await client.createCollector();
  const startMs = Date.now();
  const startCpu = process.cpuUsage();
  let events = 0;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await client.readNextEvents(collector, pageSize);
    if (page.length === 0) break;
    events += page.length;
  }
  const elapsedMs = Date.now() - startMs;
  const cpuPer1000 = harnessCpuPer1000(startCpu, events);
  await client.destroyCollector(collector);
  await client.logout();
  return { events, eventsPerSec: events / (elapsedMs / 1000), cpuPer1000 };
}

async function bareSoapLoop(vcsim: Vcsim, maxPages = Infinity): Promise<Rate> {
  const soap = await VcsimSoapClient.loggedIn(vcsim);
  const collector = await soap.createCollectorForEvents();
  const agent = new https.Agent({ keepAlive: true, ca: fs.readFileSync(vcsim.caFile) });
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<soapenv:Body><ReadNextEvents xmlns="urn:vim25">' +
    `<_this type="EventHistoryCollector">${collector.value}</_this>` +
    `<maxCount>${pageSize}</maxCount></ReadNextEvents></soapenv:Body></soapenv:Envelope>`;
  try {
    const startMs = Date.now();
    const startCpu = process.cpuUsage();
    let events = 0;
    for (let pages = 0; pages < maxPages; pages++) {
      const xml = await post(vcsim.sdkUrl, envelope, soap.sessionCookie, agent);
      const response = parseXml(xml).children[0]?.children[0];
      const page = response?.children.filter((c) => c.local === 'returnval').length ?? 0;
      if (page === 0) break;
      events += page;
    }
    const elapsedMs = Date.now() - startMs;
    const cpuPer1000 = harnessCpuPer1000(startCpu, events);
    return { events, eventsPerSec: events / (elapsedMs / 1000), cpuPer1000 };
  } finally {
    agent.destroy();
    await soap.destroyCollector(collector);
    await soap.logout();
  }
}

function post(url: string, envelope: string, cookie: string, agent: https.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: '"urn:vim25/7.0.3.0"',
          Cookie: cookie,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode === 200) resolve(body);
          else
            reject(
              new Error(`ReadNextEvents: HTTP ${response.statusCode}: ${body.slice(0, 300)}`),
            );
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(envelope);
  });
}

function vimStreamConfig(vcsim: Vcsim): StreamConfig {
  return {
    name: 'bench',
    address: vcsim.sdkUrl,
    username: vcsim.username,
    password: vcsim.password,
    tls: { insecure: false, caFile: vcsim.caFile },
    checkpoint: false,
    pollIntervalMs: 100,
    pageSize,
    startFrom: { kind: 'beginning' },
    maxReplayAgeMs: 86_400_000,
    maxBufferedEvents: 1_000_000,
  };
}
