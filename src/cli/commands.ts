/**
 * The subcommand table: each command is a `CliCommand` in its own module; `main` needs no change.
 */
import type { CliIo } from './cliIo';
import { insightsCommand } from './insightsCommand';
import { inspectCommand } from './inspectCommand';
import { lintCommand } from './lintCommand';
import { mcpCommand } from './mcpCommand';

export interface CliCommand {
  name: string;
  /** One line for `trace-lens --help`. */
  summary: string;
  usage: string;
  /** Resolves to the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

export const COMMANDS: readonly CliCommand[] = [lintCommand, inspectCommand, insightsCommand, mcpCommand];
