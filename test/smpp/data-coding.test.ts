/**
 * data_coding 1 (IA5/ASCII) and 3 (Latin 1) on submit_sm and data_sm (SMPP 3.4 §5.2.19): accepted as
 * text, in short_message, in message_payload and in UDH parts; IA5 octets above 0x7F refused with a
 * reason; GSM 03.38 septets labelled 1 (the node `smpp` client's default) read as GSM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import smpp from 'smpp';
import { encodeGsm7, planText } from '../../src/gsm/index.js';
import { decodePdu } from '../../src/smpp/codec.js';
import { decodeSubmitText } from '../../src/smpp/data-coding.js';
import { submitToRequest } from '../../src/smpp/message.js';
import { Status } from '../../src/smpp/status.js';
import { NOW, session, submit } from './helpers/submit-pdu.js';

function textOf(fields: Record<string, unknown>, command = 'submit_sm'): { text: string; dataCoding: number } {
  const r = submitToRequest(submit(fields, command), session, NOW);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return { text: r.request.text, dataCoding: r.request.dataCoding };
}

test('data_coding 1: ASCII text is accepted, and goes out as GSM 7-bit, or UCS2 for a character GSM lacks', () => {
  const ascii = 'Order #42: {ok} [x] a~b \\ ^ | $5 @home_now';
  const r = textOf({ data_coding: 1, short_message: Buffer.from(ascii, 'ascii') });
  assert.deepEqual(r, { text: ascii, dataCoding: 1 });
  assert.equal(planText(r.text).encoding, 'gsm7');
  const backtick = textOf({ data_coding: 1, short_message: Buffer.from('run `ls`', 'ascii') });
  assert.equal(backtick.text, 'run `ls`');
  assert.equal(planText(backtick.text).encoding, 'ucs2', '` is not in GSM 03.38');
  // line breaks are the same in both alphabets
  assert.equal(textOf({ data_coding: 1, short_message: Buffer.from('a\r\nb', 'ascii') }).text, 'a\r\nb');
});

test('data_coding 1: an octet above 0x7F is not IA5 and is refused with a reason, not a crash', () => {
  const r = submitToRequest(submit({ data_coding: 1, short_message: Buffer.from('Grüße', 'latin1') }), session, NOW);
  assert.ok(!r.ok);
  assert.equal(r.status, Status.ESME_RSUBMITFAIL);
  assert.match(r.reason, /data_coding 1 \(IA5\/ASCII\) but octet 2 is 0xfc/);
  const p = submitToRequest(submit({ data_coding: 1, short_message: Buffer.alloc(0), message_payload: Buffer.from([0x41, 0xff]) }), session, NOW);
  assert.ok(!p.ok && p.status === Status.ESME_RSUBMITFAIL && /octet 1 is 0xff/.test(p.reason));
  for (let b = 0x80; b <= 0xff; b++) assert.equal(decodeSubmitText(1, Uint8Array.of(0x41, b)).ok, false, `0x${b.toString(16)}`);
});

test('data_coding 1 holding GSM 03.38 septets (the node smpp client): read as GSM when a GSM-only octet shows it', () => {
  const text = 'Preis: 5€ @ Müller_Straße {ok}';
  const septets = Buffer.from(encodeGsm7(text)!);
  assert.deepEqual(textOf({ data_coding: 1, short_message: septets }), { text, dataCoding: 1 });
  // exactly what the node smpp library puts in a submit_sm when no data_coding is given
  const pdu = new smpp.PDU('submit_sm', { destination_addr: '491', short_message: text });
  const raw = pdu.toBuffer();
  const d = decodePdu(raw);
  assert.ok(d.ok);
  assert.equal(d.pdu.data_coding, 1, 'the node smpp client labels GSM text as data_coding 1');
  const r = submitToRequest(d.pdu, session, NOW);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.request.text, text);
});

test('data_coding 3: Latin 1 in short_message, in message_payload, in UDH parts and in data_sm', () => {
  const latin = 'Grüße aus Zürich, ça coûte 5 £ – no';
  const body = Buffer.from(latin.replace('–', '-'), 'latin1');
  assert.deepEqual(textOf({ data_coding: 3, short_message: body }), { text: latin.replace('–', '-'), dataCoding: 3 });
  assert.equal(planText('Grüße').encoding, 'gsm7', 'Latin 1 letters in GSM 03.38 go out as GSM 7-bit');
  assert.equal(planText('ça coûte').encoding, 'ucs2', 'û is not in GSM 03.38: UCS2');
  const long = 'Déjà vu. '.repeat(40);
  assert.equal(textOf({ data_coding: 3, short_message: Buffer.alloc(0), message_payload: Buffer.from(long, 'latin1') }).text, long);
  const part = textOf({ data_coding: 3, esm_class: 0x40, short_message: Buffer.concat([Buffer.from('0500030a0201', 'hex'), Buffer.from('Größe ', 'latin1')]) });
  assert.equal(part.text, 'Größe ');
  const r = submitToRequest(submit({ data_coding: 3, short_message: Buffer.from('Teil', 'latin1'), sar_msg_ref_num: 7, sar_total_segments: 2, sar_segment_seqnum: 2 }), session, NOW);
  assert.ok(r.ok && r.request.concat?.seq === 2 && r.request.text === 'Teil');
  const ds = textOf({ service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '491', esm_class: 0, registered_delivery: 0, data_coding: 3, message_payload: Buffer.from('Señor', 'latin1') }, 'data_sm');
  assert.deepEqual(ds, { text: 'Señor', dataCoding: 3 });
});

test('data_coding 1 in UDH parts and data_sm; other data codings are still refused', () => {
  const part = textOf({ data_coding: 1, esm_class: 0x40, short_message: Buffer.concat([Buffer.from('050003110201', 'hex'), Buffer.from('first half ', 'ascii')]) });
  assert.equal(part.text, 'first half ');
  const ds = textOf({ service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '491', esm_class: 0, registered_delivery: 0, data_coding: 1, message_payload: Buffer.from('data_sm ascii', 'ascii') }, 'data_sm');
  assert.equal(ds.text, 'data_sm ascii');
  for (const dc of [2, 4, 5, 6, 0xf0]) {
    const r = submitToRequest(submit({ data_coding: dc, short_message: Buffer.from('x') }), session, NOW);
    assert.ok(!r.ok && r.status === Status.ESME_RSUBMITFAIL && /is not supported/.test(r.reason), String(dc));
  }
});
