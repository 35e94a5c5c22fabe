import type { CliIo } from './cliIo';

/** One `trace-lens` subcommand. The table of them is `COMMANDS` in commands.ts, which imports every command module. */
export interface CliCommand {
  name: string;
  /** One line for `trace-lens --help`. */
  summary: string;
  usage: string;
  /** Resolves to the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}
