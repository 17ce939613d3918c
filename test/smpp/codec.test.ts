/**
 * codec.ts: every captured PDU decodes; unknown command ids, truncated bodies, missing C-string NULLs
 * and broken TLV streams give the status SMPP 3.4 calls for and the right kind of answer; random octets
 * never throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePdu, encodeGenericNack, encodePdu, encodeResponse, isKnownCommandId } from '../../src/smpp/codec.js';
import { CommandId, Status } from '../../src/smpp/status.js';
import { readSmppFixture, smppFixtureNames } from './helpers/fixtures.js';
import { submitFields } from './helpers/raw-esme.js';

function withLength(b: Buffer): Buffer {
  const c = Buffer.from(b);
  c.writeUInt32BE(c.length, 0);
  return c;
}

for (const name of smppFixtureNames()) {
  test(`${name}: every captured PDU decodes`, () => {
    for (const c of readSmppFixture(name)) {
      const d = decodePdu(c.pdu);
      assert.ok(d.ok, `line ${c.line}: ${d.ok ? '' : d.reason}`);
      assert.equal(d.pdu.sequence_number, c.pdu.readUInt32BE(12));
    }
  });
}

test('Kannel 1.4.5 capture: bind_transceiver and submit_sm fields as PEERS.md describes them', () => {
  const pdus = readSmppFixture('kannel-1.4.5.hex').filter((c) => c.direction === 'in').map((c) => decodePdu(c.pdu));
  const bind = pdus[0]!;
  assert.ok(bind.ok);
  assert.equal(bind.pdu.command, 'bind_transceiver');
  assert.equal(bind.pdu.system_id, 'kannel');
  assert.equal(bind.pdu.interface_version, 0x34);
  const submits = pdus.filter((d) => d.ok && d.pdu.command === 'submit_sm').map((d) => (d.ok ? d.pdu : null)!);
  assert.equal(submits[0]!.esm_class, 3);
  assert.equal(submits[0]!.registered_delivery, 0x11);
  assert.equal(submits[0]!.data_coding, 0);
  assert.equal((submits[0]!.short_message as Buffer).subarray(-4).toString('hex'), '00011b65'); // @ £ €
  assert.equal(submits[1]!.data_coding, 8);
  assert.deepEqual(submits.slice(2).map((s) => s.esm_class), [0x43, 0x43]);
  assert.equal((submits[2]!.short_message as Buffer).subarray(0, 6).toString('hex'), '050003' + (submits[2]!.short_message as Buffer)[3]!.toString(16).padStart(2, '0') + '0201');
});

test('unknown command ids (and SMPP 5.0 broadcast ids) -> generic_nack ESME_RINVCMDID with the sequence number', () => {
  for (const id of [0x00000000, 0x00000099, 0x00000111, 0x80000111, 0x8000000b, 0x7fffffff, 0xffffffff]) {
    const b = Buffer.alloc(20);
    b.writeUInt32BE(20, 0);
    b.writeUInt32BE(id, 4);
    b.writeUInt32BE(1234, 12);
    const d = decodePdu(b);
    assert.ok(!d.ok, id.toString(16));
    assert.equal(d.status, Status.ESME_RINVCMDID);
    assert.equal(d.reply, 'generic_nack');
    assert.equal(d.sequence, 1234);
  }
  assert.ok(isKnownCommandId(CommandId.generic_nack));
  assert.ok(isKnownCommandId(0x80000004));
  assert.ok(!isKnownCommandId(0x80000102), 'alert_notification has no response');
});

test('truncated bodies and missing C-string terminators -> the command\'s _resp with ESME_RINVMSGLEN', () => {
  const bind = encodePdu('bind_transmitter', 5, { system_id: 'abc', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' });
  // Cut the body at every length: every cut before the end is refused.
  for (let n = 16; n < bind.length; n++) {
    const d = decodePdu(withLength(bind.subarray(0, n)));
    assert.ok(!d.ok, `cut at ${n}`);
    assert.equal(d.status, Status.ESME_RINVMSGLEN);
    assert.equal(d.reply, 'response');
    assert.equal(d.command, 'bind_transmitter');
  }
  assert.ok(decodePdu(bind).ok);
  // no NULL after system_id: the rest of the PDU would be read as the string
  const noNul = withLength(Buffer.concat([bind.subarray(0, 16), Buffer.from('abcdefgh')]));
  const d = decodePdu(noNul);
  assert.ok(!d.ok && /no terminating NULL/.test(d.reason));

  const sub = encodePdu('submit_sm', 9, submitFields({ short_message: Buffer.from('hello') }));
  for (let n = 16; n < sub.length; n++) {
    const r = decodePdu(withLength(sub.subarray(0, n)));
    assert.ok(!r.ok && r.status === Status.ESME_RINVMSGLEN, `submit_sm cut at ${n}`);
  }
  // sm_length larger than what follows
  const lie = Buffer.from(sub);
  lie[lie.length - 6] = 200;
  const r = decodePdu(lie);
  assert.ok(!r.ok && /sm_length 200 runs past/.test(r.reason));
  // a request without response PDU that is truncated: generic_nack
  const outbind = encodePdu('outbind', 3, { system_id: 'x', password: 'y' });
  const o = decodePdu(withLength(outbind.subarray(0, outbind.length - 1)));
  assert.ok(!o.ok && o.reply === 'generic_nack');
});

test('TLV stream errors: stray octets, overrunning length, wrong fixed size, unterminated C-string TLV; unknown TLVs are ignored', () => {
  const base = encodePdu('submit_sm', 1, submitFields({ short_message: Buffer.from('x') }));
  const cases: [string, number][] = [
    ['0424', Status.ESME_RINVOPTPARSTREAM],
    ['020c0002', Status.ESME_RINVOPTPARSTREAM],
    ['04240010414243', Status.ESME_RINVOPTPARSTREAM],
    ['020e000201ff', Status.ESME_RINVPARLEN], // sar_total_segments is 1 octet
    ['020c000112', Status.ESME_RINVPARLEN], // sar_msg_ref_num is 2 octets
    ['001e0003414243', Status.ESME_RINVPARLEN], // receipted_message_id without NULL
    ['001e0000', Status.ESME_RINVPARLEN],
  ];
  for (const [hex, status] of cases) {
    const d = decodePdu(withLength(Buffer.concat([base, Buffer.from(hex, 'hex')])));
    assert.ok(!d.ok, hex);
    assert.equal(d.status, status, hex);
    assert.equal(d.reply, 'response');
  }
  const unknown = decodePdu(withLength(Buffer.concat([base, Buffer.from('1401000401020304', 'hex')])));
  assert.ok(unknown.ok);
  const tlv = decodePdu(withLength(Buffer.concat([base, Buffer.from('020c00021234020e000103020f000101', 'hex')])));
  assert.ok(tlv.ok);
  assert.deepEqual([tlv.pdu.sar_msg_ref_num, tlv.pdu.sar_total_segments, tlv.pdu.sar_segment_seqnum], [0x1234, 3, 1]);
});

test('message_payload larger than the library\'s own 16384 limit decodes; short_message stays raw octets', () => {
  const payload = Buffer.alloc(65_000, 0x41);
  const pdu = encodePdu('submit_sm', 2, submitFields({ data_coding: 0, message_payload: payload }));
  assert.ok(pdu.length > 65_000);
  const d = decodePdu(pdu);
  assert.ok(d.ok);
  assert.ok(Buffer.isBuffer(d.pdu.message_payload) && (d.pdu.message_payload as Buffer).equals(payload));
  const s = decodePdu(encodePdu('submit_sm', 3, submitFields({ short_message: Buffer.from([0, 1, 0x1b, 0x65]) })));
  assert.ok(s.ok && (s.pdu.short_message as Buffer).toString('hex') === '00011b65');
  assert.ok(s.ok && s.pdu.validity_period === '');
});

test('responses are decoded leniently: header only, error status, or a broken body', () => {
  const headerOnly = Buffer.from('0000001080000005000000000000000c', 'hex');
  const a = decodePdu(headerOnly);
  assert.ok(a.ok && a.pdu.command === 'deliver_sm_resp' && a.pdu.sequence_number === 12);
  const withErr = Buffer.from('0000001180000005000000640000000d00', 'hex');
  const b = decodePdu(withErr);
  assert.ok(b.ok && b.pdu.command_status === 0x64);
  const broken = Buffer.from('0000001880000005000000000000000e41424344020e0000', 'hex');
  assert.ok(decodePdu(broken).ok);
  const nack = decodePdu(encodeGenericNack(77, Status.ESME_RTHROTTLED));
  assert.ok(nack.ok && nack.pdu.command === 'generic_nack' && nack.pdu.command_status === 0x58 && nack.pdu.sequence_number === 77);
});

test('encoders: error responses have no body; outbind and alert_notification are answered with generic_nack', () => {
  const ok = encodeResponse(CommandId.submit_sm, 5, 0, { message_id: 'abc' });
  assert.equal(ok.toString('hex'), '00000014' + '80000004' + '00000000' + '00000005' + '61626300');
  const err = encodeResponse(CommandId.submit_sm, 6, Status.ESME_RTHROTTLED, { message_id: 'ignored' });
  assert.equal(err.toString('hex'), '00000010' + '80000004' + '00000058' + '00000006');
  assert.equal(encodeResponse(CommandId.outbind, 7, Status.ESME_RINVBNDSTS).readUInt32BE(4), CommandId.generic_nack);
  assert.equal(encodeGenericNack(0xffffffff, 2).toString('hex'), '000000108000000000000002ffffffff');
  assert.throws(() => encodePdu('no_such_command', 1));
});

test('decodePdu never throws on random octets behind a valid header (property)', () => {
  const ids = [...Object.values(CommandId), 0x80000004, 0x80000005, 0x80000015, 0x80000009, 0x12345];
  fc.assert(
    fc.property(fc.constantFrom(...ids), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 300 }), (id, status, body) => {
      const b = Buffer.alloc(16 + body.length);
      b.writeUInt32BE(b.length, 0);
      b.writeUInt32BE(id, 4);
      b.writeUInt32BE(status, 8);
      b.writeUInt32BE(1, 12);
      Buffer.from(body).copy(b, 16);
      const d = decodePdu(b);
      assert.equal(typeof d.ok, 'boolean');
    }),
    { numRuns: 3000 },
  );
  // and on buffers that do not hold one PDU
  for (const b of [Buffer.alloc(0), Buffer.alloc(15), Buffer.from('00000020000000040000000000000001', 'hex')]) {
    const d = decodePdu(b);
    assert.ok(!d.ok && d.status === Status.ESME_RINVCMDLEN);
  }
});
