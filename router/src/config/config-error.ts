// The one error a bad config file produces: every problem found, each naming its entry and
// field, none quoting a secret.

export class ConfigError extends Error {
  constructor(
    /** The file (or other origin) the config came from. */
    readonly origin: string,
    /** One sentence per problem, e.g. `entry 2 (processor openfaas): auth.method must be ...` */
    readonly problems: string[],
  ) {
    super(
      problems.length === 1
        ? `config ${origin}: ${problems[0]}`
        : `config ${origin} has ${problems.length} problems:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'ConfigError';
  }
}
