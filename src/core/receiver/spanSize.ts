import type { AttributeValue, Attributes, Span } from '../model/trace';

/*
 * A cheap estimate of the heap a held span costs, so the store can bound bytes
 * as well as span count: maxSpans alone would let a service that records whole
 * request bodies in attributes (100 KB each) grow the extension host by gigabytes.
 * Calibrated on SDK spans with 10 attributes, where the store measures ~830 B per
 * span on the heap (bench/receiver.bench.ts); short strings are shared by the
 * decoder's interning, so charging them in full errs on the safe side.
 */

/** Span object, ids, bigints, status, the arrays and the attribute object's own slots. */
const SPAN_BASE_BYTES = 420;
const SLOT_BYTES = 16;
const MAX_DEPTH = 8;

function valueBytes(v: AttributeValue, depth: number): number {
  if (v === null) return SLOT_BYTES;
  switch (typeof v) {
    case 'string':
      return SLOT_BYTES + 16 + v.length;
    case 'number':
    case 'boolean':
      return SLOT_BYTES;
    case 'bigint':
      return SLOT_BYTES + 24;
    default:
      break;
  }
  if (depth >= MAX_DEPTH) return SLOT_BYTES;
  if (v instanceof Uint8Array) return SLOT_BYTES + 64 + v.byteLength;
  if (Array.isArray(v)) {
    let n = SLOT_BYTES + 32;
    for (const x of v) n += valueBytes(x, depth + 1);
    return n;
  }
  return SLOT_BYTES + 32 + attributesBytes(v as Attributes, depth + 1);
}

function attributesBytes(attributes: Attributes, depth: number): number {
  let n = 0;
  for (const key in attributes) n += valueBytes(attributes[key], depth);
  return n;
}

export function estimateSpanBytes(span: Span): number {
  let n = SPAN_BASE_BYTES + span.name.length + attributesBytes(span.attributes, 0);
  for (const e of span.events) n += 96 + e.name.length + attributesBytes(e.attributes, 0);
  for (const l of span.links) n += 160 + attributesBytes(l.attributes, 0);
  if (span.status.message) n += 16 + span.status.message.length;
  if (span.traceState) n += 16 + span.traceState.length;
  return n;
}
