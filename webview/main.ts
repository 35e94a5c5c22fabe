// Entry of the webview bundle. Each panel's script tells the host it is ready before the host posts
// anything (see the protocol files next to each panel).
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
vscode.postMessage({ type: 'ready' });
