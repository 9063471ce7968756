// `make demo`: the router's main job on an embedded default. Starts the test vCenter (vcsim),
// runs the router with the stdout processor against it, powers a VM off and on, and lets the
// CloudEvents appear on standard output (the router's log goes to standard error).
// DEMO_KEEP_RUNNING=1 leaves both running until Ctrl-C.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { startVcsim } from '../test/support/vcsim';
import { VcsimSoapClient } from '../test/support/vcsim-soap';

const routerMain = path.resolve(__dirname, '../router/dist/main.js');

async function main(): Promise<void> {
  const vcsim = await startVcsim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmware-event-router-demo-'));
  const configFile = path.join(dir, 'config.json');
  const config = [
    {
      type: 'stream',
      provider: 'vmware_vcenter',
      address: vcsim.sdkUrl,
      auth: {
        method: 'user_password',
        secret: { username: vcsim.username, password: vcsim.password },
      },
      options: { ca_file: vcsim.caFile, start_from: 'now' },
    },
    { type: 'processor', provider: 'stdout' },
  ];
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  const dataDir = path.join(dir, 'data');
  process.stderr.write(
    `demo: vCenter simulator at ${vcsim.sdkUrl}; config ${configFile}; data ${dataDir}\n`,
  );

  const router = spawn(
    process.execPath,
    [routerMain, '--config', configFile, '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const subjects: string[] = [];
  let pending = '';
  router.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines)
      if (line) subjects.push((JSON.parse(line) as { subject: string }).subject);
  });

  const stopAll = async () => {
    router.kill('SIGTERM');
    await new Promise((resolve) => router.once('close', resolve));
    await vcsim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));

  await sleep(2_000);
  const client = await VcsimSoapClient.loggedIn(vcsim);
  const [placement] = await client.findVms();
  process.stderr.write(`demo: powering ${placement.vm.name} off and on\n`);
  await client.powerOffVm(placement.vm.ref);
  await client.powerOnVm(placement.vm.ref);
  await client.logout();

  const deadline = Date.now() + 30_000;
  while (!subjects.includes('VmPoweredOnEvent') && Date.now() < deadline) await sleep(100);
  const seen = subjects.includes('VmPoweredOffEvent') && subjects.includes('VmPoweredOnEvent');
  process.stderr.write(
    seen
      ? `demo: ${subjects.length} CloudEvents on standard output, the power events among them\n`
      : 'demo: the power events did not arrive within 30 s; see the log above\n',
  );
  if (process.env.DEMO_KEEP_RUNNING === '1') {
    process.stderr.write(
      'demo: still running; Ctrl-C stops the router and the simulator. Meanwhile, in another ' +
        `terminal: npx vmware-event-router status --data-dir ${dataDir}\n`,
    );
    return;
  }
  await stopAll();
  process.exitCode = seen ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(1);
});
