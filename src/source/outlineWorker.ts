/**
 * Entry of the outline worker (bundled to dist/outlineWorker.js, node/cjs): parses documents with
 * the bundled tree-sitter grammars and answers their function outlines, so a first parse of a big
 * file (70 ms for 5,000 lines of TypeScript) never holds the extension host's thread. Keeps the last
 * tree of each open document for incremental re-parsing, as the host's TreeCache does for the lint.
 */
import { parentPort } from 'node:worker_threads';
import { GrammarLoader } from '../core/lint/grammarLoader';
import { TreeCache } from '../core/lint/treeCache';
import { outlineSource } from '../core/source/functionDeclarations';
import type { FromOutlineWorker, ToOutlineWorker } from './outlineWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('outlineWorker must run in a worker thread');
const send = (msg: FromOutlineWorker) => port.postMessage(msg);
const trees = new TreeCache(new GrammarLoader());

port.on('message', (msg: ToOutlineWorker) => {
  if (msg.type === 'forget') {
    trees.forget(msg.key);
    return;
  }
  outlineSource(trees, msg.text, msg.language, msg.key).then(
    ({ symbols }) => send({ type: 'outlined', requestId: msg.requestId, symbols }),
    (err: unknown) => send({ type: 'failed', requestId: msg.requestId, message: err instanceof Error ? err.message : String(err) }),
  );
});
