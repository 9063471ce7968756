// The vim25 client against vcsim, with a recording proxy on loopback between them, to see what
// a strict real vCenter would see: elements in schema order, ISO dates, the session cookie.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import type { StreamConfig } from '../../router/src/config/types';
import { VimClient } from '../../router/src/vcenter/client';
import { VcenterError } from '../../router/src/vcenter/errors';
import { startVcsim, type Vcsim } from '../support/vcsim';

interface Recorded {
  operation: string;
  body: string;
  cookie?: string;
}

/** Forwards http://127.0.0.1:port/sdk to vcsim's https SDK and records each request. */
async function recordingProxy(
  vcsim: Vcsim,
): Promise<{ url: string; calls: Recorded[]; close(): Promise<void> }> {
  const calls: Recorded[] = [];
  const ca = fs.readFileSync(vcsim.caFile);
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const operation = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? '?';
      calls.push({ operation, body, cookie: request.headers.cookie });
      const upstream = https.request(
        new URL(vcsim.sdkUrl),
        {
          method: 'POST',
          headers: { ...request.headers, host: `${vcsim.host}:${vcsim.port}` },
          ca,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sdk`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function config(vcsim: Vcsim, address: string, password = vcsim.password): StreamConfig {
  return {
    name: 'vcsim',
    address,
    username: vcsim.username,
    password,
    tls: { insecure: false, caFile: vcsim.caFile },
    checkpoint: true,
    pollIntervalMs: 100,
    pageSize: 100,
    startFrom: { kind: 'beginning' },
    maxReplayAgeMs: 86_400_000,
    maxBufferedEvents: 1_000_000,
  };
}

/** The local names of an element's children, in document order. */
function childOrder(xml: string, element: string): string[] {
  const inner =
    new RegExp(`<(?:\\w+:)?${element}[^>]*>([\\s\\S]*?)</(?:\\w+:)?${element}>`).exec(xml)?.[1] ??
    '';
  const names: string[] = [];
  let depth = 0;
  for (const tag of inner.matchAll(/<(\/?)(?:\w+:)?(\w+)[^>]*?(\/?)>/g)) {
    if (tag[1]) depth -= 1;
    else {
      if (depth === 0) names.push(tag[2]);
      if (!tag[3]) depth += 1;
    }
  }
  return names;
}

describe('vim25 client', function () {
  this.timeout(60_000);
  let vcsim: Vcsim;

  before(async () => {
    vcsim = await startVcsim();
  });

  after(() => vcsim.stop());

  it('sends elements in schema order, ISO dates and the session cookie', async () => {
    const proxy = await recordingProxy(vcsim);
    try {
      const client = await VimClient.open(config(vcsim, proxy.url));
      const collector = await client.createCollector('2026-01-02T03:04:05.678Z');
      await client.readNextEvents(collector, 10);
      await client.destroyCollector(collector);
      await client.logout();

      const login = proxy.calls.find((c) => c.operation === 'Login');
      assert.deepEqual(childOrder(login!.body, 'Login'), ['_this', 'userName', 'password']);
      assert.ok(!login!.body.includes(vcsim.password), 'the password is XML-escaped');
      const create = proxy.calls.find((c) => c.operation === 'CreateCollectorForEvents')!;
      assert.deepEqual(childOrder(create.body, 'CreateCollectorForEvents'), ['_this', 'filter']);
      assert.deepEqual(childOrder(create.body, 'filter'), ['entity', 'time']);
      assert.match(create.body, /<(\w+:)?beginTime>2026-01-02T03:04:05\.678Z<\//);
      const afterLogin = proxy.calls.slice(proxy.calls.indexOf(login!) + 1);
      assert.ok(afterLogin.length >= 4);
      for (const call of afterLogin)
        assert.match(call.cookie ?? '', /^vmware_soap_session=/, call.operation);
    } finally {
      await proxy.close();
    }
  });

  it("reads a collector's latestPage", async () => {
    const burst = await vcsim.burst(30);
    const client = await VimClient.open(config(vcsim, vcsim.sdkUrl));
    const collector = await client.createCollector();
    const latest = await client.latestPage(collector);
    assert.ok(latest.length > 0);
    assert.ok(
      latest.some((p) => p.key === burst.lastKey),
      'the newest event is on it',
    );
    for (const position of latest) assert.ok(!Number.isNaN(Date.parse(position.createdTime)));
    await client.logout();
  });

  it('honours beginTime and reports InvalidLogin as a login problem', async () => {
    const client = await VimClient.open(config(vcsim, vcsim.sdkUrl));
    const time = (await client.currentTime()).toISOString();
    const burst = await vcsim.burst(5);
    const collector = await client.createCollector(time);
    const keys = (await client.readNextEvents(collector, 100)).map((e) => e.key);
    assert.ok(keys.includes(burst.firstKey) && keys.includes(burst.lastKey));
    assert.ok(
      keys.every((k) => k >= burst.firstKey - 2),
      `only events since ${time}: ${keys}`,
    );
    await client.logout();

    const refused = await VimClient.open(config(vcsim, vcsim.sdkUrl, 'not the password')).catch(
      (e) => e,
    );
    assert.ok(refused instanceof VcenterError);
    assert.equal(refused.kind, 'login');
    assert.equal(refused.faultType, 'InvalidLogin');
    assert.ok(!refused.message.includes('not the password'));
  });

  it('stops reading a response past 64 MiB and says why', async () => {
    const huge = Buffer.alloc(65 * 1024 * 1024, 'a');
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.end(huge);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await VimClient.open(config(vcsim, `http://127.0.0.1:${port}/sdk`)).catch(
        (e) => e,
      );
      assert.ok(error instanceof VcenterError);
      assert.equal(error.kind, 'transient');
      assert.match(error.message, /RetrieveServiceContent failed: .*maxContentLength/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
