// A `stream` entry (provider vmware_vcenter) as a StreamConfig.
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';

import type { EntryReader } from './entry-reader';
import { rfc3339Pattern } from './options';
import type { StartFrom, StreamConfig, TlsOptions } from './types';
import { urlProblem } from './urls';

export function readStreamEntry(entry: EntryReader): StreamConfig {
  const address = entry.string('address') ?? '';
  if (entry.usable('address')) {
    const problem = urlProblem(address, 'https://vc01.example.com/sdk');
    if (problem) entry.fail(`address ${problem}`);
  }
  return {
    name: entry.string('name') ?? defaultStreamName(address),
    address,
    username: entry.string('auth.secret.username') ?? '',
    password: entry.string('auth.secret.password') ?? '',
    tls: readTls(entry),
    checkpoint: entry.boolean('checkpoint'),
    pollIntervalMs: entry.duration('poll_interval'),
    pageSize: entry.integer('page_size'),
    startFrom: readStartFrom(entry),
    maxReplayAgeMs: entry.duration('max_replay_age'),
    maxBufferedEvents: entry.integer('max_buffered_events'),
  };
}

/** The vCenter's host name, which is what operators call a vCenter. */
function defaultStreamName(address: string): string {
  try {
    return new URL(address).hostname;
  } catch {
    // The address has a problem of its own, and may hold a password (`https://u:p@...`): it
    // must not come back as the stream's name in a message about duplicate names.
    return '';
  }
}

function readTls(entry: EntryReader): TlsOptions {
  const insecure = entry.boolean('insecure');
  const caFile = readCaFile(entry);
  const thumbprint = entry.optionString('thumbprint');
  // insecure turns every check off; a pin or CA next to it would suggest a safety that is
  // not there.
  if (insecure) {
    for (const other of ['thumbprint', 'ca_file']) {
      if (entry.has(other)) {
        entry.fail(
          `options.insecure turns certificate checks off, so options.${other} would be ` +
            'ignored; remove one of them',
        );
      }
    }
  }
  return {
    insecure,
    ...(caFile ? { caFile } : {}),
    ...(thumbprint ? { thumbprint: normaliseThumbprint(thumbprint) } : {}),
  };
}

/** Upper-case hex pairs joined by colons, the form vSphere shows and Node's fingerprints use. */
export function normaliseThumbprint(value: string): string {
  return value.replace(/:/g, '').toUpperCase().match(/.{2}/g)?.join(':') ?? '';
}

/** The absolute path of a readable PEM file, checked now so a typo fails at start-up. */
function readCaFile(entry: EntryReader): string | undefined {
  const configured = entry.optionString('ca_file');
  if (configured === undefined) return undefined;
  const absolute = path.resolve(entry.baseDir, configured);
  try {
    accessSync(absolute, constants.R_OK);
    if (!readFileSync(absolute, 'utf8').includes('-----BEGIN CERTIFICATE-----')) {
      entry.fail(`options.ca_file ${absolute} holds no PEM certificate`);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    entry.fail(`options.ca_file ${absolute} cannot be read (${code})`);
  }
  return absolute;
}

const rfc3339 = new RegExp(`^${rfc3339Pattern}$`);

function readStartFrom(entry: EntryReader): StartFrom {
  const value = entry.optionString('start_from') ?? 'now';
  if (value === 'now' || value === 'beginning') return { kind: value };
  const time = parseRfc3339(value);
  if (time === undefined) {
    entry.fail(
      'options.start_from must be now, beginning or an RFC 3339 time such as 2026-01-31T08:00:00Z',
    );
    return { kind: 'now' };
  }
  return { kind: 'time', time };
}

/** An RFC 3339 time whose fields are in range (no 31 June, no 25:00), or undefined. */
export function parseRfc3339(value: string): Date | undefined {
  if (!rfc3339.test(value)) return undefined;
  const [year, month, day, hour, minute, second] = value
    .match(/[0-9]+/g)!
    .slice(0, 6)
    .map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = value.slice(19).replace(/^\.[0-9]+/, '');
  if (/^[+-]/.test(offset) && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)) {
    return undefined;
  }
  // Date understands milliseconds only: cut finer fractions, normalise the separators.
  const fraction = /^\.[0-9]+/.exec(value.slice(19))?.[0].slice(0, 4) ?? '';
  const iso = `${value.slice(0, 10)}T${value.slice(11, 19)}${fraction}${offset.toUpperCase()}`;
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
