/**
 * message.ts and time.ts (pure): submit_sm / data_sm -> SubmitRequest (including the captured Kannel and
 * Net::SMPP submits), SMPP 3.4 §7.1.1 times, the Appendix B receipt text and deliver_sm building.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2 } from '../../src/gsm/index.js';
import { decodePdu, encodePdu } from '../../src/smpp/codec.js';
import { buildDeliverSms, receiptText, submitToRequest } from '../../src/smpp/message.js';
import { Status } from '../../src/smpp/status.js';
import { formatReceiptDate, formatSmppTime, parseSmppTime } from '../../src/smpp/time.js';
import type { DeliverItem } from '../../src/smpp/types.js';
import { readSmppFixture } from './helpers/fixtures.js';
import { NOW, session, submit } from './helpers/submit-pdu.js';

test('§7.1.1 absolute times: UTC offset in quarter hours, both directions; tenths', () => {
  assert.deepEqual(parseSmppTime('', NOW), { ok: true, ms: null });
  assert.deepEqual(parseSmppTime('250615140000000+', NOW), { ok: true, ms: NOW + 2 * 3600_000 });
  assert.deepEqual(parseSmppTime('250615140000008+', NOW), { ok: true, ms: NOW }); // 14:00 local, 2 h ahead of UTC
  assert.deepEqual(parseSmppTime('250615070000020-', NOW), { ok: true, ms: NOW }); // 07:00 local, 5 h behind UTC
  assert.deepEqual(parseSmppTime('250615120000500+', NOW), { ok: true, ms: NOW + 500 });
  for (const bad of ['2506151200', '250615120000000', '250615120000000X', '251315120000000+', '250230120000000+', '250615250000000+', '250615120000049+', '25061512000000+0']) {
    const r = parseSmppTime(bad, NOW);
    assert.ok(!r.ok, bad);
  }
});

test('§7.1.1.2 relative times: years, months, days, hours, minutes, seconds from now', () => {
  assert.deepEqual(parseSmppTime('000001000000000R', NOW), { ok: true, ms: NOW + 86_400_000 });
  assert.deepEqual(parseSmppTime('000000013000000R', NOW), { ok: true, ms: NOW + 90 * 60_000 });
  assert.deepEqual(parseSmppTime('000100000000000R', NOW), { ok: true, ms: Date.UTC(2025, 6, 15, 12) });
  assert.deepEqual(parseSmppTime('010000000005000R', NOW), { ok: true, ms: Date.UTC(2026, 5, 15, 12, 0, 5) });
});

test('time formatting: query_sm_resp final_date and receipt dates', () => {
  assert.equal(formatSmppTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '250102030405600+');
  assert.equal(formatReceiptDate(Date.UTC(2025, 11, 31, 23, 59)), '2512312359');
  const local = new Date(2025, 0, 2, 3, 4).getTime();
  assert.equal(formatReceiptDate(local, 'local'), '2501020304');
});

test('captured Kannel 1.4.5 and Net::SMPP 1.19 submits convert to the texts that were sent', () => {
  const texts = (name: string): (string | null)[][] =>
    readSmppFixture(name)
      .filter((c) => c.direction === 'in')
      .map((c) => decodePdu(c.pdu))
      .filter((d) => d.ok && d.pdu.command === 'submit_sm')
      .map((d) => {
        const r = submitToRequest((d.ok ? d.pdu : null)!, session, NOW);
        assert.ok(r.ok, r.ok ? '' : r.reason);
        return [r.request.text, r.request.concat ? `${r.request.concat.seq}/${r.request.concat.total}` : null];
      });
  assert.deepEqual(texts('kannel-1.4.5.hex'), [
    ['Hello via Kannel SMPP @£€', null],
    ['Привет 你好', null],
    ['x'.repeat(100) + 'y'.repeat(53), '1/2'],
    ['y'.repeat(47), '2/2'],
  ]);
  const perl = texts('net-smpp-1.19.hex');
  assert.deepEqual(perl.slice(0, 2), [
    ['Hello from Net::SMPP @£€$', null],
    ['Grüße – Привет – 你好 €', null],
  ]);
  assert.equal(perl[2]![0]! + perl[3]![0]!, '0123456789'.repeat(20));
  assert.deepEqual([perl[2]![1], perl[3]![1]], ['1/2', '2/2']);
  assert.match(perl[4]![0]!, /^(Payload text\. ){21}End of payload\.$/);
});

test('submitToRequest: fields, UDH variants, SAR, refusals', () => {
  const r = submitToRequest(submit({ service_type: 'CMT', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'Shop', short_message: Buffer.from(encodeGsm7('Hi {you}')!), registered_delivery: 1, priority_flag: 2, protocol_id: 0, esm_class: 0x80 }), session, NOW);
  assert.ok(r.ok);
  assert.equal(r.request.text, 'Hi {you}');
  assert.equal(r.request.serviceType, 'CMT');
  assert.deepEqual(r.request.source, { ton: 5, npi: 0, addr: 'Shop' });
  assert.equal(r.request.priority, 2);
  assert.equal(r.request.esmClass, 0x80);
  assert.equal(r.request.session, session);
  assert.equal(r.request.expiresAt, null);
  assert.equal(r.request.notBefore, null);

  // UDH with a port element and a concat element whose seq is 0: the concat element is ignored (TS 23.040 §9.2.3.24.1)
  const u = submitToRequest(submit({ esm_class: 0x40, short_message: Buffer.concat([Buffer.from('0b0504158a000000030103' + '00', 'hex'), Buffer.from(encodeGsm7('x')!)]) }), session, NOW);
  assert.ok(u.ok);
  assert.equal(u.request.concat, null);
  assert.equal(u.request.text, 'x');
  // UDH concat wins over SAR TLVs
  const both = submitToRequest(submit({ esm_class: 0x40, short_message: Buffer.concat([Buffer.from('0500030a0202', 'hex'), Buffer.from(encodeGsm7('b')!)]), sar_msg_ref_num: 1, sar_total_segments: 5, sar_segment_seqnum: 5 }), session, NOW);
  assert.ok(both.ok && both.request.concatSource === 'udh' && both.request.concat!.ref === 10);
  const badSar = submitToRequest(submit({ short_message: Buffer.from('x'), sar_msg_ref_num: 1, sar_total_segments: 2, sar_segment_seqnum: 3 }), session, NOW);
  assert.ok(!badSar.ok && badSar.status === Status.ESME_RINVOPTPARAMVAL);
  const canned = submitToRequest(submit({ short_message: Buffer.alloc(0), sm_default_msg_id: 3 }), session, NOW);
  assert.ok(!canned.ok && canned.status === Status.ESME_RINVDFTMSGID);
  const late = submitToRequest(submit({ short_message: Buffer.from('x'), schedule_delivery_time: '000002000000000R', validity_period: '000001000000000R' }), session, NOW);
  assert.ok(!late.ok && late.status === Status.ESME_RINVSCHED);
  const sched = submitToRequest(submit({ short_message: Buffer.from('x'), schedule_delivery_time: '000000010000000R' }), session, NOW);
  assert.ok(sched.ok && sched.request.notBefore === NOW + 3600_000);
  const dc = submitToRequest(submit({ data_coding: 0xf0, short_message: Buffer.from('x') }), session, NOW);
  assert.ok(!dc.ok && dc.status === Status.ESME_RSUBMITFAIL && /data_coding 0xf0/.test(dc.reason));
  // UCS2 with a surrogate pair and UDH
  const emoji = submitToRequest(submit({ data_coding: 8, esm_class: 0x40, short_message: Buffer.concat([Buffer.from('050003070101', 'hex'), Buffer.from(encodeUcs2('😀'))]) }), session, NOW);
  assert.ok(emoji.ok && emoji.request.text === '😀');
  // data_sm without payload: empty text
  const ds = submitToRequest(submit({ service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '491', esm_class: 0, registered_delivery: 0, data_coding: 0 }, 'data_sm'), session, NOW);
  assert.ok(ds.ok && ds.request.text === '' && ds.request.command === 'data_sm');
});

test('SMPP 3.4 Appendix B receipt text', () => {
  const r = { messageId: '1000', stat: 'DELIVRD' as const, err: 0, submitDate: Date.UTC(2025, 0, 2, 3, 4), doneDate: Date.UTC(2025, 0, 2, 3, 5), text: 'Hello there, this is longer than twenty' };
  assert.equal(receiptText(r), 'id:1000 sub:001 dlvrd:001 submit date:2501020304 done date:2501020305 stat:DELIVRD err:000 text:Hello there, this is');
  assert.equal(receiptText({ ...r, stat: 'UNDELIV', err: 34, text: 'Привет' }), 'id:1000 sub:001 dlvrd:000 submit date:2501020304 done date:2501020305 stat:UNDELIV err:034 text:??????');
  assert.match(receiptText({ ...r, stat: 'EXPIRED', err: 12345 }), /stat:EXPIRED err:999 /);
});

const mo = (text: string, extra: Partial<DeliverItem> = {}): DeliverItem => ({
  id: 'i1',
  kind: 'mo',
  source: { ton: 1, npi: 1, addr: '4917000009' },
  dest: { ton: 1, npi: 1, addr: '4930123456' },
  text,
  ...extra,
});
let ref = 0;
const opts = { tlvs: true, nextRef: () => ++ref };

test('deliver_sm for MO text: GSM unpacked up to 160 septets, UCS2 up to 70 units, else message_payload', () => {
  const g = buildDeliverSms(mo('@£$ {€}'), opts);
  assert.ok(g.ok && g.parts.length === 1);
  assert.equal(g.parts[0]!.data_coding, 0);
  assert.equal(g.parts[0]!.short_message.toString('hex'), '00010220' + '1b28' + '1b65' + '1b29');
  assert.equal(g.parts[0]!.esm_class, 0);
  assert.equal(g.parts[0]!.source_addr, '4917000009');
  const full = buildDeliverSms(mo('a'.repeat(160)), opts);
  assert.ok(full.ok && full.parts.length === 1 && full.parts[0]!.short_message.length === 160 && full.parts[0]!.message_payload === undefined);
  const u = buildDeliverSms(mo('ж'.repeat(70)), opts);
  assert.ok(u.ok && u.parts[0]!.data_coding === 8 && decodeUcs2(u.parts[0]!.short_message) === 'ж'.repeat(70));
  const p = buildDeliverSms(mo('a'.repeat(161)), opts);
  assert.ok(p.ok && p.parts.length === 1 && p.parts[0]!.short_message.length === 0 && decodeGsm7(p.parts[0]!.message_payload!) === 'a'.repeat(161));
  const pu = buildDeliverSms(mo('ж'.repeat(71)), opts);
  assert.ok(pu.ok && pu.parts[0]!.data_coding === 8 && decodeUcs2(pu.parts[0]!.message_payload!) === 'ж'.repeat(71));
});

test('deliver_sm for MO text with split udh (or an ESME without TLVs): concatenated parts with one reference', () => {
  const text = 'Part text ' + '€'.repeat(100) + ' end';
  for (const o of [{ ...opts }, { tlvs: false, nextRef: () => ++ref }]) {
    const r = buildDeliverSms(mo(text, o.tlvs ? { split: 'udh' } : {}), o);
    assert.ok(r.ok);
    assert.ok(r.parts.length >= 2);
    const refs = new Set(r.parts.map((p) => p.short_message[3]));
    assert.equal(refs.size, 1);
    let joined = '';
    r.parts.forEach((p, i) => {
      assert.equal(p.esm_class, 0x40);
      assert.equal(p.data_coding, 0);
      assert.deepEqual([...p.short_message.subarray(0, 3), p.short_message[4], p.short_message[5]], [5, 0, 3, r.parts.length, i + 1]);
      assert.ok(p.short_message.length <= 6 + 153);
      assert.ok(p.short_message.subarray(6).every((b) => b < 0x80));
      joined += decodeGsm7(p.short_message.subarray(6));
    });
    assert.equal(joined, text);
  }
});

test('deliver_sm for receipts: esm_class 0x04, Appendix B text, TLVs only for a 3.4 ESME; bad items are refused', () => {
  const item: DeliverItem = {
    id: 'r1',
    kind: 'receipt',
    source: { ton: 1, npi: 1, addr: '4917000001' },
    dest: { ton: 1, npi: 1, addr: '4930123456' },
    text: 'ignored',
    receipt: { messageId: 'abc123', stat: 'REJECTD', err: 8, submitDate: NOW, doneDate: NOW, text: 'orig' },
  };
  const r = buildDeliverSms(item, opts);
  assert.ok(r.ok);
  const f = r.parts[0]!;
  assert.equal(f.esm_class, 4);
  assert.equal(decodeGsm7(f.short_message), 'id:abc123 sub:001 dlvrd:000 submit date:2506151200 done date:2506151200 stat:REJECTD err:008 text:orig');
  assert.equal(f.receipted_message_id, 'abc123');
  assert.equal(f.message_state, 8);
  const v33 = buildDeliverSms(item, { tlvs: false, nextRef: () => 1 });
  assert.ok(v33.ok && v33.parts[0]!.receipted_message_id === undefined && v33.parts[0]!.message_state === undefined);
  // the fields encode with the library codec and decode back
  const d = decodePdu(encodePdu('deliver_sm', 9, f as unknown as Record<string, unknown>));
  assert.ok(d.ok && d.pdu.receipted_message_id === 'abc123' && d.pdu.message_state === 8 && d.pdu.esm_class === 4);

  assert.ok(!buildDeliverSms({ ...item, receipt: undefined }, opts).ok);
  assert.ok(!buildDeliverSms({ ...item, source: { ton: 1, npi: 1, addr: '1'.repeat(21) } }, opts).ok);
  assert.ok(!buildDeliverSms({ ...item, dest: { ton: 300, npi: 1, addr: '1' } }, opts).ok);
  assert.ok(!buildDeliverSms({ ...item, kind: 'other' as 'mo' }, opts).ok);
});
