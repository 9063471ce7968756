// The router's version and the commit it was built from. scripts/copy-assets.js writes
// build-info.generated.json at build time; a tree that was never built says `unknown`.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface BuildInfo {
  version: string;
  commit: string;
}

export function buildInfo(): BuildInfo {
  try {
    // A literal path, so the single-file binary bundles it.
    return require('../build-info.generated.json') as BuildInfo;
  } catch {
    const manifest = path.join(__dirname, '..', '..', '..', 'package.json');
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    return { version, commit: 'unknown' };
  }
}

export function versionLine(): string {
  const info = buildInfo();
  return `vmware-event-router ${info.version} (commit ${info.commit}, node ${process.version})`;
}
