// A real node:http server on loopback for the HTTP-layer tests: a genuine peer that
// speaks HTTP over sockets, with per-test handlers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LocalServer {
  url: string;
  origin: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

function wrap(server: Server, scheme: 'http' | 'https'): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let handler: Handler = (_req, res) => res.end('{}');
  const requests: LocalServer['requests'] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      const origin = `${scheme}://127.0.0.1:${port}`;
      resolve({
        url: origin,
        origin,
        requests,
        handle: (h) => (handler = h),
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

export function startHttpServer(): Promise<LocalServer> {
  return wrap(createServer(), 'http');
}

export function startHttpsServer(key: string, cert: string): Promise<LocalServer> {
  return wrap(createHttpsServer({ key, cert }), 'https');
}

export interface ConnectProxyOptions {
  /** Serve the proxy itself over TLS (an `https://` proxy URL) with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Refuse a CONNECT whose Proxy-Authorization is not exactly this, with 407. */
  authorization?: string;
}

/**
 * A forward proxy that tunnels CONNECT requests (what undici's ProxyAgent sends) and records targets,
 * and the Proxy-Authorization each CONNECT carried.
 */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<LocalServer & { tunnels: string[]; proxyAuthorizations: Array<string | undefined> }> {
  const server: Server = options.tls ? createHttpsServer(options.tls) : createServer();
  const tunnels: string[] = [];
  const proxyAuthorizations: Array<string | undefined> = [];
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    proxyAuthorizations.push(req.headers['proxy-authorization']);
    if (options.authorization !== undefined && req.headers['proxy-authorization'] !== options.authorization) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const s = await wrap(server, options.tls ? 'https' : 'http');
  return Object.assign(s, { tunnels, proxyAuthorizations });
}

/**
 * A reverse proxy in front of a real backend. `gate` may answer a request itself (return
 * true after writing the response); everything else is forwarded. Records Authorization headers.
 */
export async function startReverseProxy(
  targetBaseUrl: string,
  gate: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<LocalServer & { authorizations: Array<string | undefined> }> {
  const { request } = await import('node:http');
  const target = new URL(targetBaseUrl);
  const authorizations: Array<string | undefined> = [];
  const s = await startHttpServer();
  s.handle((req, res) => {
    authorizations.push(req.headers.authorization);
    if (gate(req, res)) return;
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization;
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(upstream);
  });
  return Object.assign(s, { authorizations });
}

/** Demands `Authorization: Bearer <token>`, as deployments put in front of Tempo; 401 otherwise. */
export function startBearerProxy(targetBaseUrl: string, token: string): ReturnType<typeof startReverseProxy> {
  return startReverseProxy(targetBaseUrl, (req, res) => {
    if (req.headers.authorization === `Bearer ${token}`) return false;
    res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('unauthorized');
    return true;
  });
}
