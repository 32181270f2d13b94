import { CommanderError, type Command } from 'commander';
import { describeFailure, exitCodeFor, UsageError } from './cli-error.ts';
import { buildProgram, usageHint } from './program.ts';

// `sigil intents list | head`: a reader that stops reading is no crash with a stack trace. The output
// is dropped and the command goes on — a bot whose log reader went away keeps trading.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

const program = buildProgram();
// The command being run, for the usage hint of a usage error its action finds (a bad --hours).
let running: Command | null = null;
program.hook('preAction', (_program, command) => {
  running = command;
});
try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its own usage errors.
  if (!(error instanceof CommanderError))
    console.error(describeFailure(error, process.argv.includes('--verbose')));
  if (error instanceof UsageError && running) console.error(`(${usageHint(running)})`);
  process.exitCode = exitCodeFor(error);
}
