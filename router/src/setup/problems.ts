// The one error the setup raises for bad input: every problem found, each naming the property
// (or the OVF environment) and why, in words for the person at the vSphere console. Messages
// never carry a secret's value.

export class SetupInputError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'SetupInputError';
    this.problems = problems;
  }
}
