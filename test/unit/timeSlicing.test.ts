import * as assert from 'node:assert/strict';
import { runSliced, runSync, SliceClock, takeTurn, type Steps } from '../../src/core/timeSlicing';

/** A job that yields `slices` times, noting which turn of the event loop each of its slices ran in. */
function* job(name: string, slices: number, log: string[], turn: () => number): Steps<string> {
  for (let i = 0; i < slices; i++) {
    log.push(`${name}@${turn()}`);
    yield;
  }
  return name;
}

describe('time slicing: one slice per turn of the event loop, across every job', () => {
  it('lets the event loop turn between any two slices of jobs that run at once', async () => {
    // An immediate that re-arms itself runs once per turn of the event loop (one queued while the
    // check phase runs waits for the next): every slice must see a new mark.
    let turns = 0;
    let marking = true;
    const mark = () => {
      turns++;
      if (marking) setImmediate(mark);
    };
    mark();
    const log: string[] = [];
    // sliceMs 0: every step is a slice of its own.
    const results = await Promise.all([runSliced(job('a', 5, log, () => turns), 0), runSliced(job('b', 5, log, () => turns), 0), runSliced(job('c', 5, log, () => turns), 0)]);
    marking = false;
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.equal(log.length, 15);
    const marks = log.map((entry) => Number(entry.split('@')[1]));
    for (let i = 1; i < marks.length; i++) assert.ok(marks[i] > marks[i - 1], `slice ${log[i]} ran in the same turn as ${log[i - 1]}: ${log.join(' ')}`);
    // Fair: the jobs take turns in the order they asked.
    assert.deepEqual(log.slice(0, 6).map((entry) => entry[0]), ['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('grants turns in the order they were asked for', async () => {
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        await takeTurn();
        order.push(i);
      }),
    );
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('SliceClock is due once its slice has passed, and a new slice starts after the turn', async () => {
    const start = performance.now();
    const clock = new SliceClock(5);
    while (!clock.due()) assert.ok(performance.now() - start < 1000, 'due within a second');
    assert.ok(performance.now() - start >= 5);
    await clock.next();
    assert.equal(clock.due(), false);
  });

  it("SliceClock's heldMs counts the time its slices held the thread, not the turns it waited for", async () => {
    const hold = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) { /* busy */ }
    };
    function* holding(slices: number, ms: number): Steps<void> {
      for (let i = 0; i < slices; i++) {
        hold(ms);
        yield;
      }
    }
    const clock = new SliceClock(0);
    const t0 = performance.now();
    // The other job's slices run between this job's (one slice per turn, in turn).
    await Promise.all([runSliced(holding(3, 3), clock), runSliced(holding(3, 5), 0)]);
    const wall = performance.now() - t0;
    assert.ok(clock.heldMs >= 9, `held ${clock.heldMs} ms`);
    assert.ok(clock.heldMs <= wall - 10, `held ${clock.heldMs} of ${wall} ms: the other job's slices are not counted`);
    const after = clock.heldMs;
    hold(2);
    assert.equal(clock.heldMs, after, 'stopped when the job ended');
  });

  it('runSync runs the same steps straight through', () => {
    const log: string[] = [];
    assert.equal(runSync(job('s', 3, log, () => 0)), 's');
    assert.equal(log.length, 3);
  });
});
