// Replays a scenario of the recorded corpus as its service sent it (OTLP JSON, the same spans and
// attributes), moved in time so the whole recording ends just now: inside every statistics window.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The service's source in the corpus folder: its request handlers' `code.*` attributes are on the recorded spans. */
export const SHOP_SOURCE = 'services/shop.py';

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes?: Array<{ key: string }> }
interface OtlpBody { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }

export interface ReplayedScenario {
  /** The OTLP/HTTP JSON body to POST to /v1/traces. */
  body: string;
  traceIds: string[];
  spans: OtlpSpan[];
}

/**
 * `root`: the corpus folder (test/insights-corpus in the repository). `endMs`: when the last span ends.
 * `withoutLineNumbers`: the `code.*` line attributes are left out, as instrumentations that report only
 * the function send them.
 */
export function replayScenario(root: string, scenario: string, endMs: number, options: { withoutLineNumbers?: boolean } = {}): ReplayedScenario {
  const body = JSON.parse(readFileSync(path.join(root, 'traces', `${scenario}.json`), 'utf8')) as OtlpBody;
  const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  let last = 0n;
  for (const s of spans) if (BigInt(s.endTimeUnixNano) > last) last = BigInt(s.endTimeUnixNano);
  const shift = BigInt(Math.floor(endMs)) * 1_000_000n - last;
  for (const s of spans) {
    s.startTimeUnixNano = String(BigInt(s.startTimeUnixNano) + shift);
    s.endTimeUnixNano = String(BigInt(s.endTimeUnixNano) + shift);
    if (options.withoutLineNumbers && s.attributes) s.attributes = s.attributes.filter((a) => a.key !== 'code.line.number' && a.key !== 'code.lineno');
  }
  return { body: JSON.stringify(body), traceIds: [...new Set(spans.map((s) => s.traceId))], spans };
}
