// Loads the config file: JSON syntax, then the published JSON Schema, then the checks a schema
// cannot make, then the rules between entries. Every problem is collected before anything is
// thrown, so an operator fixes a file in one round.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { ConfigError } from './config-error';
import { EntryReader, entryLabel } from './entry-reader';
import { checkJsonSyntax, type DuplicateKey } from './json-syntax';
import { readMetricsEntry } from './metrics-entry';
import { readProcessorEntry } from './processor-entry';
import { findProviderSpec, providersOf } from './providers';
import { schemaFindings, type SchemaFinding } from './schema-findings';
import { readStreamEntry } from './stream-entry';
import type { MetricsConfig, ProcessorConfig, RouterConfig, StreamConfig } from './types';

export interface ParseOptions {
  /** Relative paths in the config (ca_file) are taken from here; default: the working folder. */
  baseDir?: string;
}

export interface LoadedConfig {
  config: RouterConfig;
  /** Things an operator should fix that do not stop the router. */
  warnings: string[];
}

/** Parses config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, origin: string, options?: ParseOptions): RouterConfig {
  return parseConfigWithWarnings(text, origin, options).config;
}

/** Reads and parses a config file; throws ConfigError listing every problem. */
export function loadConfigFile(file: string): RouterConfig {
  return loadConfigFileWithWarnings(file).config;
}

export function loadConfigFileWithWarnings(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(file, [`the file cannot be read (${code})`]);
  }
  const loaded = parseConfigWithWarnings(text, file, {
    baseDir: path.dirname(path.resolve(file)),
  });
  return { ...loaded, warnings: [...configFileWarnings(file), ...loaded.warnings] };
}

/** Warnings about the file itself: it holds secrets, so nobody but its owner may read it. */
export function configFileWarnings(file: string): string[] {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    return [];
  }
  const access = [mode & 0o044 ? 'readable' : '', mode & 0o022 ? 'writable' : '']
    .filter(Boolean)
    .join(' and ');
  if (access === '') return [];
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  return [
    `config ${file} is ${access} by group or others (mode ${octal}) and holds secrets; ` +
      `run: chmod 600 ${file}`,
  ];
}

export function parseConfigWithWarnings(
  text: string,
  origin: string,
  options: ParseOptions = {},
): LoadedConfig {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const syntax = checkJsonSyntax(source);
  if (syntax.error) {
    const { line, column, message } = syntax.error;
    throw new ConfigError(origin, [`invalid JSON at line ${line}, column ${column}: ${message}`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch {
    // Our scanner and V8 disagree; V8's message is not shown because it quotes the file.
    throw new ConfigError(origin, ['invalid JSON']);
  }
  const findings = schemaFindings(document);
  const documentProblem = findings.find((finding) => finding.entryIndex === undefined);
  if (documentProblem || !Array.isArray(document)) {
    throw new ConfigError(origin, [
      documentProblem?.message ?? 'the configuration must be a JSON array of entries',
    ]);
  }
  const problems: string[] = [];
  const config = readEntries(document, findings, problems, options.baseDir ?? process.cwd());
  if (problems.length > 0) throw new ConfigError(origin, byEntry(problems));
  return {
    config,
    warnings: syntax.duplicates.map((duplicate) => duplicateWarning(duplicate, document)),
  };
}

function readEntries(
  document: unknown[],
  findings: SchemaFinding[],
  problems: string[],
  baseDir: string,
): RouterConfig {
  const streams: { index: number; config: StreamConfig }[] = [];
  const processors: { index: number; config: ProcessorConfig }[] = [];
  const metrics: { index: number; config: MetricsConfig }[] = [];
  document.forEach((raw, index) => {
    const mine = findings.filter((finding) => finding.entryIndex === index);
    for (const finding of mine) {
      problems.push(
        `${entryLabel(index, raw)}${finding.path === '' ? ' ' : ': '}${finding.message}`,
      );
    }
    const record = raw as Record<string, unknown>;
    const spec = findProviderSpec(record?.type, record?.provider);
    if (spec === undefined || mine.some((finding) => finding.path === '')) return;
    const entry = new EntryReader(
      index,
      record,
      spec.options,
      mine.map((finding) => finding.path),
      problems,
      baseDir,
    );
    if (spec.type === 'stream') streams.push({ index, config: readStreamEntry(entry) });
    if (spec.type === 'processor') {
      processors.push({ index, config: readProcessorEntry(entry, spec.provider) });
    }
    if (spec.type === 'metrics') metrics.push({ index, config: readMetricsEntry(entry) });
  });
  checkNamesUnique(document, streams, 'stream', problems);
  checkNamesUnique(document, processors, 'processor', problems);
  for (const extra of metrics.slice(1)) {
    problems.push(
      `${entryLabel(extra.index, document[extra.index])}: only one metrics entry is allowed ` +
        `(entry ${metrics[0].index + 1} is one)`,
    );
  }
  if (
    streams.length === 0 &&
    !document.some((raw) => (raw as { type?: unknown })?.type === 'stream')
  ) {
    problems.push(
      `no stream entry: at least one stream (${providersOf('stream').join(', ')}) is required`,
    );
  }
  if (
    processors.length === 0 &&
    !document.some((raw) => (raw as { type?: unknown })?.type === 'processor')
  ) {
    problems.push(
      'no processor entry: at least one processor ' +
        `(${providersOf('processor').join(', ')}) is required`,
    );
  }
  return {
    streams: streams.map((stream) => stream.config),
    processors: processors.map((processor) => processor.config),
    ...(metrics.length > 0 ? { metrics: metrics[0].config } : {}),
  };
}

/** Problems in file order; those about the file as a whole (no entry number) last. */
function byEntry(problems: string[]): string[] {
  const entryNumber = (problem: string) =>
    Number(/^entry (\d+)/.exec(problem)?.[1] ?? Number.MAX_SAFE_INTEGER);
  return [...problems].sort((a, b) => entryNumber(a) - entryNumber(b));
}

function checkNamesUnique(
  document: unknown[],
  entries: { index: number; config: { name: string } }[],
  type: string,
  problems: string[],
): void {
  const firstByName = new Map<string, number>();
  for (const { index, config } of entries) {
    const first = firstByName.get(config.name);
    if (first === undefined) {
      firstByName.set(config.name, index);
      continue;
    }
    problems.push(
      `${entryLabel(index, document[index])}: name "${config.name}" is already used by ` +
        `entry ${first + 1}; give each ${type} its own "name"`,
    );
  }
}

function duplicateWarning(duplicate: DuplicateKey, document: unknown[]): string {
  const [index, ...fields] = duplicate.path;
  const where = `line ${duplicate.line}, column ${duplicate.column}`;
  if (typeof index !== 'number' || fields.length === 0) {
    return `${where}: a key appears twice in one object; the last one counts`;
  }
  return (
    `${entryLabel(index, document[index])}: ${fields.join('.')} appears twice (${where}); ` +
    'the last one counts'
  );
}
