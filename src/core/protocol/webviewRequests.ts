/**
 * Requests over a webview's message channel, after GitLens's `IpcRequest`: a request type names the
 * message the webview sends and the message the host answers with, so the answer's type follows
 * from the request's. Request ids are numbered, matched and forgotten here only; no view counts them
 * by hand. Imports nothing: both the host and the webview bundles use it.
 */

/** A message that asks for an answer, or answers one, matched by `requestId`. */
export interface RequestMessage { type: string; requestId: number }

/** One request: the message the webview sends and the host's answer, named by their `type`s. */
export interface RequestType<Request extends RequestMessage, Response extends RequestMessage> {
  readonly request: Request['type'];
  readonly response: Response['type'];
}

/** What a request (or an answer) carries besides its type and id. */
export type RequestParams<M extends RequestMessage> = Omit<M, 'type' | 'requestId'>;

export function requestType<Request extends RequestMessage, Response extends RequestMessage>(
  request: Request['type'],
  response: Response['type'],
): RequestType<Request, Response> {
  return { request, response };
}

interface Pending { response: string; resolve(message: RequestMessage): void }

/**
 * The webview's side: sends requests through `post` and resolves each with its answer, which the
 * message listener hands to `settle`. An answer to no pending request (a stale one) is dropped.
 */
export class RequestChannel<Outgoing extends { type: string }> {
  private lastId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (message: Outgoing) => void) {}

  request<Request extends RequestMessage & Outgoing, Response extends RequestMessage>(
    type: RequestType<Request, Response>,
    params: RequestParams<Request>,
  ): Promise<Response> {
    const requestId = ++this.lastId;
    return new Promise<Response>((resolve) => {
      this.pending.set(requestId, { response: type.response, resolve: resolve as (message: RequestMessage) => void });
      this.post({ ...params, type: type.request, requestId } as unknown as Request);
    });
  }

  /** Resolves the request `message` answers; false when it answers none that is pending. */
  settle(message: { type: string; requestId?: unknown }): boolean {
    if (typeof message.requestId !== 'number') return false;
    const pending = this.pending.get(message.requestId);
    if (!pending || pending.response !== message.type) return false;
    this.pending.delete(message.requestId);
    pending.resolve(message as RequestMessage);
    return true;
  }
}

/** The host's side: the answer to `request`, under the id it came with. */
export function answer<Request extends RequestMessage, Response extends RequestMessage>(
  type: RequestType<Request, Response>,
  request: Request,
  body: RequestParams<Response>,
): Response {
  return { type: type.response, requestId: request.requestId, ...body } as unknown as Response;
}
