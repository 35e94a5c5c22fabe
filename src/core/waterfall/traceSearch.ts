/**
 * Search within one trace: span name, service, span id, attribute keys and values (span and
 * resource). `key=value` matches an attribute whose key is `key` and whose value contains
 * `value`. Case-insensitive. Returns matching rows in row order.
 */
import type { AttributeValue, Attributes } from '../model/trace';
import { fullSpanOf, type WaterfallLayout } from './layout';

export const SEARCH_RESULT_LIMIT = 100_000;

function valueText(v: AttributeValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return '';
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? '' : x));
}

function attrsMatch(attrs: Attributes, needle: string, key: string | undefined): boolean {
  for (const k in attrs) {
    if (key !== undefined) {
      if (k.toLowerCase() === key && valueText(attrs[k]).toLowerCase().includes(needle)) return true;
    } else if (k.toLowerCase().includes(needle) || valueText(attrs[k]).toLowerCase().includes(needle)) {
      return true;
    }
  }
  return false;
}

export function searchTrace(layout: WaterfallLayout, query: string): Int32Array {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return new Int32Array(0);
  const eq = q.indexOf('=');
  const key = eq > 0 ? q.slice(0, eq).trim() : undefined;
  const needle = eq > 0 ? q.slice(eq + 1).trim() : q;
  const out: number[] = [];
  // Names, services and resources repeat: decide each distinct one once.
  const nameHit = new Map<string, boolean>();
  const resourceHit = new Map<Attributes, boolean>();
  const source = layout.spanSource;
  for (let row = 0; row < layout.columns.rowCount && out.length < SEARCH_RESULT_LIMIT; row++) {
    const node = layout.rowToNode[row];
    const span = layout.tree.spans[node];
    let hit = false;
    if (key === undefined) {
      for (const s of [span.name, span.resource.serviceName]) {
        let h = nameHit.get(s);
        if (h === undefined) { h = s.toLowerCase().includes(needle); nameHit.set(s, h); }
        if (h) { hit = true; break; }
      }
      if (!hit) hit = span.spanId === needle;
    }
    if (!hit) {
      const resource = span.resource.attributes;
      let h = resourceHit.get(resource);
      if (h === undefined) { h = attrsMatch(resource, needle, key); resourceHit.set(resource, h); }
      hit = h;
    }
    // Spans read without their attributes are decoded only when their bytes cannot tell.
    if (!hit) hit = source?.attributesMatch(span, needle, key) ?? attrsMatch(source?.attributes?.(span) ?? fullSpanOf(layout, node).attributes, needle, key);
    if (hit) out.push(row);
  }
  return Int32Array.from(out);
}
