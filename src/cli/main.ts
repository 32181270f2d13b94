import { CommanderError } from 'commander';
import { describeFailure, exitCodeFor } from './cli-error.ts';
import { buildProgram } from './program.ts';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its own usage errors.
  if (!(error instanceof CommanderError))
    console.error(describeFailure(error, process.argv.includes('--verbose')));
  process.exitCode = exitCodeFor(error);
}
