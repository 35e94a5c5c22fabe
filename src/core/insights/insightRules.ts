/**
 * The performance-insight rules: ids, names, descriptions and the thresholds each detector uses.
 * Shared by the detectors, the CLI's text/JSON/SARIF output and (later) settings validation, so a
 * rule's id and defaults are written once.
 */

export type InsightRuleId = 'PI001' | 'PI002' | 'PI003' | 'PI004' | 'PI005' | 'PI006';

export interface InsightRuleInfo {
  id: InsightRuleId;
  /** Short name, used as SARIF `rule.name`. */
  name: string;
  title: string;
  description: string;
}

export const INSIGHT_RULES: Readonly<Record<InsightRuleId, InsightRuleInfo>> = {
  PI001: {
    id: 'PI001', name: 'NPlusOneQueries', title: 'N+1 queries',
    description: 'One parent runs the same database statement (literals removed) many times one after another. Load the rows in one query (a join, IN (…), or eager loading).',
  },
  PI002: {
    id: 'PI002', name: 'SerialCalls', title: 'Serial calls that could run in parallel',
    description: 'Calls to different services or databases run one after another with nothing visible between them, and together take most of their parent. Run them concurrently.',
  },
  PI003: {
    id: 'PI003', name: 'CacheMissFallthrough', title: 'Cache miss falling through to the database',
    description: 'A cache read misses and the database read it guards runs, in several traces. Check the key, the expiry and whether the value is ever written back.',
  },
  PI004: {
    id: 'PI004', name: 'CriticalPathBottleneck', title: 'Bottleneck on the critical path',
    description: 'Across the traces of one endpoint, one function takes most of the critical path: making anything else faster barely changes the response time.',
  },
  PI005: {
    id: 'PI005', name: 'RepeatedIdenticalCalls', title: 'Repeated identical calls',
    description: 'The same outgoing request (method and URL template, or RPC method) is made several times in one trace. Make it once and reuse the answer.',
  },
  PI006: {
    id: 'PI006', name: 'SlowStatement', title: 'Slow statement',
    description: 'A database statement whose p95 stands far above the other statements the service runs against the same database. Look at its plan and indexes.',
  },
};

export const INSIGHT_RULE_IDS = Object.keys(INSIGHT_RULES) as InsightRuleId[];

export function isInsightRuleId(s: string): s is InsightRuleId {
  return Object.prototype.hasOwnProperty.call(INSIGHT_RULES, s);
}

const DOCS_BASE = 'https://github.com/trace-lens/trace-lens/blob/main/docs/insights.md';

export function insightHelpUri(id: InsightRuleId): string {
  return `${DOCS_BASE}#${id.toLowerCase()}`;
}

/**
 * Thresholds of every detector. The defaults are documented in docs/insights.md; PI001's start
 * from Sentry's published N+1 DB detector criteria and the differences are explained there and
 * next to each value.
 */
export interface InsightOptions {
  nPlusOne: {
    /** Sentry: "total count of involved spans must exceed a threshold (usually five spans)". Same. */
    minCount: number;
    /**
     * Sentry: total duration of the repeating spans must exceed 50 ms. Here the loop's duration (first
     * statement's start to last statement's end; see nPlusOne.ts for why), and lower: Trace Lens mostly
     * sees a developer's own runs, against a local database that answers in microseconds to a
     * millisecond; the same loop in production pays a network round trip per query. 5 ms still
     * drops loops of trivial cost (20 cached lookups of 0.05 ms).
     */
    minTotalDurationMs: number;
  };
  serialCalls: {
    /** Distinct call targets in one serial run. */
    minCalls: number;
    /** The run's summed duration as a share of its parent's duration. */
    minShareOfParent: number;
    /** Runs below this sum are not worth parallelising. */
    minTotalDurationMs: number;
    /**
     * A gap longer than this between two calls is treated as the caller using the first answer
     * to make the second call (a data dependency the trace cannot show otherwise).
     */
    maxGapMs: number;
  };
  cacheMiss: {
    /** Traces in which the same miss-then-database sequence appears, at the same place. */
    minTraces: number;
    /** Share of the reads at that place that miss: a cache missing its cold keys now and then is working. */
    minMissRatio: number;
  };
  bottleneck: {
    /** Traces of one endpoint needed before its critical path is judged. */
    minTraces: number;
    /** Share of the endpoint's critical-path time one function must take. */
    minShare: number;
  };
  repeatedCalls: {
    /** Identical requests in one trace. */
    minCount: number;
  };
  slowStatement: {
    /** Executions of the statement needed for a p95. */
    minSamples: number;
    /** Other statements against the same database needed to compare with. */
    minSiblings: number;
    /** The statement's p95 must be this many times the median of its siblings' p95s… */
    minFactor: number;
    /** …and at least this long, so microsecond statements never qualify. */
    minP95Ms: number;
  };
}

export const DEFAULT_INSIGHT_OPTIONS: Readonly<InsightOptions> = {
  nPlusOne: { minCount: 5, minTotalDurationMs: 5 },
  serialCalls: { minCalls: 2, minShareOfParent: 0.5, minTotalDurationMs: 20, maxGapMs: 5 },
  cacheMiss: { minTraces: 3, minMissRatio: 0.3 },
  bottleneck: { minTraces: 3, minShare: 0.5 },
  repeatedCalls: { minCount: 3 },
  slowStatement: { minSamples: 5, minSiblings: 2, minFactor: 5, minP95Ms: 10 },
};

/** Thresholds with some overridden, e.g. from settings; unknown or non-finite values keep their default. */
export type InsightOptionsOverride = { [K in keyof InsightOptions]?: Partial<InsightOptions[K]> };

export function resolveInsightOptions(override: InsightOptionsOverride = {}): InsightOptions {
  const out = {} as Record<string, Record<string, number>>;
  for (const [group, defaults] of Object.entries(DEFAULT_INSIGHT_OPTIONS) as [keyof InsightOptions, Record<string, number>][]) {
    const given = (override[group] ?? {}) as Record<string, unknown>;
    out[group] = { ...defaults };
    for (const key of Object.keys(defaults)) {
      const v = given[key];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[group][key] = v;
    }
  }
  return out as unknown as InsightOptions;
}
