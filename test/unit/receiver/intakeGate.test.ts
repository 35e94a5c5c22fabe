import assert from 'node:assert/strict';
import { EventLoopLagGate } from '../../../src/core/receiver/intakeGate';

describe('EventLoopLagGate', () => {
  it('closes when probes run later than the threshold twice within a second, stays closed for the hold, and counts each closing once', () => {
    let now = 0;
    const gate = new EventLoopLagGate({ thresholdMs: 50, holdMs: 500, periodMs: 20, repeatWithinMs: 1000, now: () => now });
    try {
      gate.noteExport();
      const probeAt = (t: number) => {
        now = t;
        gate.tick();
      };
      probeAt(20);
      probeAt(60); // 20 ms late: within the threshold
      assert.equal(gate.busy, false);
      probeAt(200); // due at 80, 120 ms late: one pause alone (a garbage collection) does not close it
      assert.deepEqual([gate.busy, gate.episode], [false, 0]);
      probeAt(300); // due at 220, 80 ms late again within the second: a backlog
      assert.deepEqual([gate.busy, gate.episode], [true, 1]);
      probeAt(400); // late again while closed: the same closing, held longer
      assert.deepEqual([gate.busy, gate.episode], [true, 1]);
      for (let t = 420; t < 900; t += 20) probeAt(t); // on time from here on
      assert.equal(gate.busy, true);
      probeAt(900);
      assert.equal(gate.busy, false, 'open again 500 ms after the last late probe');
      probeAt(1100); // late, 700 ms after the last late probe
      assert.deepEqual([gate.busy, gate.episode], [true, 2]);
      for (let t = 1120; t <= 2500; t += 20) probeAt(t);
      assert.equal(gate.busy, false);
      probeAt(2700); // late, but 1.6 s after the last late probe: a pause alone again
      assert.deepEqual([gate.busy, gate.episode], [false, 2]);
    } finally {
      gate.dispose();
    }
  });

  it('probes only while exports arrive: it stops a few seconds after the last, and a pause is not taken for lag', () => {
    let now = 0;
    const gate = new EventLoopLagGate({ thresholdMs: 50, holdMs: 500, periodMs: 20, now: () => now });
    try {
      assert.equal(gate.watching, false, 'asleep until the first export');
      gate.noteExport();
      assert.equal(gate.watching, true);
      for (now = 20; now <= 5_020; now += 20) gate.tick();
      assert.equal(gate.watching, false, 'asleep again 5 s after the last export');
      now = 60_000;
      gate.noteExport();
      now += 20;
      gate.tick();
      assert.deepEqual([gate.watching, gate.busy], [true, false]);
    } finally {
      gate.dispose();
    }
  });
});
