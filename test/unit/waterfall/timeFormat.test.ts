import assert from 'node:assert/strict';
import { formatDuration, formatStart, placeTickLabels, rulerTicks, tickCountFor, type TickLabel } from '../../../webview/waterfall/timeFormat';

describe('waterfall time formatting', () => {
  it('formats durations with three significant digits in the largest fitting unit', () => {
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(950), '950 ns');
    assert.equal(formatDuration(12_345), '12.3 µs');
    assert.equal(formatDuration(1_500_000), '1.5 ms');
    assert.equal(formatDuration(2e9), '2 s');
    assert.equal(formatDuration(100e6), '100 ms');
    assert.equal(formatDuration(10e6), '10 ms');
    assert.equal(formatDuration(90e9), '1.5 min');
    assert.equal(formatDuration(Number.NaN), '0 ms');
  });

  it('places nice ruler ticks inside a window', () => {
    assert.deepEqual(rulerTicks(0, 5e9), [0, 1e9, 2e9, 3e9, 4e9, 5e9]);
    assert.deepEqual(rulerTicks(1.25e9, 2.5e9), [1.4e9, 1.6e9, 1.8e9, 2e9, 2.2e9, 2.4e9]);
    assert.deepEqual(rulerTicks(3, 3), [3]);
  });

  // #15 bug 1: "120 ms" and the end tick "140 ms" were drawn at the same x (the end label was flipped
  // left of its tick over its neighbour). Labels here are ~7 px per character, as in the webview.
  it('places ruler labels so that none overlaps, keeping the last one', () => {
    const RIGHT_ROOM = 56;
    const layoutOf = (from: number, to: number, width: number): TickLabel[] =>
      rulerTicks(from, to, tickCountFor(width)).map((t) => ({ x: ((t - from) / (to - from)) * width, width: 7 * formatDuration(t).length + 4 }));
    for (const [from, to] of [[0, 140e6], [0, 26e6], [0, 25.4e6], [1.25e9, 2.5e9], [0, 999]]) {
      for (let width = 60; width <= 1600; width += 7) {
        const labels = layoutOf(from, to, width);
        const placed = placeTickLabels(labels, width, RIGHT_ROOM);
        assert.notEqual(placed.at(-1), 'hidden', `the last label is shown (${to} ns, ${width} px)`);
        const boxes = labels.map((l, i) => ({ p: placed[i], left: placed[i] === 'end' ? l.x - l.width : l.x, width: l.width }))
          .filter((b) => b.p !== 'hidden').sort((a, b) => a.left - b.left);
        for (let i = 1; i < boxes.length; i++) {
          assert.ok(boxes[i - 1].left + boxes[i - 1].width <= boxes[i].left, `labels ${i - 1} and ${i} overlap (${to} ns, ${width} px)`);
        }
        for (const b of boxes) assert.ok(b.left + b.width <= width + RIGHT_ROOM, 'no label runs past the ruler');
      }
    }
  });

  it('hides the label next to the end rather than drawing two at one x', () => {
    // 0…140 ms every 20 ms on a 300 px track: 120 ms sits 43 px left of 140 ms, less than its width.
    const labels = [0, 20, 40, 60, 80, 100, 120, 140].map((ms) => ({ x: (ms / 140) * 300, width: 46 }));
    const placed = placeTickLabels(labels, 300, 56);
    assert.equal(placed[7], 'start', '140 ms fits in the room right of the track');
    assert.equal(placed[6], 'hidden');
    assert.equal(placed[0], 'start');
    assert.deepEqual(placeTickLabels([{ x: 300, width: 80 }], 300, 56), ['end'], 'flipped left when it would run past the room');
    assert.deepEqual(placeTickLabels([], 300, 56), []);
    assert.equal(tickCountFor(100), 2);
    assert.equal(tickCountFor(10_000), 8);
  });

  it('shows the start as UTC and survives garbage', () => {
    assert.equal(formatStart('1700000000123000000'), '2023-11-14 22:13:20.123 UTC');
    assert.equal(formatStart('not a number'), 'not a number');
  });
});
