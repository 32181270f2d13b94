// `--quiet` and `--no-progress` say one thing — draw no progress bar — so every command that draws one
// accepts both (the README had promised `--no-progress` where only `--quiet` was known, and back).
import type { Command } from 'commander';

export interface ProgressFlags {
  /** False with --no-progress. */
  progress?: boolean;
  quiet?: boolean;
}

export function addProgressOptions(command: Command, description = 'no progress bar on stderr'): Command {
  return command.option('--no-progress', description).option('--quiet', 'the same as --no-progress');
}

export function showsProgress(flags: ProgressFlags): boolean {
  return flags.progress !== false && flags.quiet !== true;
}
