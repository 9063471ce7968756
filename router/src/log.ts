// The one logger of the router. Every part gets a child with its component name
// (`vcenter`, `store`, `openfaas`, ...) and adds its own fields; nothing writes to console.
// Logs go to standard error, because standard output belongs to the stdout processor.
import pino from 'pino';
import pinoPretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogOptions {
  level: LogLevel;
  json: boolean;
  /** Where lines go; standard error unless a test captures them. */
  destination?: NodeJS.WritableStream;
}

/** Field names whose values are replaced before a line is written, wherever they appear. */
const redactedPaths = [
  'password',
  'secret',
  'auth',
  'authorization',
  'aws_secret_access_key',
  'secretAccessKey',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.secretAccessKey',
];

export function createLogger(options: LogOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const base = { level: options.level, base: undefined, redact: redactedPaths };
  if (options.json) {
    return pino({ ...base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  }
  // pino-pretty as a plain stream (not a worker transport): works inside the single binary.
  const pretty = pinoPretty({
    destination,
    sync: true,
    colorize: false,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'component',
    messageFormat: '[{component}] {msg}',
    // One line per entry, fields after the message: an operator greps lines, not blocks.
    singleLine: true,
  });
  return pino(base, pretty);
}

/** A logger that drops everything; for unit tests that do not look at log lines. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
