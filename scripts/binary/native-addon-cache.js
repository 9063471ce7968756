// Gives native addons (better-sqlite3's) a real file to load inside the single executable.
//
// The addon lives in pkg's virtual filesystem (/snapshot/...), and dlopen needs a file on disk.
// pkg's own copy step writes under PKG_NATIVE_CACHE_PATH or else ~/.cache, which fails for a
// service user whose home is read-only or missing. So we copy the addon ourselves before pkg
// sees the path, to the first folder that works of:
//   1. PKG_NATIVE_CACHE_PATH, when set (then it is the only choice: a mistake there is an error)
//   2. CACHE_DIRECTORY, which systemd sets for a unit with CacheDirectory=
//   3. XDG_CACHE_HOME/vmware-event-router, then ~/.cache/vmware-event-router
//   4. <temp dir>/vmware-event-router-<uid>, private to this user
// The file is named by the sha256 of its content, so two versions of the binary never load
// each other's addon, and it is rewritten whenever what is on disk differs.
// Limitation: only the .node file itself is copied, not files beside it; enough for
// better-sqlite3, which links SQLite statically, but an addon that loads a sibling shared
// library would fail to load.
// Limitation: a folder on a noexec mount passes every check here and then fails in dlopen
// ("failed to map segment"); there is no fallback to the next folder for that.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SNAPSHOT_PREFIX = `${path.sep}snapshot${path.sep}`;
const APP_FOLDER = 'vmware-event-router';

/** Folders to try, best first, each with the setting it came from (for error messages). */
function candidateCacheFolders(env, homeDir, tempDir, uid) {
  if (env.PKG_NATIVE_CACHE_PATH) {
    return [{ folder: env.PKG_NATIVE_CACHE_PATH, origin: 'PKG_NATIVE_CACHE_PATH' }];
  }
  const candidates = [];
  if (env.CACHE_DIRECTORY) {
    // systemd lists one folder per CacheDirectory= entry, separated by colons.
    candidates.push({ folder: env.CACHE_DIRECTORY.split(':')[0], origin: 'CACHE_DIRECTORY' });
  }
  if (env.XDG_CACHE_HOME) {
    const folder = path.join(env.XDG_CACHE_HOME, APP_FOLDER);
    candidates.push({ folder, origin: 'XDG_CACHE_HOME' });
  }
  if (homeDir) {
    candidates.push({ folder: path.join(homeDir, '.cache', APP_FOLDER), origin: 'home' });
  }
  candidates.push({ folder: path.join(tempDir, `${APP_FOLDER}-${uid}`), origin: 'temp dir' });
  return candidates;
}

/** Creates the folder if needed and refuses one that another user could write into, since
 * whatever sits there is loaded as code. Throws with the reason. */
function prepareCacheFolder(folder, uid) {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(folder);
  if (!stat.isDirectory()) throw new Error(`${folder} is not a directory`);
  if (uid !== -1 && stat.uid !== uid) throw new Error(`${folder} belongs to uid ${stat.uid}`);
  if ((stat.mode & 0o022) !== 0) throw new Error(`${folder} is writable by others`);
  fs.accessSync(folder, fs.constants.W_OK);
}

/** Writes content to file unless it is already there, byte for byte. Writes go through a
 * temporary name and a rename, so a process starting at the same time never loads half a file. */
function writeIfDifferent(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file).equals(content)) return;
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, content, { mode: 0o644 });
  fs.renameSync(partial, file);
}

/**
 * Copies the addon at addonPath (usually inside the snapshot) to the first usable cache folder.
 * Returns the path of the copy. Throws, naming every folder tried and why, when none works.
 */
function extractNativeAddon(addonPath, env, homeDir, tempDir, uid) {
  const content = fs.readFileSync(addonPath);
  const digest = crypto.createHash('sha256').update(content).digest('hex');
  const failures = [];
  for (const { folder, origin } of candidateCacheFolders(env, homeDir, tempDir, uid)) {
    try {
      prepareCacheFolder(folder, uid);
      const addonFolder = path.join(folder, 'native', digest);
      fs.mkdirSync(addonFolder, { recursive: true, mode: 0o755 });
      const copy = path.join(addonFolder, path.basename(addonPath));
      writeIfDifferent(copy, content);
      return copy;
    } catch (error) {
      failures.push(`${origin} (${folder}): ${error.message}`);
    }
  }
  throw new Error(
    `cannot place native addon ${path.basename(addonPath)}; set PKG_NATIVE_CACHE_PATH to a ` +
      `folder this user owns. Tried: ${failures.join('; ')}`,
  );
}

/** Wraps process.dlopen so that addons inside the snapshot load from a real copy. pkg's own
 * wrapper stays underneath and passes real paths through untouched. */
function installNativeAddonCache() {
  const innerDlopen = process.dlopen;
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  process.dlopen = function dlopen(module, filename, ...rest) {
    let target = filename;
    if (typeof filename === 'string' && filename.startsWith(SNAPSHOT_PREFIX)) {
      target = extractNativeAddon(filename, process.env, os.homedir(), os.tmpdir(), uid);
    }
    return innerDlopen.call(process, module, target, ...rest);
  };
}

module.exports = {
  candidateCacheFolders,
  extractNativeAddon,
  installNativeAddonCache,
};
