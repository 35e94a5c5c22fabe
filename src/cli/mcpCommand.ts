/** `trace-lens mcp`: the MCP server on stdio, for MCP clients other than VS Code (see src/mcp/). */
import { version } from '../../package.json';
import { MCP_USAGE, parseMcpArgs } from '../mcp/mcpArgs';
import { serveMcpOverStdio } from '../mcp/mcpServer';
import type { CliIo } from './cliIo';
import type { CliCommand } from './cliCommand';

export async function runMcp(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseMcpArgs(args, io.cwd, process.env);
  // stdout carries the protocol from here on: nothing else may be written to it.
  await serveMcpOverStdio(options, version);
  return 0;
}

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'Serve the assistant tools (latency, traces, search, insights) to MCP clients over stdio',
  usage: MCP_USAGE,
  run: runMcp,
};
