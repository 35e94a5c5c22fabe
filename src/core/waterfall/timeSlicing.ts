/**
 * Long loops written as generators that `yield` every few thousand iterations can run either
 * straight through (tests, CLI) or in slices with a turn of the event loop between them (the
 * extension host, which must keep answering while a 250k-span trace is laid out).
 */

export type Steps<T> = Generator<void, T, void>;

/** How many loop iterations pass between yields (a power of two minus one, used as a mask). */
export const YIELD_MASK = 4095;

export function runSync<T>(steps: Steps<T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

// setImmediate (Node) runs before timers; this module is also compiled for the browser, where it is absent.
const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
const nextTurn = (): Promise<void> => new Promise((resolve) => {
  if (immediate) immediate(resolve);
  else setTimeout(resolve, 0);
});

/** Runs `steps` in slices of about `sliceMs`, yielding to the event loop between slices. */
export async function runSliced<T>(steps: Steps<T>, sliceMs = 20): Promise<T> {
  for (;;) {
    const start = performance.now();
    let r = steps.next();
    while (!r.done && performance.now() - start < sliceMs) r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
  }
}
