// Where the single executable puts better-sqlite3's addon before loading it: the folder
// chosen for a service user, the checks on it, and the copy itself. Real files in a temp dir.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  candidateCacheFolders,
  extractNativeAddon,
} from '../../scripts/binary/native-addon-cache.js';

const uid = process.getuid ? process.getuid() : -1;

function sha256(content: Buffer): string {
  return crypto.createHash('sha256').update(content).digest('hex');
}

describe('binary: native addon cache', () => {
  let root: string;
  let addon: string;
  let addonContent: Buffer;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'native-addon-cache-'));
    addon = path.join(root, 'better_sqlite3.node');
    addonContent = crypto.randomBytes(4096);
    fs.writeFileSync(addon, addonContent);
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('uses only PKG_NATIVE_CACHE_PATH when it is set', () => {
    const env = { PKG_NATIVE_CACHE_PATH: '/var/cache/x', CACHE_DIRECTORY: '/c' };
    assert.deepEqual(candidateCacheFolders(env, '/home/u', '/tmp', 7), [
      { folder: '/var/cache/x', origin: 'PKG_NATIVE_CACHE_PATH' },
    ]);
  });

  it('prefers systemd CACHE_DIRECTORY, then XDG, home, and a per-user temp folder', () => {
    const env = { CACHE_DIRECTORY: '/var/cache/router:/var/cache/other', XDG_CACHE_HOME: '/x' };
    assert.deepEqual(
      candidateCacheFolders(env, '/home/u', '/tmp', 7).map((c) => c.folder),
      [
        '/var/cache/router',
        '/x/vmware-event-router',
        '/home/u/.cache/vmware-event-router',
        '/tmp/vmware-event-router-7',
      ],
    );
  });

  it('copies the addon under its sha256 into PKG_NATIVE_CACHE_PATH', () => {
    const cache = path.join(root, 'cache');
    const copy = extractNativeAddon(addon, { PKG_NATIVE_CACHE_PATH: cache }, root, root, uid);
    assert.equal(copy, path.join(cache, 'native', sha256(addonContent), 'better_sqlite3.node'));
    assert.deepEqual(fs.readFileSync(copy), addonContent);
    assert.deepEqual(fs.readdirSync(path.dirname(copy)), ['better_sqlite3.node']);
  });

  it('rewrites a copy whose content no longer matches', () => {
    const env = { PKG_NATIVE_CACHE_PATH: path.join(root, 'cache') };
    const copy = extractNativeAddon(addon, env, root, root, uid);
    fs.writeFileSync(copy, 'tampered');
    assert.equal(extractNativeAddon(addon, env, root, root, uid), copy);
    assert.deepEqual(fs.readFileSync(copy), addonContent);
  });

  it('falls through to the temp folder when the home cannot hold a cache', () => {
    // A home below a regular file fails as a read-only home does, even for root.
    const notAFolder = path.join(root, 'file');
    fs.writeFileSync(notAFolder, '');
    const tempDir = path.join(root, 'tmp');
    const copy = extractNativeAddon(addon, {}, path.join(notAFolder, 'home'), tempDir, uid);
    assert.ok(copy.startsWith(path.join(tempDir, `vmware-event-router-${uid}`, 'native')));
    assert.equal(
      fs.statSync(path.join(tempDir, `vmware-event-router-${uid}`)).mode & 0o777,
      0o700,
    );
  });

  it('refuses a folder that other users can write to, and says which and why', () => {
    const shared = path.join(root, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o777);
    assert.throws(
      () => extractNativeAddon(addon, { PKG_NATIVE_CACHE_PATH: shared }, root, root, uid),
      (error: Error) =>
        error.message.includes('set PKG_NATIVE_CACHE_PATH') &&
        error.message.includes(
          `PKG_NATIVE_CACHE_PATH (${shared}): ${shared} is writable by others`,
        ),
    );
    assert.deepEqual(fs.readdirSync(shared), []);
  });
});
