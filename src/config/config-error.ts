import { FatalError } from '../domain/errors.ts';
import { redactSecrets } from '../logging/redaction.ts';

/**
 * A configuration problem: names the file, the key path, what was found and what was expected. What was
 * found goes through the redaction of every error message: a refused value may be a secret.
 */
export class ConfigError extends FatalError {
  readonly problems: readonly string[];

  constructor(
    readonly file: string,
    problems: readonly string[],
  ) {
    const redacted = problems.map((problem) => redactSecrets(problem));
    super('config', redacted.map((problem) => `${file}: ${problem}`).join('\n'));
    this.problems = redacted;
  }
}
