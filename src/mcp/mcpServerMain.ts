/**
 * Entry of `dist/mcpServer.js`, the MCP server the extension offers to VS Code's MCP support (the
 * same server as `trace-lens mcp`, bundled apart because the .vsix leaves the CLI out).
 */
import { version } from '../../package.json';
import { escapeControlCharacters } from '../core/text/terminalText';
import { parseMcpArgs } from './mcpArgs';
import { serveMcpOverStdio } from './mcpServer';

serveMcpOverStdio(parseMcpArgs(process.argv.slice(2), process.cwd(), process.env), version).catch((e: unknown) => {
  // stdout is the protocol's: failures go to stderr, which MCP clients show as the server's log.
  process.stderr.write(`trace-lens mcp: ${escapeControlCharacters(e instanceof Error ? e.message : String(e), { keepLayout: true })}\n`);
  process.exitCode = 2;
});
