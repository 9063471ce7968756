// The `metrics` entry (provider internal, or default as some original files say).
import { readBasicAuth } from './basic-auth';
import type { EntryReader } from './entry-reader';
import type { MetricsConfig } from './types';
import { splitHostPort } from './urls';

export function readMetricsEntry(entry: EntryReader): MetricsConfig {
  const address = entry.string('address') ?? '';
  if (entry.usable('address') && splitHostPort(address) === undefined) {
    entry.fail('address must be host:port with a port from 1 to 65535, such as 127.0.0.1:8082');
  }
  const auth = readBasicAuth(entry);
  return { address, ...(auth ? { auth } : {}) };
}
