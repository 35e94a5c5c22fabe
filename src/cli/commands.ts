/**
 * The subcommand table: each command is a `CliCommand` in its own module; `main` needs no change.
 */
import type { CliCommand } from './cliCommand';
import { insightsCommand } from './insightsCommand';
import { inspectCommand } from './inspectCommand';
import { lintCommand } from './lintCommand';
import { mcpCommand } from './mcpCommand';

export const COMMANDS: readonly CliCommand[] = [lintCommand, inspectCommand, insightsCommand, mcpCommand];
