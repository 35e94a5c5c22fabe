/*
 * Another "window" for sharedReceiver.test.ts, in its own process so the test can kill it as a crashed
 * extension host would die: a SharedReceiver on argv[2] (port) with the token in argv[3], which tells
 * its parent the state it reached.
 */
import { SharedReceiver } from '../../src/core/receiver/sharedReceiver';
import { SpanStore } from '../../src/core/receiver/spanStore';

const [port, tokenDir] = [Number(process.argv[2]), process.argv[3]];
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
const receiver = new SharedReceiver({ store: new SpanStore(), tokenDir, log: quiet });
void receiver.start({ port, grpcPort: 0 }).then((state) => process.send?.({ type: 'state', kind: state.kind }));
