/**
 * Long work on a thread that must keep answering (the extension host, a webview) runs in slices
 * with a turn of the event loop between them. Loops are written as generators that `yield` every
 * few thousand iterations, so they can also run straight through (tests, CLI, workers).
 *
 * Every sliced job on a thread waits for its turn in one queue (`takeTurn`), and the queue lets
 * one job go per turn of the event loop. Each job yielding with its own `setImmediate` was not
 * enough: Node runs every immediate queued before the check phase in that phase, so the receiver's
 * decode, the statistics pass, the live lint, the insights and the snapshot's encoding, each
 * "sliced" to 10-20 ms, ran back to back in one 60-100 ms block with no timer or I/O between them.
 */

export type Steps<T> = Generator<void, T, void>;

/** How many loop iterations pass between yields (a power of two minus one, used as a mask). */
export const YIELD_MASK = 4095;

/** About how long one slice may hold the thread before it takes another turn. */
export const SLICE_MS = 8;

export function runSync<T>(steps: Steps<T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

// setImmediate (Node) runs after I/O and before the next turn's timers; this module is also
// compiled for the browser, where it is absent.
const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
const schedule = (cb: () => void): void => {
  if (immediate) immediate(cb);
  else setTimeout(cb, 0);
};

const waiting: (() => void)[] = [];
let releasing = false;

/** Lets the first waiter go; the next one goes in a later turn (an immediate queued in the check phase runs in the next). */
function releaseOne(): void {
  const next = waiting.shift();
  if (waiting.length > 0) schedule(releaseOne);
  else releasing = false;
  next?.();
}

/**
 * Resolves in a later turn of the event loop, after the jobs that asked before this one, one job
 * per turn: timers, I/O and other extensions run between any two slices of any two jobs.
 */
export function takeTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!releasing) {
      releasing = true;
      schedule(releaseOne);
    }
  });
}

/**
 * A loop's clock: `due()` says when it has held the thread for a slice and should `next()`, and
 * `heldMs` how long its slices held the thread in all (the turns it waited for not counted): the
 * cost of a sliced job, which the wall time between its start and end, or the process's CPU time
 * meanwhile, overstate by whatever else ran in between.
 */
export class SliceClock {
  private start = performance.now();
  private held = 0;
  /** Its owner is running (from construction, and from each turn on), not waiting for a turn. */
  private inSlice = true;

  constructor(readonly sliceMs = SLICE_MS) {}

  due(): boolean {
    return performance.now() - this.start >= this.sliceMs;
  }

  get heldMs(): number {
    return this.held + (this.inSlice ? performance.now() - this.start : 0);
  }

  /** Takes a turn and starts a new slice. */
  async next(): Promise<void> {
    if (this.inSlice) this.held += performance.now() - this.start;
    this.inSlice = false;
    await takeTurn();
    this.inSlice = true;
    this.start = performance.now();
  }

  /** The owner is done: heldMs stops counting. */
  stop(): void {
    if (this.inSlice) this.held += performance.now() - this.start;
    this.inSlice = false;
  }
}

/**
 * Runs `steps` in its turns, each slice about `slicing` ms or its clock's slice (the first one in a
 * turn too: it may have been asked for in a busy turn). Given a clock, its heldMs is what the job cost.
 */
export async function runSliced<T>(steps: Steps<T>, slicing: number | SliceClock = SLICE_MS): Promise<T> {
  const clock = typeof slicing === 'number' ? new SliceClock(slicing) : slicing;
  try {
    for (;;) {
      await clock.next();
      let r = steps.next();
      while (!r.done && !clock.due()) r = steps.next();
      if (r.done) return r.value;
    }
  } finally {
    clock.stop();
  }
}
