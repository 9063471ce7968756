// Errors of the store that an operator acts on. The CLI prints their message without a stack
// trace: the message alone names the file and says what to do.
import path from 'node:path';

/** Exit status for a store an operator must fix first (EX_CONFIG of sysexits.h). A systemd
 * unit lists it in RestartPreventExitStatus= so a broken database is not a crash loop. */
export const storeUnusableExitCode = 78;

/** A store problem worded for an operator; print `message`, not the stack. */
export class StoreOperatorError extends Error {
  readonly exitCode: number = storeUnusableExitCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOperatorError';
  }
}

/** The database file is corrupt, unreadable, not ours, or of a schema this version does not
 * know. Raised at start, before anything is read or written. */
export class DatabaseUnusableError extends StoreOperatorError {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `database ${file}: ${problem}. Restore a backup with ` +
        `\`vmware-event-router restore --data-dir ${path.dirname(file)} --from BACKUP\`, ` +
        'or move the file ' +
        '(and its -wal and -shm files) aside to start with an empty store; events not yet ' +
        'delivered are then lost',
      options,
    );
    this.name = 'DatabaseUnusableError';
  }
}

/** Another live process (a router, a restore) holds the data directory. */
export class DatabaseLockedError extends StoreOperatorError {
  constructor(
    readonly lockFile: string,
    holder: string,
  ) {
    super(`data directory is in use: ${lockFile} is held by ${holder}`);
    this.name = 'DatabaseLockedError';
  }
}

/** A file given to `restore` is not a router database we can use. */
export class BackupInvalidError extends StoreOperatorError {
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`backup ${file}: ${problem}; nothing was changed`, options);
    this.name = 'BackupInvalidError';
  }
}

/** SQLite's error codes for a file that is not a (healthy) database. */
export function isCorruptionError(error: unknown): boolean {
  const code = sqliteCode(error);
  return (
    code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT_')
  );
}

export function isFullError(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_FULL';
}

export function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface OperatorOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Runs an operator command's body: a StoreOperatorError becomes one line on standard error and
 * its exit status (no stack trace); anything else is a bug and propagates.
 */
export async function runOperatorCommand(
  name: string,
  output: OperatorOutput,
  body: () => Promise<void> | void,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof StoreOperatorError)) throw error;
    output.stderr.write(`vmware-event-router ${name}: ${error.message}\n`);
    process.exitCode = error.exitCode;
  }
}
