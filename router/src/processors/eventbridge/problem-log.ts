// Logs a lasting problem once, not on every attempt: a line when it starts or changes, and one
// when it is over. Retries of a bus that is down for an hour then make two lines, not hundreds.
import type { Logger } from '../../log';

export class ProblemLog {
  private current: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly level: 'warn' | 'error',
  ) {}

  /**
   * Logs `message` with the reason when `kind` differs from the kind reported last. The kind
   * is what stays the same while the problem lasts (refused, then reset, is one outage).
   */
  report(
    kind: string,
    reason: string,
    message: string,
    fields: Record<string, unknown> = {},
  ): void {
    if (kind === this.current) return;
    this.current = kind;
    this.logger[this.level]({ ...fields, reason }, message);
  }

  /** Logs `message` at info if a problem was being reported, and forgets it. */
  resolve(message: string, fields: Record<string, unknown> = {}): void {
    if (this.current === undefined) return;
    this.current = undefined;
    this.logger.info(fields, message);
  }

  get active(): string | undefined {
    return this.current;
  }
}
