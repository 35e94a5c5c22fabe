/**
 * PI003 cache miss falling through to the database. In one parent, a cache read followed (after
 * it ends, before the next cache read) by a database read: a miss when the read's attributes say
 * so (`cache.hit`, `cache.result`, returned rows), or, when they say nothing, when the parent
 * then writes to the cache after the database read (cache-aside writing back what it had to
 * load). Durations are not used to guess misses: a hit and a miss of Redis take the same
 * sub-millisecond time. Reported when the same (place, cache command, database statement) falls
 * through in at least `minTraces` traces and at least `minMissRatio` of the reads there miss.
 */
import { spanDurationNs } from '../model/trace';
import { extractCodeLocation, locationKeyString } from '../source/codeLocation';
import { insightLocation, nsToMs, shortStatement, type Insight } from './insight';
import type { InsightOptions } from './insightRules';
import { childCount, childrenOf, type TraceFacts } from './traceFacts';

interface Occurrence {
  traceId: string;
  spanIds: string[];
  parentSpanId: string;
  durationsNs: number[];
  insightBase: Pick<Insight, 'serviceName' | 'location'>;
}

interface Group {
  /** Key of the (place, cache command) tally. */
  readKey: string;
  cacheSignature: string;
  statement: string;
  parentName: string;
  traces: Map<string, Occurrence>;
}

/** Matches a database statement that reads (statements that write are not what a cache guards). */
const READ = /^\s*(select|with|show|get|find|query)\b/i;

export class CacheMissAccumulator {
  private readonly groups = new Map<string, Group>();
  /** Reads and misses per (place, cache command), for the miss ratio. */
  private readonly reads = new Map<string, { reads: number; misses: number }>();

  constructor(private readonly options: InsightOptions['cacheMiss']) {}

  addTrace(facts: TraceFacts): void {
    const { tree, calls } = facts;
    for (let p = 0; p < tree.spans.length; p++) {
      // Parents with a single cache read count too: they are the hits of the miss ratio.
      if (childCount(tree, p) === 0) continue;
      const children = childrenOf(tree, p);
      let placeKey: string | undefined;
      for (let k = 0; k < children.length; k++) {
        const c = children[k];
        const call = calls[c];
        if (call?.kind !== 'cache' || call.cacheOp !== 'read') continue;
        placeKey ??= `${tree.spans[p].resource.serviceName}\u0000${locationKeyString(extractCodeLocation(tree.spans[p]))}`;
        const readKey = `${placeKey}\u0000${call.signature}`;
        const tally = this.reads.get(readKey) ?? { reads: 0, misses: 0 };
        this.reads.set(readKey, tally);
        tally.reads++;
        if (call.cacheHit === true) continue;
        // The database read it guards: the first one after the cache read, before another cache read.
        let db = -1;
        let writeBack = false;
        for (let j = k + 1; j < children.length; j++) {
          const d = children[j];
          const dc = calls[d];
          if (dc?.kind === 'cache' && dc.cacheOp === 'read') break;
          if (db < 0) {
            if (dc?.kind === 'db' && tree.startNs[d] >= tree.endNs[c] && (dc.statement === undefined || READ.test(dc.statement))) db = d;
          } else if (dc?.kind === 'cache' && dc.cacheOp === 'write' && tree.startNs[d] >= tree.endNs[db]) {
            writeBack = true;
            break;
          }
        }
        if (db < 0 || !(call.cacheHit === false || writeBack)) continue;
        tally.misses++;
        const statement = calls[db]!.statement ?? tree.spans[db].name;
        const key = `${readKey}\u0000${calls[db]!.target}\u0000${statement}`;
        let group = this.groups.get(key);
        if (!group) this.groups.set(key, (group = { readKey, cacheSignature: call.signature, statement, parentName: tree.spans[p].name, traces: new Map() }));
        const traceId = tree.spans[c].traceId;
        if (group.traces.has(traceId)) continue;
        const spans = [tree.spans[c], tree.spans[db]];
        const base: Occurrence['insightBase'] = { serviceName: tree.spans[p].resource.serviceName };
        const location = insightLocation(tree.spans[p], spans);
        if (location) base.location = location;
        group.traces.set(traceId, {
          traceId, spanIds: spans.map((s) => s.spanId), parentSpanId: tree.spans[p].spanId, durationsNs: spans.map(spanDurationNs), insightBase: base,
        });
      }
    }
  }

  finish(): Insight[] {
    const out: Insight[] = [];
    for (const group of this.groups.values()) {
      if (group.traces.size < this.options.minTraces) continue;
      const tally = this.reads.get(group.readKey);
      const example = group.traces.values().next().value!;
      const total = example.durationsNs.reduce((a, b) => a + b, 0);
      const ratio = tally && tally.reads > 0 ? tally.misses / tally.reads : undefined;
      if (ratio !== undefined && ratio < this.options.minMissRatio) continue;
      const insight: Insight = {
        ruleId: 'PI003',
        message: `Cache miss falls through to the database in ${group.traces.size} traces of "${group.parentName}": ${shortStatement(group.cacheSignature, 40)} then ${shortStatement(group.statement)}`
          + (ratio !== undefined ? ` (${Math.round(ratio * 100)} % of reads miss)` : ''),
        traceId: example.traceId,
        spanIds: example.spanIds,
        parentSpanId: example.parentSpanId,
        traceIds: [...group.traces.keys()],
        ...example.insightBase,
        evidence: {
          count: group.traces.size,
          totalDurationMs: nsToMs(total),
          durationsMs: example.durationsNs.map(nsToMs),
          statement: group.statement,
        },
      };
      if (ratio !== undefined) insight.evidence.share = Math.round(ratio * 1000) / 1000;
      out.push(insight);
    }
    return out;
  }
}
