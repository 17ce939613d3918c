/** Property tests (fast-check): round trips, split invariants, and no crash on malformed input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  GSM7_BASIC_CHARS,
  GSM7_EXTENSION_CHARS,
  PduError,
  buildSubmitPdus,
  bytesToHex,
  decodePdu,
  decodeRelativeValidity,
  decodeTpAddress,
  decodeUssd,
  encodeRelativeValidity,
  encodeSubmit,
  encodeTpAddress,
  encodeUssd,
  gsm7Length,
  hexToBytes,
  partLimits,
  planText,
  tryDecodePdu,
  type MessageClass,
  type SmsSubmit,
} from '../../src/gsm/index.js';

const RUNS = { numRuns: 250 };
const gsmChar = fc.constantFrom(...GSM7_BASIC_CHARS, ...GSM7_EXTENSION_CHARS);
const gsmText = (maxLength: number) => fc.array(gsmChar, { maxLength }).map((a) => a.join(''));
const number = fc.stringMatching(/^\+?[0-9]{1,20}$/);
const options = fc.record(
  {
    messageRef: fc.integer({ min: 0, max: 255 }),
    requestStatusReport: fc.boolean(),
    rejectDuplicates: fc.boolean(),
    validity: fc.integer({ min: 0, max: 700_000 }),
    class: fc.constantFrom<MessageClass>(0, 1, 2, 3),
    smsc: fc.stringMatching(/^\+[1-9][0-9]{4,14}$/),
  },
  { requiredKeys: [] },
);

function checkSubmit(hex: string, tpduLength: number, to: string, text: string, o: Partial<Record<string, unknown>>): SmsSubmit {
  const d = decodePdu(hex) as SmsSubmit;
  assert.equal(d.type, 'submit');
  assert.equal(d.text, text);
  assert.equal(d.destination.number, to);
  assert.equal(d.messageRef, o.messageRef ?? 0);
  assert.equal(d.statusReportRequest, o.requestStatusReport ?? false);
  assert.equal(d.rejectDuplicates, o.rejectDuplicates ?? false);
  assert.equal(d.messageClass, o.class);
  assert.equal(d.smsc?.number, o.smsc);
  if (o.validity === undefined) assert.equal(d.validity, undefined);
  else assert.equal(d.validity?.format === 'relative' && d.validity.minutes, decodeRelativeValidity(encodeRelativeValidity(o.validity as number)));
  assert.equal(tpduLength, hex.length / 2 - (hexToBytes(hex)[0]! + 1));
  assert.deepEqual(d.warnings, []);
  return d;
}

test('decodePdu(encodeSubmit(x)) gives back x for GSM texts', () => {
  fc.assert(
    fc.property(gsmText(80), number, options, (text, to, o) => {
      const enc = encodeSubmit({ to, text, ...o });
      const d = checkSubmit(enc.hex, enc.tpduLength, to, text, o);
      assert.equal(d.encoding, 'gsm7');
      assert.equal(d.udl, gsm7Length(text));
    }),
    RUNS,
  );
});

test('decodePdu(encodeSubmit(x)) gives back x for Unicode texts (surrogate pairs included)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 35 }), number, options, (text, to, o) => {
      const enc = encodeSubmit({ to, text, encoding: 'ucs2', ...o });
      const d = checkSubmit(enc.hex, enc.tpduLength, to, text, o);
      assert.equal(d.encoding, 'ucs2');
      assert.equal(d.udl, text.length * 2);
    }),
    RUNS,
  );
});

test('addresses round-trip: numbers and alphanumeric senders', () => {
  fc.assert(
    fc.property(number, (n) => {
      assert.equal(decodeTpAddress(encodeTpAddress(n)).address.number, n);
    }),
    RUNS,
  );
  fc.assert(
    fc.property(
      fc.array(gsmChar, { minLength: 1, maxLength: 11 }).map((a) => a.join('')).filter((s) => gsm7Length(s)! <= 11),
      (s) => {
        const { address } = decodeTpAddress(encodeTpAddress(s, 'alphanumeric'));
        assert.equal(address.ton, 'alphanumeric');
        assert.equal(address.number, s);
      },
    ),
    RUNS,
  );
});

test('split parts join back to the text and each part fits', () => {
  const text = fc.oneof(gsmText(700), fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 300 }));
  fc.assert(
    fc.property(text, fc.constantFrom<8 | 16>(8, 16), (t, refBits) => {
      const plan = planText(t, { refBits });
      assert.equal(plan.parts.join(''), t);
      const limits = partLimits(plan.encoding, refBits);
      const max = plan.parts.length === 1 ? limits.single : limits.multi;
      plan.parts.forEach((p, i) => {
        const size = plan.encoding === 'gsm7' ? gsm7Length(p)! : p.length;
        assert.equal(size, plan.septetsOrUnits[i]);
        assert.ok(size <= max, `part ${i} has ${size} > ${max}`);
        if (plan.encoding === 'ucs2' && p.length > 0) {
          const last = p.charCodeAt(p.length - 1);
          assert.ok(!(last >= 0xd800 && last <= 0xdbff), 'part ends with a high surrogate');
        }
      });
    }),
    RUNS,
  );
});

test('buildSubmitPdus parts decode and reassemble to the text', () => {
  const text = fc.oneof(gsmText(500), fc.string({ unit: 'binary', maxLength: 250 }));
  fc.assert(
    fc.property(text, number, fc.integer({ min: 0, max: 0xffff }), (t, to, ref) => {
      const parts = buildSubmitPdus({ to, text: t, concatRef: ref });
      const decoded = parts.map((p) => decodePdu(p.hex) as SmsSubmit);
      assert.equal(decoded.map((d) => d.text).join(''), t);
      if (parts.length > 1) {
        decoded.forEach((d, i) => {
          assert.deepEqual(d.concat, { ref, total: parts.length, seq: i + 1, refBits: ref > 0xff ? 16 : 8 });
        });
      }
    }),
    { numRuns: 100 },
  );
});

function decodeSafely(hex: string, withSmsc: boolean, direction: 'mt' | 'mo'): void {
  try {
    decodePdu(hex, { withSmsc, direction });
  } catch (e) {
    assert.ok(e instanceof PduError, `non-PduError for ${hex}: ${String(e)}`);
  }
  const r = tryDecodePdu(hex, { withSmsc, direction });
  assert.ok(r.ok || (typeof r.error === 'string' && r.error.length > 0));
}

test('random octets never crash the decoder (only PduErrors, never a hang)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.constantFrom<'mt' | 'mo'>('mt', 'mo'), (bytes, withSmsc, direction) => {
      decodeSafely(bytesToHex(bytes), withSmsc, direction);
    }),
    { numRuns: 400 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (s) => {
      decodeSafely(s, true, 'mt');
    }),
    RUNS,
  );
});

test('mutated and truncated valid PDUs never crash the decoder', () => {
  fc.assert(
    fc.property(
      gsmText(60),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
      (text, flips, cut) => {
        const parts = buildSubmitPdus({ to: '+4917012345', text: text + text + text, concatRef: 9, smsc: '+491710760000' });
        const bytes = hexToBytes(parts[0]!.hex);
        for (const [pos, val] of flips) bytes[pos % bytes.length] = val;
        decodeSafely(bytesToHex(bytes.subarray(0, bytes.length - (cut % bytes.length))), true, 'mt');
      },
    ),
    RUNS,
  );
});

test('USSD: packed GSM text round-trips; decodeUssd never throws', () => {
  fc.assert(
    fc.property(
      gsmText(90).filter((t) => t.length > 0 && !t.endsWith('\r')),
      (t) => {
        assert.equal(decodeUssd(encodeUssd(t)!, 15, { format: 'packed-hex' }).text, t);
      },
    ),
    RUNS,
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(undefined, 'GSM', 'IRA', 'UCS2', 'HEX'), (s, dcs, charset) => {
      const r = decodeUssd(s, dcs, charset ? { charset } : {});
      assert.equal(typeof r.text, 'string');
    }),
    RUNS,
  );
});
