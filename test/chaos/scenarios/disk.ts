// The data directory in trouble: full while events are buffered, a corrupt database at
// restart, a data directory the router cannot write at restart. Running as root, the data
// directory is a small tmpfs of our own (full and read-only for real); where mounting is not
// allowed the full disk is played by the max_buffered_events bound, and the note says so.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { ChaosRig } from '../rig';
import { connectedLog, withRig, type Scenario } from '../scenario';

const unitFile = path.resolve(__dirname, '../../../appliance/systemd/vmware-event-router.service');

/** Mounts a tmpfs of `size` on dir; returns why not when it cannot. */
function mountTmpfs(dir: string, size: string): string | undefined {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ran = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (ran.status === 0) return undefined;
  return (ran.stderr || ran.error?.message || `exit ${ran.status}`).trim();
}

function remount(dir: string, mode: 'ro' | 'rw'): void {
  const ran = spawnSync('mount', ['-o', `remount,${mode}`, dir], { encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`mount -o remount,${mode} ${dir}: ${ran.stderr}`);
}

function unmount(dir: string): void {
  if (spawnSync('mountpoint', ['-q', dir]).status !== 0) return;
  const ran = spawnSync('umount', [dir], { encoding: 'utf8' });
  if (ran.status !== 0) spawnSync('umount', ['-l', dir]);
}

function fileHash(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The exit of a router start that must refuse: code, and its log after `from`. */
async function refusedStart(rig: ChaosRig): Promise<{ code: number | string; lines: string[] }> {
  const router = rig.router!;
  const from = router.logs.length;
  await router.killAndRestart(); // the previous run has exited; this only starts it again
  const code = await Promise.race([
    router.exited(),
    new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000)),
  ]);
  return { code, lines: router.logs.slice(from) };
}

function checkRefusal(
  rig: ChaosRig,
  what: string,
  refused: { code: number | string; lines: string[] },
  mentions: RegExp,
): void {
  const errorLines = refused.lines.filter((line) => /ERROR|error/.test(line));
  rig.check(`${what}: exit 78`, refused.code === 78, `exit ${refused.code}`);
  rig.check(
    `${what}: one clear line, no stack trace`,
    refused.lines.some((line) => mentions.test(line)) &&
      !refused.lines.some((line) => /^\s+at /.test(line)),
    errorLines.slice(-1)[0]?.slice(0, 300) ?? refused.lines.slice(-1)[0],
  );
}

function checkNoCrashLoop(rig: ChaosRig): void {
  const unit = fs.readFileSync(unitFile, 'utf8');
  const final = /^RestartPreventExitStatus=.*\b78\b/m.test(unit);
  rig.check('systemd does not restart on exit 78 (RestartPreventExitStatus)', final);
}

/**
 * The gateway goes down once the router knows its functions (events are routed as they come),
 * or is down from the start (nothing can be routed until it is back, so routing itself must
 * find room on the full disk).
 */
function diskFullScenario(gatewayDownFromStart: boolean): Scenario {
  return {
    name: gatewayDownFromStart
      ? 'disk full, gateway down from start'
      : 'disk full while buffering',
    fault: 'data directory fills up while the OpenFaaS gateway is down',
    run: () => {
      let mounted = false;
      return withRig(
        { targets: ['openfaas'] },
        async (rig) => {
          const refused = mountTmpfs(rig.files.dataDir, '8m');
          mounted = refused === undefined;
          if (mounted) {
            rig.note('ran: tmpfs of 8 MiB as the data directory');
          } else {
            rig.note(`ran: max_buffered_events 3000 (mount refused: ${refused})`);
            const entries = rig.config() as { options?: Record<string, unknown> }[];
            entries[0].options!.max_buffered_events = 3_000;
            rig.writeConfig(entries);
          }
          if (gatewayDownFromStart) await rig.gateway!.goDown();
          const router = rig.startRouter();
          await router.waitForLog(connectedLog, 30_000);
          if (!gatewayDownFromStart) {
            await rig.waitFor('deliveries', 30_000, () => rig.arrivals('openfaas').length > 0);
            await rig.gateway!.goDown();
          }
          const full = mounted ? /store full/ : /buffer full/;
          for (let round = 0; round < 12 && !router.logs.some((l) => full.test(l)); round++) {
            await rig.burst(1_500);
            await sleep(1_000);
          }
          const line = await router.waitForLog(full, 30_000);
          rig.check('the stream pauses and says the store is full', true, line.slice(0, 200));
          rig.check('the router keeps running on a full disk', router.child.exitCode === null);
          await rig.burst(1_000); // more while full: vCenter keeps them, the router reads later
          await rig.gateway!.comeBack();
          await router.waitForLog(/room again/, 120_000);
        },
        (rig) => {
          if (mounted) unmount(rig.files.dataDir);
        },
      );
    },
  };
}

export const diskFull = diskFullScenario(false);
export const diskFullFromStart = diskFullScenario(true);

export const corruptDatabase: Scenario = {
  name: 'corrupt database at restart',
  fault: 'router.db overwritten in places; operator restores the backup',
  run: () =>
    withRig({ targets: ['stdout'] }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      await rig.burst(1_000);
      await rig.waitTakenIn('the first burst');
      const backup = path.join(rig.files.dir, 'backup.db');
      const backedUp = await rig.command([
        'backup',
        '--data-dir',
        rig.files.dataDir,
        '--out',
        backup,
      ]);
      rig.check('backup while running', backedUp.code === 0, backedUp.stderr.trim());
      await rig.burst(1_000);
      await rig.waitTakenIn('the second burst');
      await router.stop();

      const file = path.join(rig.files.dataDir, 'router.db');
      const fd = fs.openSync(file, 'r+');
      const size = fs.fstatSync(fd).size;
      for (let offset = 8_192; offset < size; offset += 16_384) {
        fs.writeSync(fd, randomBytes(512), 0, 512, offset);
      }
      fs.closeSync(fd);
      const corrupted = fileHash(file);

      const first = await refusedStart(rig);
      checkRefusal(rig, 'corrupt database', first, /router\.db.*restore/);
      const second = await refusedStart(rig);
      rig.check('a second start fails the same way', second.code === 78, `exit ${second.code}`);
      rig.check('the corrupt file is left as it was', fileHash(file) === corrupted);
      checkNoCrashLoop(rig);

      const restored = await rig.command([
        'restore',
        '--data-dir',
        rig.files.dataDir,
        '--from',
        backup,
      ]);
      rig.check('restore of the backup', restored.code === 0, restored.stderr.trim());
      await router.killAndRestart();
      await router.waitForLog(connectedLog, 30_000);
      await rig.burst(300);
    }),
};

export const dataDirReadOnly: Scenario = {
  name: 'data directory not writable',
  fault: 'restart with the data directory read-only, then writable again',
  run: () => {
    let mounted = false;
    return withRig(
      { targets: ['stdout'] },
      async (rig) => {
        const refused = mountTmpfs(rig.files.dataDir, '64m');
        mounted = refused === undefined;
        const router = rig.startRouter();
        await router.waitForLog(connectedLog, 30_000);
        await rig.burst(1_000);
        await rig.waitTakenIn('the burst');
        await router.stop();

        if (mounted) {
          rig.note('ran: tmpfs remounted read-only');
          remount(rig.files.dataDir, 'ro');
        } else {
          // Limitation: root ignores file modes, so without a mount this only proves the
          // restart path, not the refusal.
          rig.note(`ran: chmod 0500 (mount refused: ${refused})`);
          fs.chmodSync(rig.files.dataDir, 0o500);
        }
        await rig.burst(500);
        const first = await refusedStart(rig);
        if (mounted) checkRefusal(rig, 'read-only data directory', first, /data|read-only|EROFS/i);

        if (mounted) remount(rig.files.dataDir, 'rw');
        else fs.chmodSync(rig.files.dataDir, 0o700);
        if (first.code === 'still running') await router.stop();
        await router.killAndRestart();
        await router.waitForLog(connectedLog, 30_000);
        await rig.burst(300);
      },
      (rig) => {
        if (mounted) unmount(rig.files.dataDir);
      },
    );
  },
};
