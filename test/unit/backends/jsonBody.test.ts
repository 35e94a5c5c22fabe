// A backend's JSON answer read whole (parseJsonBody, the full path) and by the skims: a byte order
// mark in front is passed by both, so which path reads an answer never decides whether it opens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { skimJaegerDocument } from '../../../src/core/backends/jaegerSkim';
import { skimTraceResponse, traceFromResponse, type TraceResponse } from '../../../src/core/backends/traceResponse';
import { parseJsonBody } from '../../../src/core/http/jsonBody';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { fixtureDir } from './traceExpectations';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('JSON answers with a byte order mark', () => {
  it('reads a BOM-led Jaeger v1 and v3 answer on the full path as without the mark, as the skims do', () => {
    for (const [file, format] of [['v1-trace.json', 'jaeger-v1'], ['v3-trace.json', 'otlp']] as const) {
      const plain = new Uint8Array(readFileSync(path.join(fixtureDir('jaeger'), file)));
      const marked = new Uint8Array(Buffer.concat([BOM, plain]));
      const traceId = loadTraceFile(plain).traces[0].traceId;
      const response = (body: Uint8Array): TraceResponse => ({ traceId, format, body, source: 'the answer', url: 'http://127.0.0.1/' });
      const expected = traceFromResponse(response(plain));
      assert.deepEqual(traceFromResponse(response(marked)), expected, `${file}: full path`);
      if (format === 'jaeger-v1') assert.equal(skimJaegerDocument(marked)?.traces[0].spans.length, expected.spans.length, `${file}: skim`);
      else assert.equal(skimTraceResponse(response(marked))?.trace.spans.length, expected.spans.length, `${file}: skim`);
    }
  });

  it('still says what an answer that is no JSON began with', () => {
    assert.throws(() => parseJsonBody(new Uint8Array(Buffer.concat([BOM, Buffer.from('<html>proxy error</html>')])), 'http://127.0.0.1/api/traces/x', 'trace'),
      (err: Error & { userMessage?: string; detail?: string }) => /began with: <html>proxy error/.test(err.detail ?? ''));
  });
});
