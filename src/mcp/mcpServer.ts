/**
 * The Trace Lens MCP server: the four assistant tools of src/core/assistant over the Model Context
 * Protocol, on stdio only (it never listens on a port). `trace-lens mcp` runs it for any MCP
 * client; the extension offers it to VS Code's MCP support as `dist/mcpServer.js`.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { errorAnswer, runAssistantTool } from '../core/assistant/assistantRuntime';
import { quoteSpanText } from '../core/assistant/spanDataText';
import { ASSISTANT_TOOL_NAMES, ASSISTANT_TOOLS, isAssistantToolName } from '../core/assistant/assistantTools';
import { ConfigurationError } from '../core/errors';
import { McpAssistantSources, type McpServerOptions } from './mcpSources';

export const MCP_SERVER_NAME = 'trace-lens';

/** The MCP server over `sources`, not yet connected to a transport (tests connect it in memory or over stdio). */
export function createMcpServer(sources: McpAssistantSources, version: string): Server {
  const server = new Server({ name: MCP_SERVER_NAME, title: 'Trace Lens', version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: ASSISTANT_TOOL_NAMES.map((name) => {
      const t = ASSISTANT_TOOLS[name];
      return { name, title: t.title, description: t.description, inputSchema: t.inputSchema, annotations: { readOnlyHint: true, openWorldHint: t.mayReachBackend } };
    }),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: input } = request.params;
    if (!isAssistantToolName(name)) return { isError: true, content: [{ type: 'text' as const, text: `Error: no tool ${quoteSpanText(name, 80)}; the tools are ${ASSISTANT_TOOL_NAMES.join(', ')}.` }] };
    try {
      if (name !== 'traceLens_insights') await sources.connect();
      else await sources.connect().catch((err: unknown) => { if (!(err instanceof ConfigurationError)) throw err; });
      const text = await runAssistantTool(name, input, sources, extra.signal);
      return { content: [{ type: 'text' as const, text }] };
    } catch (err) {
      return { isError: true, content: [{ type: 'text' as const, text: errorAnswer(err) }] };
    }
  });
  return server;
}

/** Serves on stdin/stdout until the client closes them. */
export async function serveMcpOverStdio(options: McpServerOptions, version: string): Promise<void> {
  const sources = new McpAssistantSources(options);
  const server = createMcpServer(sources, version);
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  await closed;
  sources.dispose();
}
