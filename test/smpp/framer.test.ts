/**
 * PduFramer: captured PDU streams (fixtures/smpp/*.hex, from Kannel and Net::SMPP) cut at every byte
 * offset, fed byte by byte and in random chunks give back exactly the captured PDUs; a command_length
 * below 16 or above the maximum is a framing error after which the framer stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_MAX_PDU_LENGTH, PduFramer, type FrameEvent } from '../../src/smpp/framer.js';
import { readSmppFixture, smppFixtureNames } from './helpers/fixtures.js';

function pdusOf(events: FrameEvent[]): string[] {
  return events.map((e) => {
    assert.ok(e.ok, `unexpected framing error: ${e.ok ? '' : e.message}`);
    return e.pdu.toString('hex');
  });
}

const names = smppFixtureNames();

test('there are SMPP captures to frame', () => {
  assert.ok(names.length >= 2, names.join(', '));
});

for (const name of names) {
  const captured = readSmppFixture(name);
  const expected = captured.map((c) => c.pdu.toString('hex'));
  const stream = Buffer.concat(captured.map((c) => c.pdu));

  test(`${name}: ${captured.length} PDUs (${stream.length} octets) split at every offset`, () => {
    for (let k = 0; k <= stream.length; k++) {
      const f = new PduFramer();
      const got = pdusOf([...f.push(stream.subarray(0, k)), ...f.push(stream.subarray(k))]);
      assert.deepEqual(got, expected, `split at ${k}`);
      assert.equal(f.pendingBytes, 0);
    }
  });

  test(`${name}: byte by byte, and every PDU split at every pair of offsets`, () => {
    const f = new PduFramer();
    const events: FrameEvent[] = [];
    for (const b of stream) events.push(...f.push(Uint8Array.of(b)));
    assert.deepEqual(pdusOf(events), expected);
    for (const c of captured.slice(0, 6)) {
      const p = c.pdu;
      for (let i = 0; i <= p.length; i++) {
        for (let j = i; j <= p.length; j++) {
          const g = new PduFramer();
          const got = pdusOf([...g.push(p.subarray(0, i)), ...g.push(p.subarray(i, j)), ...g.push(p.subarray(j))]);
          assert.deepEqual(got, [p.toString('hex')], `line ${c.line} split at ${i}/${j}`);
        }
      }
    }
  });

  test(`${name}: random chunkings (property)`, () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 200 }), (sizes) => {
        const f = new PduFramer();
        const events: FrameEvent[] = [];
        let pos = 0;
        let i = 0;
        while (pos < stream.length) {
          const n = sizes[i++ % sizes.length]!;
          events.push(...f.push(stream.subarray(pos, pos + n)));
          pos += n;
        }
        assert.deepEqual(pdusOf(events), expected);
      }),
      { numRuns: 100 },
    );
  });
}

function header(length: number, id = 4, seq = 7): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(id, 4);
  b.writeUInt32BE(seq, 12);
  return b;
}

test('command_length below 16 or above the maximum: one framing error, PDUs before it still framed, then nothing', () => {
  const good = header(16, 0x15, 1);
  for (const bad of [0, 1, 15, DEFAULT_MAX_PDU_LENGTH + 1, 100_000, 0xffffffff]) {
    const stream = Buffer.concat([good, header(bad, 4, 42), good]);
    for (let k = 0; k <= stream.length; k++) {
      const f = new PduFramer();
      const events = [...f.push(stream.subarray(0, k)), ...f.push(stream.subarray(k))];
      assert.equal(events.length, 2, `length ${bad} split ${k}`);
      assert.ok(events[0]!.ok);
      const err = events[1]!;
      assert.ok(!err.ok);
      assert.equal(err.commandLength, bad);
      // The sequence number is known when the whole header had arrived with the length.
      if (k < 20 || k >= 32) {
        assert.equal(err.sequence, 42);
        assert.equal(err.commandId, 4);
      }
      assert.ok(f.broken);
      assert.deepEqual(f.push(good), []);
    }
  }
  const short = new PduFramer().push(Buffer.from([0, 0, 0, 8]));
  assert.equal(short.length, 1);
  assert.ok(!short[0]!.ok && short[0]!.sequence === null && /shorter than the 16-octet header/.test(short[0]!.message));
});

test('maximum: default 70000 takes a 64 KiB message_payload; a configured maximum is enforced exactly', () => {
  const big = Buffer.alloc(70_000);
  big.writeUInt32BE(70_000, 0);
  big.writeUInt32BE(4, 4);
  const ev = new PduFramer().push(big);
  assert.equal(ev.length, 1);
  assert.ok(ev[0]!.ok && ev[0]!.pdu.length === 70_000);
  const f = new PduFramer(1000);
  assert.ok(f.push(header(1000).subarray(0, 4)).length === 0);
  const g = new PduFramer(1000);
  const e2 = g.push(header(1001));
  assert.ok(!e2[0]!.ok);
  assert.throws(() => new PduFramer(10), RangeError);
});

test('a framed PDU is a copy: later input does not change it', () => {
  const f = new PduFramer();
  const chunk = Buffer.concat([header(16, 0x15, 1), header(16, 0x15, 2).subarray(0, 8)]);
  const [first] = f.push(chunk);
  chunk.fill(0xff);
  assert.ok(first!.ok && first!.pdu.readUInt32BE(12) === 1);
});
