// What the benches measure of the process they run in, written once: the median of repeated runs,
// a GC before a heap reading, and how long the host thread's event loop was held up.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WorkerOptions } from 'node:worker_threads';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Options for a bundled worker started by a bench: without the bench's own `--import tsx`, which a
 * worker otherwise inherits and which adds ~75 ms to its start (the extension host runs no tsx).
 */
export const SHIPPED_WORKER: WorkerOptions = { execArgv: [] };

/** A GC handle without requiring --expose-gc on the bench command line. */
export function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap used after a full collection (twice: the first may only queue finalizers). */
export function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** CPU time this process's main thread has run, from Linux's scheduler statistics (ns resolution). */
function mainThreadCpuMs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

/**
 * Watches the host thread's event loop with a 1 ms timer. A block is the CPU time the thread ran
 * between two ticks: the work that kept it from its event loop. The wall-clock gap between ticks
 * is reported too, but on a loaded 2-core machine it mostly measures how long the scheduler left
 * the thread waiting for a core (seen: 176 ms gaps holding 6 ms of this thread's CPU). `stop()`
 * counts the stretch since the last tick too, so a block at the very end is seen without a wait.
 */
export function watchHostThread(): { stop(): { maxBlockMs: number; maxGapMs: number } } {
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  let maxBlockMs = 0;
  let maxGapMs = 0;
  const tick = () => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    maxGapMs = Math.max(maxGapMs, now - last);
    maxBlockMs = Math.max(maxBlockMs, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
  };
  const timer = setInterval(tick, 1);
  return { stop: () => { clearInterval(timer); tick(); return { maxBlockMs, maxGapMs }; } };
}
