/*
 * The receiver listens on 127.0.0.1 only, but a web page in the user's browser
 * can still reach it. Browser SDKs on localhost pages are welcome (CORS); other
 * origins get no CORS grant, and a Host header naming a non-loopback host is
 * refused so DNS rebinding cannot turn a remote page into a same-origin one.
 */

const LOOPBACK_HOSTNAMES = /^(localhost|[a-z0-9-]+\.localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;
/**
 * Names container runtimes give the host; Docker Desktop and Podman relay them to
 * the host's loopback, so a service in a container may legitimately send them.
 * No web page can be served from them, so they do not open a rebinding hole.
 */
const CONTAINER_HOST_NAMES = /^(host\.docker\.internal|gateway\.docker\.internal|host\.containers\.internal)$/i;

function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close > 0 ? h.slice(0, close + 1) : h;
  }
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** True for a missing Host (HTTP/1.0 clients) and for loopback names. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined || host === '') return true;
  const name = hostnameOf(host);
  return LOOPBACK_HOSTNAMES.test(name) || CONTAINER_HOST_NAMES.test(name);
}

export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return LOOPBACK_HOSTNAMES.test(url.hostname);
}
