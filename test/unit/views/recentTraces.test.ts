import assert from 'node:assert/strict';
import { RecentTraceList, recentTraceFile, recentTraceSummary, type RecentTrace } from '../../../src/core/views/recentTraces';
import { traceSummaryText } from '../../../src/core/search/traceSummaryText';

const id = (n: number) => n.toString(16).padStart(32, '0');
const loaded = (n: number, source = 'backend:tempo'): Omit<RecentTrace, 'origin' | 'query' | 'atMs'> => ({
  traceId: id(n), source, rootName: `GET /r${n}`, rootService: 'checkout', startMs: 1_700_000_000_000, durationNs: 48e6, spanCount: 12, errorCount: n % 2,
});

describe('recent traces (opened and searched)', () => {
  it('lists the newest first, once per trace and source, bounded', () => {
    const list = new RecentTraceList([], 3);
    for (let n = 1; n <= 4; n++) list.record(loaded(n), n);
    assert.deepEqual(list.entries.map((e) => e.traceId), [id(4), id(3), id(2)]);
    list.record(loaded(2), 10);
    assert.deepEqual(list.entries.map((e) => e.traceId), [id(2), id(4), id(3)], 'opened again: moved to the top, not repeated');
    list.record(loaded(2, 'file:file:///t/a.json'), 11);
    assert.equal(list.entries.filter((e) => e.traceId === id(2)).length, 2, 'the same trace from a file is another entry');
    assert.equal(recentTraceFile(list.entries[0]), 'file:///t/a.json');
    assert.equal(recentTraceFile(list.entries[1]), undefined);
  });

  it('a trace picked from a search is "searched" with its query, and stays so when opened again', () => {
    const list = new RecentTraceList();
    list.record(loaded(1), 1);
    list.markSearched(id(2), '{ status = error }', 2);
    list.record(loaded(2), 3);
    assert.deepEqual(list.entries.map((e) => [e.origin, e.query]), [['searched', '{ status = error }'], ['opened', undefined]]);
    list.record(loaded(2), 4);
    assert.deepEqual([list.entries[0].origin, list.entries[0].query], ['searched', '{ status = error }']);
    // A pick whose waterfall never loaded does not turn a later, unrelated open into a search.
    list.markSearched(id(3), 'q', 0);
    list.record(loaded(3), 60 * 60_000);
    assert.equal(list.entries[0].origin, 'opened');
  });

  it('reads back only well-formed entries from storage, and clears', () => {
    const good = new RecentTraceList();
    good.record(loaded(1), 5);
    const stored = JSON.parse(JSON.stringify([...good.entries, { traceId: 'nope' }, { ...good.entries[0], source: 'javascript:alert(1)' }, 42, null]));
    const back = RecentTraceList.fromStored(stored);
    assert.deepEqual(back.entries, good.entries);
    assert.deepEqual(RecentTraceList.fromStored({ not: 'a list' }).entries, []);
    back.clear();
    assert.deepEqual(back.entries, []);
  });

  it('reads like a search result', () => {
    const list = new RecentTraceList();
    list.record(loaded(1), 5);
    const text = traceSummaryText(recentTraceSummary(list.entries[0]));
    assert.equal(text.label, 'GET /r1');
    assert.equal(text.description, 'checkout · 48 ms · 12 spans · 1 error');
    assert.match(text.detail, new RegExp(id(1)));
  });
});
