// Writes the rendered files under the target root. Each file is written to a temporary name
// in its own folder with its final mode, then renamed over the old one, so a crash or a power
// cut leaves the old file or the new one, never half of either, and a secret is never briefly
// world-readable.
import {
  chownSync,
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { SystemFile } from './system-files';
import { routerConfigPath } from './system-files';

export const routerUser = 'vmware-event-router';

export interface Owner {
  uid: number;
  gid: number;
}

/** The router user's ids from the target's /etc/passwd; undefined when it has no such user. */
export function lookUpRouterUser(root: string): Owner | undefined {
  const passwdPath = join(root, 'etc/passwd');
  if (!existsSync(passwdPath)) return undefined;
  for (const line of readFileSync(passwdPath, 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === routerUser && uid !== undefined && gid !== undefined) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}

export interface WriteOptions {
  root: string;
  routerOwner: Owner;
  /** Names a copy of a config.json someone edited, before it is replaced. */
  backupSuffix: string;
  onWritten: (path: string, what: 'written' | 'removed' | 'kept a copy') => void;
}

export function writeSystemFiles(files: SystemFile[], options: WriteOptions): void {
  for (const file of files) {
    const target = join(options.root, file.path);
    if (file.content === null) {
      if (existsSync(target)) {
        rmSync(target, { force: true });
        options.onWritten(file.path, 'removed');
      }
      continue;
    }
    if (file.path === routerConfigPath) keepEditedConfig(target, file.content, options);
    const owner = file.ownedByRouter === true ? options.routerOwner : { uid: 0, gid: 0 };
    writeAtomically(target, file.content, file.mode, owner);
    options.onWritten(file.path, 'written');
  }
}

/** Someone may have changed the router config over SSH since the last run: keep their copy. */
function keepEditedConfig(target: string, content: string, options: WriteOptions): void {
  if (!existsSync(target) || readFileSync(target, 'utf8') === content) return;
  const copy = `${target}.${options.backupSuffix}.bak`;
  // Root's only, whatever mode the edited file had: it holds the same secrets, and a copy
  // (unlike the config written next) would keep a mode someone opened up by mistake.
  const fd = openSync(copy, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, readFileSync(target));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  options.onWritten(`${routerConfigPath}.${options.backupSuffix}.bak`, 'kept a copy');
}

/**
 * Makes the missing folders above a file, each 0755 whatever the umask (the setup unit runs
 * with a strict one, and /etc/hosts must stay readable by every user).
 */
function makeParentFolders(target: string): void {
  const missing: string[] = [];
  for (let folder = dirname(target); !existsSync(folder); folder = dirname(folder)) {
    missing.unshift(folder);
  }
  for (const folder of missing) {
    mkdirSync(folder);
    chmodSync(folder, 0o755);
  }
}

function writeAtomically(target: string, content: string, mode: number, owner: Owner): void {
  makeParentFolders(target);
  const temporary = `${target}.setup-tmp`;
  rmSync(temporary, { force: true });
  // Created owner-only, then given its mode: the umask must neither widen nor narrow it.
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    fchmodSync(fd, mode);
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // Only root may give files away; an unprivileged test run keeps its own user.
  if (process.getuid?.() === 0) chownSync(temporary, owner.uid, owner.gid);
  renameSync(temporary, target);
}
