// kill -9 while taking in: a real child process writes pages to a real database and reports
// each commit; after SIGKILL, every page it reported is in the store with its checkpoint.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RouterStore } from '../../router/src/store/store';
import { tempDataDir } from '../unit/store-kit';

const root = path.resolve(__dirname, '../..');

// The child: takes in pages of 20 events as fast as it can, printing the last key of each
// page once takeIn has returned (committed).
const child = `
const { RouterStore } = require(${JSON.stringify(path.join(root, 'router/src/store/store.ts'))});
const { incoming } = require(${JSON.stringify(path.join(root, 'test/unit/store-kit.ts'))});
const store = RouterStore.open({ dataDir: process.argv[1] });
store.routing.syncProcessors(['p1'], Date.now());
let key = 0;
for (;;) {
  const page = [];
  for (let i = 0; i < 20; i++) { key++; page.push(incoming(key)); }
  store.takeIn('vc01', page);
  process.stdout.write('committed ' + key + '\\n');
}
`;

describe('store: kill -9', () => {
  let data: ReturnType<typeof tempDataDir>;

  beforeEach(() => (data = tempDataDir()));
  afterEach(() => data.remove());

  it('loses no page that takeIn had returned for', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', '-e', child, data.dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastCommitted = 0;
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      proc.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) lastCommitted = Number(line.split(' ')[1]);
        if (lastCommitted >= 2_000 && proc.exitCode === null) {
          proc.kill('SIGKILL');
          resolve();
        }
      });
      proc.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${stderr}`));
      });
    });
    await new Promise((resolve) => proc.once('close', resolve));

    const store = RouterStore.open({ dataDir: data.dir });
    try {
      const checkpoint = store.readCheckpoint('vc01');
      assert.ok(checkpoint, 'a checkpoint survived');
      assert.ok(checkpoint.lastKey >= lastCommitted, `checkpoint ${checkpoint.lastKey}`);
      // Every key up to the checkpoint is there, none twice, none beyond it.
      assert.equal(store.bufferedEventCount(), checkpoint.lastKey);
      const keys = store.db.prepare('SELECT key FROM events ORDER BY seq').pluck().all();
      assert.deepEqual(
        keys,
        Array.from({ length: checkpoint.lastKey }, (_, i) => i + 1),
      );
    } finally {
      store.close();
    }
  });
});
