/**
 * The performance insights of the trace a waterfall shows, as rows to mark: the detectors run on the
 * layout's own span tree (in the panel's worker, never on the extension host), and each insight's
 * spans become row numbers of the columns the webview draws.
 */
import { InsightDetector } from '../insights/insightDetector';
import { INSIGHT_RULES } from '../insights/insightRules';
import type { SpanTree } from './spanTree';
import type { WaterfallLayout } from './layout';
import { runSync, type Steps } from '../timeSlicing';
import { MAX_INSIGHT_ROWS, MAX_WATERFALL_INSIGHTS, type WaterfallInsight } from './waterfallInsight';

const MAX_MESSAGE = 500;
/** Decoding a span's attributes from the bytes costs ~10-20 µs: yield every 256. */
const DECODE_YIELD_MASK = 255;

export function waterfallInsights(layout: WaterfallLayout): WaterfallInsight[] {
  return runSync(waterfallInsightSteps(layout));
}

/** The same as steps, for `runSliced` in the worker: a detail or search request is answered between them. */
export function* waterfallInsightSteps(layout: WaterfallLayout): Steps<WaterfallInsight[]> {
  const { tree, nodeToRow } = layout;
  const detector = new InsightDetector();
  yield* detector.addTreeSteps(yield* withAttributes(layout));
  const insights = detector.finish();
  yield;
  if (insights.length === 0) return [];
  const wanted = new Set<string>();
  for (const i of insights) {
    for (const id of i.spanIds) wanted.add(id);
    if (i.parentSpanId) wanted.add(i.parentSpanId);
  }
  const rowOf = new Map<string, number>();
  for (let node = 0; node < tree.spans.length; node++) {
    const id = tree.spans[node].spanId;
    if (wanted.has(id) && !rowOf.has(id) && nodeToRow[node] >= 0) rowOf.set(id, nodeToRow[node]);
  }
  const out: WaterfallInsight[] = [];
  for (const i of insights) {
    const rows = i.spanIds.map((id) => rowOf.get(id)).filter((r): r is number => r !== undefined).sort((a, b) => a - b).slice(0, MAX_INSIGHT_ROWS);
    if (rows.length === 0) continue;
    const message = i.message.length > MAX_MESSAGE ? `${i.message.slice(0, MAX_MESSAGE - 1)}…` : i.message;
    out.push({ ruleId: i.ruleId, title: INSIGHT_RULES[i.ruleId].title, message, rows, parentRow: (i.parentSpanId !== undefined ? rowOf.get(i.parentSpanId) : undefined) ?? -1 });
    if (out.length >= MAX_WATERFALL_INSIGHTS) break;
  }
  // In the order a reader meets them scrolling down.
  return out.sort((a, b) => a.rows[0] - b.rows[0]);
}

/**
 * The layout's tree with every span's attributes, which the detectors read (statements, peers,
 * `code.*`): a trace read without them (see SpanSource) has them decoded here, for as long as the
 * detectors run, and the layout keeps its spans as they were.
 */
function* withAttributes(layout: WaterfallLayout): Steps<SpanTree> {
  const { tree, spanSource } = layout;
  if (!spanSource) return tree;
  const spans = new Array<typeof tree.spans[number]>(tree.spans.length);
  for (let i = 0; i < spans.length; i++) {
    spans[i] = spanSource.full(tree.spans[i]);
    if ((i & DECODE_YIELD_MASK) === DECODE_YIELD_MASK) yield;
  }
  return { ...tree, spans };
}
