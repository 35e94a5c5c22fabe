import assert from 'node:assert/strict';
import path from 'node:path';
import { watchHostThread } from '../../../bench/hostMeasures';
import { GrammarLoader } from '../../../src/core/lint/grammarLoader';
import { TreeCache } from '../../../src/core/lint/treeCache';
import { outlineSource } from '../../../src/core/source/functionDeclarations';
import { OutlineFailedError, WorkerOutlineParser } from '../../../src/source/outlineClient';

// The worker's TypeScript entry, loaded through tsx (the extension runs dist/outlineWorker.js).
const entry = path.resolve(__dirname, '../../../src/source/outlineWorker.ts');
const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(entry)});`;
const hostTrees = new TreeCache(new GrammarLoader());

/** About 5,000 lines of TypeScript: the size whose first parse takes longer than the host's 50 ms budget. */
function bigTypeScript(): string {
  const out = ['export class Big {'];
  for (let i = 0; out.length < 4_999; i++) out.push(`  async handle${i}(a: number): Promise<number> {`, '    let x = a * 2;', `    if (x > ${i}) { x = await compute(x); }`, '    return x;', '  }', '');
  out.push('}');
  return out.join('\n');
}

describe('WorkerOutlineParser: function outlines parsed in a worker thread', function () {
  this.timeout(120_000);

  it('answers what the host parser answers, incrementally per document, without holding the host thread', async () => {
    const parser = new WorkerOutlineParser(bootstrap, () => hostTrees, () => assert.fail('no fallback'), { eval: true });
    try {
      const text = bigTypeScript();
      // The worker's first outline loads web-tree-sitter and the grammar: not what a document costs.
      await parser.outline('export function warm() {}', 'typescript');
      const watch = watchHostThread();
      const symbols = await parser.outline(text, 'typescript', 'file:///big.ts');
      const { maxBlockMs } = watch.stop();
      assert.deepEqual(symbols, (await outlineSource(hostTrees, text, 'typescript')).symbols);
      assert.ok(maxBlockMs < 50, `the host thread was held ${maxBlockMs.toFixed(1)} ms by a worker outline of 5,000 lines`);
      const edited = text.replace('handle7(', 'renamed7(');
      const again = await parser.outline(edited, 'typescript', 'file:///big.ts');
      assert.equal(JSON.stringify(again).includes('renamed7'), true, 'the edit is in the next version');
      parser.forget('file:///big.ts');
      assert.equal(parser.fallbackReason, undefined);
    } finally {
      parser.dispose();
    }
  });

  it('parses on the host thread when the worker cannot run, and says why once', async () => {
    const reasons: string[] = [];
    const parser = new WorkerOutlineParser(path.join(__dirname, 'no-such-worker.js'), () => hostTrees, (r) => reasons.push(r));
    try {
      const symbols = await parser.outline('def pay(order):\n    return order\n', 'python');
      assert.deepEqual(symbols.map((s) => s.name), ['pay']);
      assert.equal(reasons.length, 1, reasons.join('; '));
      assert.match(parser.fallbackReason ?? '', /outline worker/);
    } finally {
      parser.dispose();
    }
  });

  it('parses on the host thread when the worker does not answer, and stops waiting for it', async () => {
    const reasons: string[] = [];
    // A worker that takes messages and never answers them.
    const silent = `require('node:worker_threads').parentPort.on('message', () => undefined);`;
    const parser = new WorkerOutlineParser(silent, () => hostTrees, (r) => reasons.push(r), { eval: true }, 200);
    try {
      const [first, second] = await Promise.all([
        parser.outline('def pay(order):\n    return order\n', 'python'),
        parser.outline('def refund(order):\n    return order\n', 'python'),
      ]);
      assert.deepEqual(first.map((s) => s.name), ['pay']);
      assert.deepEqual(second.map((s) => s.name), ['refund']);
      assert.deepEqual(reasons, ['the outline worker did not answer within 0.2 s']);
      // From then on the host parses, without asking the worker again.
      assert.deepEqual((await parser.outline('def ship(order):\n    return order\n', 'python')).map((s) => s.name), ['ship']);
      assert.equal(reasons.length, 1);
    } finally {
      parser.dispose();
    }
  });

  it('reports a parse that fails in the worker to the caller', async () => {
    const parser = new WorkerOutlineParser(bootstrap, () => hostTrees, () => assert.fail('no fallback'), { eval: true });
    try {
      await assert.rejects(parser.outline('x', 'cobol' as never), OutlineFailedError);
    } finally {
      parser.dispose();
    }
  });
});
