/**
 * The subcommand table. Adding `inspect` means writing an `inspectCommand.ts` exporting a
 * `CliCommand` and listing it here; `main` needs no change.
 */
import type { CliIo } from './cliIo';
import { lintCommand } from './lintCommand';

export interface CliCommand {
  name: string;
  /** One line for `trace-lens --help`. */
  summary: string;
  usage: string;
  /** Resolves to the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

export const COMMANDS: readonly CliCommand[] = [lintCommand];
