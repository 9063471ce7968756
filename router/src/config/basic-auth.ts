// `basic_auth` as OpenFaaS processors and the metrics server take it.
import type { EntryReader } from './entry-reader';
import type { BasicAuth } from './types';

/** The user and password of `basic_auth`, or undefined for `none` or no auth at all. */
export function readBasicAuth(entry: EntryReader): BasicAuth | undefined {
  if (entry.string('auth.method') !== 'basic_auth') return undefined;
  return {
    username: entry.string('auth.secret.username') ?? '',
    password: entry.string('auth.secret.password') ?? '',
  };
}
