// How every view's page talks to the extension host: one VS Code API for the page, messages out
// typed by the view's protocol, messages in checked by its guard, and `ready` said once the page
// listens (the host posts nothing before it).

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface HostConnection<Outgoing> {
  post(message: Outgoing): void;
  /** What the page stored last (setState), e.g. before the webview reloaded. */
  getState(): unknown;
  setState(state: unknown): void;
  /** Hands every host message that passes `isMessage` to `onMessage`, then says `ready`. */
  listen<Incoming>(isMessage: (v: unknown) => v is Incoming, onMessage: (message: Incoming) => void): void;
}

let api: VsCodeApi | undefined;

export function connectToHost<Outgoing extends { type: string }>(): HostConnection<Outgoing> {
  // VS Code hands the API out once per page.
  const vscode = (api ??= acquireVsCodeApi());
  return {
    post: (message) => vscode.postMessage(message),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
    listen(isMessage, onMessage) {
      window.addEventListener('message', (event: MessageEvent) => {
        const msg: unknown = event.data;
        if (isMessage(msg)) onMessage(msg);
      });
      vscode.postMessage({ type: 'ready' });
    },
  };
}
