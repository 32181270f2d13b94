// One name for one concept: a command that picks variants takes `--variants A,B`. `intents list` and
// `stats exits` took a singular `--variant` before; it is still accepted there, hidden from the help.
import { Option, type Command } from 'commander';

export interface VariantsFlags {
  variants?: string;
  /** The older spelling, the same meaning. */
  variant?: string;
}

export function addVariantsOption(command: Command, description: string): Command {
  return command
    .option('--variants <names>', description)
    .addOption(new Option('--variant <names>', 'the same as --variants').hideHelp());
}

/** The variants named, each once, or undefined for all of them. */
export function variantNames(flags: VariantsFlags): string[] | undefined {
  const names = [flags.variants, flags.variant]
    .flatMap((text) => (text === undefined ? [] : text.split(',')))
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return names.length > 0 ? [...new Set(names)] : undefined;
}
