import assert from 'node:assert/strict';
import { answeredChallenge, authorization, encodeFrame, FrameReader, FrameType, MAX_FRAME_BYTES } from '../../../src/core/receiver/sharedReceiverProtocol';

describe('the shared receiver channel', () => {
  it('reads frames back whatever the chunking, one byte at a time included', () => {
    const frames = [encodeFrame(FrameType.Snapshot, '{"traceLensSpanStore":1}'), encodeFrame(FrameType.OtlpProtobuf, Buffer.from([1, 2, 3])), encodeFrame(FrameType.Clear, '')];
    const stream = Buffer.concat(frames);
    for (const size of [1, 2, 5, 7, stream.length]) {
      const reader = new FrameReader();
      const got = [];
      for (let i = 0; i < stream.length; i += size) got.push(...reader.push(stream.subarray(i, i + size)));
      assert.deepEqual(
        got.map((f) => [f.type, f.payload.toString('hex')]),
        [
          [FrameType.Snapshot, Buffer.from('{"traceLensSpanStore":1}').toString('hex')],
          [FrameType.OtlpProtobuf, '010203'],
          [FrameType.Clear, ''],
        ],
        `chunks of ${size} bytes`,
      );
    }
  });

  it('refuses an unknown frame type and a frame over the cap before buffering it', () => {
    assert.throws(() => new FrameReader().push(Buffer.from([9, 0, 0, 0, 0])), /Unknown frame type 9/);
    const header = Buffer.alloc(5);
    header.writeUInt8(FrameType.OtlpJson, 0);
    header.writeUInt32BE(MAX_FRAME_BYTES + 1, 1);
    assert.throws(() => new FrameReader().push(header), /exceeds/);
  });

  it('accepts the proof of the token for the challenge, and nothing else', () => {
    const token = 'a'.repeat(43);
    const challenge = 'c'.repeat(32);
    assert.equal(answeredChallenge(token, authorization(token, challenge)), challenge);
    assert.equal(answeredChallenge(token, authorization('b'.repeat(43), challenge)), undefined);
    assert.equal(answeredChallenge(token, `Bearer ${token}`), undefined);
    assert.equal(answeredChallenge(token, undefined), undefined);
  });
});
