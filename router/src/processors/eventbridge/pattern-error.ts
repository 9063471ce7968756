// The one error the event-pattern compiler throws. It names where in the pattern the problem is
// (`detail.state`) so an operator can find it in the rule without reading our code.

export class EventPatternError extends Error {
  /** Dotted path of the field in the pattern (`detail.state`), '' for the pattern itself. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(path === '' ? `event pattern: ${problem}` : `event pattern: ${path}: ${problem}`);
    this.name = 'EventPatternError';
    this.path = path;
  }
}
