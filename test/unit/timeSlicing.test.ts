import * as assert from 'node:assert/strict';
import { runSliced, runSync, SliceClock, takeTurn, type Steps } from '../../src/core/timeSlicing';

/** A job that yields `slices` times, noting which turn of the event loop each of its slices ran in. */
function* job(name: string, slices: number, log: string[], turn: () => number): Steps<string> {
  for (let i = 0; i < slices; i++) {
    log.push(`${name}@${turn()}`);
    // Longer than the 1 ms a zero timer waits: a timers phase between two slices fires it.
    const until = performance.now() + 2;
    while (performance.now() < until);
    yield;
  }
  return name;
}

describe('time slicing: one slice per turn of the event loop, across every job', () => {
  it('lets timers run between any two slices of jobs that run at once', async () => {
    // A timer that re-arms itself marks the turns: every slice must see a new mark.
    let turns = 0;
    let timer: NodeJS.Timeout;
    const tick = () => {
      turns++;
      timer = setTimeout(tick, 0);
    };
    tick();
    const log: string[] = [];
    // sliceMs 0: every step is a slice of its own.
    const results = await Promise.all([runSliced(job('a', 5, log, () => turns), 0), runSliced(job('b', 5, log, () => turns), 0), runSliced(job('c', 5, log, () => turns), 0)]);
    clearTimeout(timer!);
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

  it('runSync runs the same steps straight through', () => {
    const log: string[] = [];
    assert.equal(runSync(job('s', 3, log, () => 0)), 's');
    assert.equal(log.length, 3);
  });
});
