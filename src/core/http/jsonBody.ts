/** Response bodies as JSON, with the error that says which answer was not JSON and how it began. */
import { MalformedResponseError } from '../errors';

/** Parses a JSON body; a body that is not JSON becomes a MalformedResponseError naming `expected`. */
export function parseJsonBody(body: Uint8Array, url: string, expected: string): unknown {
  let text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // A byte order mark (a proxy's, a file served as is) is no part of the JSON; the skims pass it too.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const excerpt = text.trim().slice(0, 120);
    throw new MalformedResponseError(`The answer from ${url}`, `JSON ${expected}`, {
      cause: err,
      detail: excerpt ? `it began with: ${excerpt}` : 'it was empty',
    });
  }
}
