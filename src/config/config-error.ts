import { FatalError } from '../domain/errors.ts';

/** A configuration problem: names the file, the key path, what was found and what was expected. */
export class ConfigError extends FatalError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super('config', problems.map((problem) => `${file}: ${problem}`).join('\n'));
  }
}
