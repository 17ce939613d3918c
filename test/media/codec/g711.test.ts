import { test } from 'node:test';
import assert from 'node:assert/strict';
import alawmulaw from 'alawmulaw';
import { g711Decode, g711Encode, g711Silence, type G711Law } from '../../../src/media/codec/g711.js';

const reference = { PCMU: alawmulaw.mulaw, PCMA: alawmulaw.alaw } as const;
const allCodes = Uint8Array.from({ length: 256 }, (_, i) => i);
const allSamples = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

for (const law of ['PCMU', 'PCMA'] as G711Law[]) {
  test(`${law}: decoding every one of the 256 codes matches the reference tables`, () => {
    assert.deepEqual(Array.from(g711Decode(law, allCodes)), Array.from(reference[law].decode(allCodes)));
  });

  test(`${law}: encoding every one of the 65,536 samples matches the reference encoder`, () => {
    assert.deepEqual(Array.from(g711Encode(law, allSamples)), Array.from(reference[law].encode(allSamples)));
  });

  test(`${law}: encode then decode stays within the segment's step, and the silence code decodes to the smallest level`, () => {
    const back = g711Decode(law, g711Encode(law, allSamples));
    for (let i = 0; i < allSamples.length; i++) {
      const s = allSamples[i]!;
      // Largest quantisation step is 1024 (top segment), plus clipping above 32635.
      assert.ok(Math.abs(back[i]! - Math.max(-32635, Math.min(32635, s))) <= 1024, `sample ${s} → ${back[i]}`);
    }
    // A-law has no zero level: its smallest is ±8.
    assert.ok(Math.abs(g711Decode(law, Uint8Array.of(g711Silence(law)))[0]!) <= 8);
  });

  test(`${law}: encode and decode write into caller buffers`, () => {
    const codes = new Uint8Array(4);
    const out = g711Encode(law, Int16Array.of(0, 1000, -1000, 32767), codes);
    assert.equal(out, codes);
    const pcm = new Int16Array(4);
    assert.equal(g711Decode(law, codes, pcm), pcm);
  });
}
