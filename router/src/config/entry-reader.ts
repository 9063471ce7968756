// Reads the fields and options of one entry that the schema has already checked for shape,
// adding the checks a schema cannot make (ranges of string values, files, URLs, cross-field
// rules). A field the schema already complained about is not judged again: each problem is
// reported once. Readers return a stand-in value after a problem; the caller discards the
// whole config when any problem was found.
import { parseDurationMs } from './duration';
import {
  defaultMs,
  optionTitle,
  type BooleanOption,
  type DurationOption,
  type IntegerOption,
  type OptionTable,
} from './options';
import { parseBoolean, parseInteger } from './scalars';

export class EntryReader {
  constructor(
    /** 0-based position in the file. */
    readonly index: number,
    readonly raw: Record<string, unknown>,
    readonly options: OptionTable,
    /** Paths the schema found a problem at. */
    private readonly badPaths: string[],
    private readonly problems: string[],
    /** Relative file names (ca_file) are relative to this folder. */
    readonly baseDir: string,
  ) {}

  get label(): string {
    return entryLabel(this.index, this.raw);
  }

  fail(message: string): void {
    this.problems.push(`${this.label}: ${message}`);
  }

  /** True when the schema found nothing wrong at, above or below `path`. */
  usable(path: string): boolean {
    return !this.badPaths.some(
      (bad) =>
        bad === '' || bad === path || bad.startsWith(`${path}.`) || path.startsWith(`${bad}.`),
    );
  }

  /** The raw value at a dotted path, e.g. `auth.secret.username`. */
  get(path: string): unknown {
    let value: unknown = this.raw;
    for (const key of path.split('.')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  }

  /** A string field the schema vouched for, or undefined when absent or bad. */
  string(path: string): string | undefined {
    const value = this.get(path);
    return this.usable(path) && typeof value === 'string' ? value : undefined;
  }

  /** The raw option, or undefined when absent or already reported. */
  private option(name: string): unknown {
    const path = `options.${name}`;
    return this.usable(path) ? this.get(path) : undefined;
  }

  boolean(name: string): boolean {
    const spec = this.options[name] as BooleanOption;
    const raw = this.option(name);
    if (raw === undefined) return spec.default;
    const value = parseBoolean(raw);
    if (value === undefined) this.fail(`options.${name} must be ${optionTitle(spec)}`);
    return value ?? spec.default;
  }

  integer(name: string): number {
    const spec = this.options[name] as IntegerOption;
    const raw = this.option(name);
    if (raw === undefined) return spec.default;
    const value = parseInteger(raw);
    if (value === undefined || value < spec.min || value > spec.max) {
      this.fail(`options.${name} must be ${optionTitle(spec)}`);
      return spec.default;
    }
    return value;
  }

  /** Milliseconds. */
  duration(name: string): number {
    const spec = this.options[name] as DurationOption;
    const raw = this.option(name);
    if (raw === undefined) return defaultMs(spec);
    const ms = parseDurationMs(raw);
    if (ms === undefined || ms < spec.minMs || ms > spec.maxMs) {
      this.fail(`options.${name} must be ${optionTitle(spec)}`);
      return defaultMs(spec);
    }
    return ms;
  }

  /** True when the option was given and passed the schema. */
  has(name: string): boolean {
    return this.option(name) !== undefined;
  }

  /** A string option the schema vouched for. */
  optionString(name: string): string | undefined {
    const raw = this.option(name);
    return typeof raw === 'string' ? raw : undefined;
  }
}

function printable(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(value);
}

/** `entry 2 (processor openfaas)`: 1-based, with as much of type and provider as is sane. */
export function entryLabel(index: number, raw: unknown): string {
  const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const words = [entry.type, entry.provider].filter(printable);
  const base = `entry ${index + 1}`;
  return printable(entry.type) && words.length > 0 ? `${base} (${words.join(' ')})` : base;
}
