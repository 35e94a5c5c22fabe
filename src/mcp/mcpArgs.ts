/**
 * The MCP server's settings from its command line and environment: the same backend settings the
 * extension reads from `traceLens.*`, and credentials from the environment (never from an argument,
 * which other local users can see in the process list), stored for the URL's origin only.
 */
import path from 'node:path';
import { ArgCursor } from '../cli/cliArgs';
import { UsageError } from '../cli/cliIo';
import type { BackendType } from '../core/backends/traceBackend';
import { originOf, type StoredCredentials } from '../core/http/credentials';
import { userTokenDir } from '../core/receiver/sharedReceiverToken';
import { parseLookback } from '../core/stats/lookback';
import type { McpServerOptions } from './mcpSources';

export const MCP_USAGE =
  'trace-lens mcp [--workspace DIR]... [--backend local|tempo|jaeger|zipkin] [--url URL] [--tenant ID] [--receiver-port PORT (default 4318)] [--lookback 1h] ' +
  '(credentials from TRACE_LENS_BEARER_TOKEN or TRACE_LENS_BASIC_AUTH=user:password)';

const TYPES: readonly BackendType[] = ['local', 'tempo', 'jaeger', 'zipkin'];

export function parseMcpArgs(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): McpServerOptions {
  const folders: string[] = [];
  let type: BackendType = 'local';
  let url = '';
  let tenant: string | undefined;
  let receiverPort = 4318;
  let lookbackMs = parseLookback('1h');
  let tokenDir = userTokenDir();
  let wasmDir: string | undefined;
  const c = new ArgCursor(args);
  while (c.next()) {
    switch (c.flag) {
      case '--workspace': folders.push(path.resolve(cwd, c.value())); break;
      case '--backend': {
        const t = c.value();
        if (!(TYPES as readonly string[]).includes(t)) throw new UsageError(`--backend is one of ${TYPES.join(', ')}`);
        type = t as BackendType;
        break;
      }
      case '--url': url = c.value(); break;
      case '--tenant': tenant = c.value(); break;
      case '--receiver-port': {
        const p = Number(c.value());
        if (!Number.isInteger(p) || p < 1 || p > 65535) throw new UsageError('--receiver-port is a port number');
        receiverPort = p;
        break;
      }
      case '--lookback':
        try {
          lookbackMs = parseLookback(c.value());
        } catch (err) {
          throw new UsageError(err instanceof Error ? err.message : String(err));
        }
        break;
      case '--token-dir': tokenDir = path.resolve(cwd, c.value()); break;
      case '--wasm-dir': wasmDir = c.value(); break;
      default: throw new UsageError(`unknown option ${c.arg}`);
    }
  }
  if (folders.length === 0) folders.push(cwd);
  if (type !== 'local' && !url) throw new UsageError(`--backend ${type} needs --url`);
  return { folders, backend: { type, url, tenant }, credentials: credentialsFromEnv(url, env), receiverPort, tokenDir, lookbackMs, wasmDir };
}

function credentialsFromEnv(url: string, env: NodeJS.ProcessEnv): StoredCredentials | undefined {
  if (!url) return undefined;
  const origin = originOf(url);
  if (env.TRACE_LENS_BEARER_TOKEN) return { origin, auth: { kind: 'bearer', token: env.TRACE_LENS_BEARER_TOKEN } };
  const basic = env.TRACE_LENS_BASIC_AUTH;
  if (basic) {
    const i = basic.indexOf(':');
    if (i < 0) throw new UsageError('TRACE_LENS_BASIC_AUTH is user:password');
    return { origin, auth: { kind: 'basic', username: basic.slice(0, i), password: basic.slice(i + 1) } };
  }
  return undefined;
}
