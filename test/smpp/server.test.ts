/**
 * SmscServer over loopback TCP with the in-memory backend, driven by a raw-socket ESME: binds, submits
 * of every form, deliveries through notify() with ack / nack / timeout, query_sm, enquire_link,
 * unbind, window and rate limits, fault isolation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2 } from '../../src/gsm/index.js';
import { Status } from '../../src/smpp/status.js';
import { RawEsme, submitFields } from './helpers/raw-esme.js';
import { startSmsc } from './helpers/start.js';

const gsm = (s: string): Buffer => Buffer.from(encodeGsm7(s)!);
const ucs2 = (s: string): Buffer => Buffer.from(encodeUcs2(s));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('bind as transmitter, receiver and transceiver; sessions() lists them', async () => {
  const { server, port, stop } = await startSmsc();
  try {
    const esmes: RawEsme[] = [];
    for (const mode of ['transmitter', 'receiver', 'transceiver'] as const) {
      const e = await RawEsme.open({ port });
      esmes.push(e);
      const r = await e.bind(mode);
      assert.equal(r.command, `bind_${mode}_resp`);
      assert.equal(r.command_status, 0);
      assert.equal(r.system_id, 'cellgate');
      assert.equal(r.sc_interface_version, 0x34);
    }
    const list = server.sessions();
    assert.deepEqual(list.map((s) => s.mode).sort(), ['receiver', 'transceiver', 'transmitter']);
    for (const s of list) {
      assert.equal(s.systemId, 'esme');
      assert.match(s.remote, /^127\.0\.0\.1:\d+$/);
      assert.ok(s.boundAt > 0);
      assert.deepEqual(s.counters, { submitted: 0, rejected: 0, throttled: 0, delivered: 0, deliverFailed: 0, nacked: 0 });
    }
    assert.equal(server.stats().bound, 3);
    for (const e of esmes) e.destroy();
  } finally {
    await stop();
  }
});

test('wrong password, unknown system_id, double bind; a connection is closed after 3 failed binds', async () => {
  const { server, port, backend, stop } = await startSmsc();
  try {
    const e = await RawEsme.open({ port });
    assert.equal((await e.bind('transceiver', 'esme', 'wrong')).command_status, Status.ESME_RINVPASWD);
    assert.equal((await e.bind('transceiver', 'nobody', 'secret')).command_status, Status.ESME_RINVSYSID);
    assert.equal(e.closed, false);
    assert.equal((await e.bind('transceiver', 'esme', 'secret')).command_status, 0);
    // §4.1: a second bind on a bound session
    const again = await e.bind('transmitter');
    assert.equal(again.command, 'bind_transmitter_resp');
    assert.equal(again.command_status, Status.ESME_RALYBND);
    e.destroy();

    const f = await RawEsme.open({ port });
    for (let i = 0; i < 3; i++) assert.equal((await f.bind('transmitter', 'esme', 'bad')).command_status, Status.ESME_RINVPASWD);
    await f.waitClosed();
    assert.equal(server.stats().totals.bindFailures, 5);
    assert.equal(backend.authCalls.length, 6);
  } finally {
    await stop();
  }
});

test('PDUs not allowed in the session state get ESME_RINVBNDSTS; enquire_link needs a bind', async () => {
  const { port, stop } = await startSmsc();
  try {
    const e = await RawEsme.open({ port });
    assert.equal((await e.call('submit_sm', submitFields({ short_message: gsm('x') }))).command_status, Status.ESME_RINVBNDSTS);
    assert.equal((await e.call('enquire_link')).command_status, Status.ESME_RINVBNDSTS);
    assert.equal((await e.call('unbind')).command_status, Status.ESME_RINVBNDSTS);
    await e.bind('receiver');
    const s = await e.call('submit_sm', submitFields({ short_message: gsm('x') }));
    assert.equal(s.command, 'submit_sm_resp');
    assert.equal(s.command_status, Status.ESME_RINVBNDSTS);
    assert.equal((await e.call('query_sm', { message_id: '1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' })).command_status, Status.ESME_RINVBNDSTS);
    // deliver_sm only goes SMSC -> ESME
    const d = await e.call('deliver_sm', submitFields({ short_message: gsm('x') }));
    assert.equal(d.command, 'deliver_sm_resp');
    assert.equal(d.command_status, Status.ESME_RINVBNDSTS);
    // outbind has no response PDU: generic_nack
    const o = await e.call('outbind', { system_id: 'x', password: 'y' });
    assert.equal(o.command, 'generic_nack');
    assert.equal(o.command_status, Status.ESME_RINVBNDSTS);
    assert.equal((await e.call('enquire_link')).command_status, 0);
    e.destroy();
  } finally {
    await stop();
  }
});

test('submit_sm: GSM 7-bit unpacked, UCS2, Kannel-style UDH parts, SAR TLVs, message_payload', async () => {
  const { backend, port, stop } = await startSmsc();
  try {
    const e = await RawEsme.open({ port });
    await e.bind('transmitter');
    const r1 = await e.call('submit_sm', submitFields({ short_message: Buffer.from('0001', 'hex'), registered_delivery: 0x11, esm_class: 3 }));
    assert.equal(r1.command_status, 0);
    assert.match(String(r1.message_id), /^\d+$/);
    const r2 = await e.call('submit_sm', submitFields({ short_message: gsm('Hello via Kannel SMPP @£€ {x}'), esm_class: 3 }));
    assert.equal(r2.command_status, 0);
    const r3 = await e.call('submit_sm', submitFields({ data_coding: 8, short_message: ucs2('Привет 你好 😀') }));
    assert.equal(r3.command_status, 0);

    const long = 'A'.repeat(153) + 'B'.repeat(47);
    for (const [i, part] of [long.slice(0, 153), long.slice(153)].entries()) {
      const udh = Buffer.from([5, 0, 3, 0x2a, 2, i + 1]);
      const r = await e.call('submit_sm', submitFields({ esm_class: 0x43, short_message: Buffer.concat([udh, gsm(part)]) }));
      assert.equal(r.command_status, 0);
    }
    // 16-bit reference UDH with UCS2
    const r4 = await e.call('submit_sm', submitFields({ esm_class: 0x40, data_coding: 8, short_message: Buffer.concat([Buffer.from('060804123403' + '02', 'hex'), ucs2('Teil zwei')]) }));
    assert.equal(r4.command_status, 0);
    const r5 = await e.call('submit_sm', submitFields({ short_message: gsm('sar part 1'), sar_msg_ref_num: 0x1234, sar_total_segments: 3, sar_segment_seqnum: 1 }));
    assert.equal(r5.command_status, 0);
    const big = 'Long text in message_payload. '.repeat(40);
    const r6 = await e.call('submit_sm', submitFields({ short_message: Buffer.alloc(0), message_payload: gsm(big) }));
    assert.equal(r6.command_status, 0);
    const hugeUcs2 = 'ж'.repeat(30_000); // 60,000 octets: more than the library's own 16384 limit
    const r7 = await e.call('submit_sm', submitFields({ data_coding: 8, message_payload: ucs2(hugeUcs2) }));
    assert.equal(r7.command_status, 0);
    const r8 = await e.call('data_sm', {
      service_type: '', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'Shop', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4917000003',
      esm_class: 0, registered_delivery: 1, data_coding: 0, message_payload: gsm('data_sm text'), qos_time_to_live: 3600,
    });
    assert.equal(r8.command, 'data_sm_resp');
    assert.equal(r8.command_status, 0);

    const s = backend.submits;
    assert.equal(s.length, 10);
    assert.equal(s[0]!.text, '@£');
    assert.equal(s[0]!.registeredDelivery, 0x11);
    assert.equal(s[0]!.dataCoding, 0);
    assert.deepEqual(s[0]!.source, { ton: 1, npi: 1, addr: '4930123456' });
    assert.deepEqual(s[0]!.dest, { ton: 1, npi: 1, addr: '4917000001' });
    assert.equal(s[1]!.text, 'Hello via Kannel SMPP @£€ {x}');
    assert.equal(s[2]!.text, 'Привет 你好 😀');
    assert.equal(s[2]!.dataCoding, 8);
    assert.deepEqual([s[3]!.concat, s[4]!.concat], [{ ref: 0x2a, total: 2, seq: 1 }, { ref: 0x2a, total: 2, seq: 2 }]);
    assert.equal(s[3]!.text + s[4]!.text, long);
    assert.equal(s[3]!.concatSource, 'udh');
    assert.deepEqual(s[5]!.concat, { ref: 0x1234, total: 3, seq: 2 });
    assert.equal(s[5]!.text, 'Teil zwei');
    assert.deepEqual(s[6]!.concat, { ref: 0x1234, total: 3, seq: 1 });
    assert.equal(s[6]!.concatSource, 'sar');
    assert.equal(s[7]!.text, big);
    assert.equal(s[7]!.concat, null);
    assert.equal(s[8]!.text, hugeUcs2);
    assert.equal(s[9]!.command, 'data_sm');
    assert.equal(s[9]!.text, 'data_sm text');
    assert.deepEqual(s[9]!.source, { ton: 5, npi: 0, addr: 'Shop' });
    assert.ok(Math.abs(s[9]!.expiresAt! - (Date.now() + 3600_000)) < 5000);
    assert.equal(s[0]!.session.systemId, 'esme');
    assert.equal(s[0]!.sequence, r1.sequence_number);
    e.destroy();
  } finally {
    await stop();
  }
});

test('submit_sm refused: data_coding, bad septets, payload plus short_message, bad times, empty destination', async () => {
  const { backend, server, port, stop } = await startSmsc();
  try {
    const e = await RawEsme.open({ port });
    await e.bind('transceiver');
    const cases: [Record<string, unknown>, number][] = [
      [{ data_coding: 4, short_message: Buffer.from([1, 2, 3]) }, Status.ESME_RSUBMITFAIL],
      [{ data_coding: 1, short_message: Buffer.from('Grüße', 'latin1') }, Status.ESME_RSUBMITFAIL],
      [{ data_coding: 0, short_message: Buffer.from([0x48, 0xc8]) }, Status.ESME_RSUBMITFAIL],
      [{ data_coding: 8, short_message: Buffer.from([0, 0x41, 0]) }, Status.ESME_RSUBMITFAIL],
      [{ short_message: gsm('x'), message_payload: gsm('y') }, Status.ESME_ROPTPARNOTALLWD],
      [{ short_message: gsm('x'), validity_period: '991399000000000+' }, Status.ESME_RINVEXPIRY],
      [{ short_message: gsm('x'), validity_period: '010101000000000+' }, Status.ESME_RINVEXPIRY],
      [{ short_message: gsm('x'), schedule_delivery_time: 'tomorrow' }, Status.ESME_RINVSCHED],
      [{ short_message: gsm('x'), destination_addr: '' }, Status.ESME_RINVDSTADR],
      [{ esm_class: 0x40, short_message: Buffer.from([9, 0, 3, 1]) }, Status.ESME_RINVESMCLASS],
      [{ esm_class: 0x08, short_message: gsm('ack') }, Status.ESME_RINVESMCLASS],
      [{ short_message: gsm('x'), sar_msg_ref_num: 1 }, Status.ESME_RMISSINGOPTPARAM],
    ];
    for (const [fields, status] of cases) {
      const r = await e.call('submit_sm', submitFields(fields));
      assert.equal(r.command_status, status, JSON.stringify(fields));
      assert.equal(r.message_id, undefined, 'error responses carry no body');
    }
    assert.equal(backend.submits.length, 0);
    assert.equal(server.sessions()[0]!.counters.rejected, cases.length);
    // the session still works
    assert.equal((await e.call('submit_sm', submitFields({ short_message: gsm('fine'), validity_period: '000001000000000R' }))).command_status, 0);
    assert.ok(Math.abs(backend.submits[0]!.expiresAt! - (Date.now() + 86_400_000)) < 5000);
    e.destroy();
  } finally {
    await stop();
  }
});

test('submits are concurrent: responses go out as the backend resolves them, not in order', async () => {
  const { backend, port, stop } = await startSmsc();
  try {
    const gates = new Map<string, () => void>();
    backend.submitHook = (req) => new Promise((resolve) => gates.set(req.text, () => resolve(undefined)));
    const e = await RawEsme.open({ port });
    await e.bind('transmitter');
    const seqs = ['first', 'second', 'third'].map((t) => e.request('submit_sm', submitFields({ short_message: gsm(t) })));
    await backend.waitFor(() => gates.size === 3, 2000, 'three submits in the backend at once');
    gates.get('third')!();
    await e.response(seqs[2]!);
    gates.get('first')!();
    await e.response(seqs[0]!);
    gates.get('second')!();
    await e.response(seqs[1]!);
    const order = e.received.filter((p) => p.command === 'submit_sm_resp').map((p) => p.sequence_number);
    assert.deepEqual(order, [seqs[2], seqs[0], seqs[1]]);
    e.destroy();
  } finally {
    await stop();
  }
});

test('window: beyond windowSize submits in progress, ESME_RTHROTTLED; backend statuses pass through', async () => {
  const { backend, server, port, stop } = await startSmsc({ windowSize: 5 });
  try {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    backend.submitHook = async (req) => {
      if (req.text === 'full') return { ok: false, status: Status.ESME_RMSGQFUL, reason: 'queue full' };
      await gate;
      return undefined;
    };
    const e = await RawEsme.open({ port });
    await e.bind('transmitter');
    const seqs = Array.from({ length: 8 }, (_, i) => e.request('submit_sm', submitFields({ short_message: gsm(`m${i}`) })));
    for (const s of seqs.slice(5)) assert.equal((await e.response(s)).command_status, Status.ESME_RTHROTTLED);
    assert.equal(server.sessions()[0]!.submitsInFlight, 5);
    release();
    for (const s of seqs.slice(0, 5)) assert.equal((await e.response(s)).command_status, 0);
    assert.equal((await e.call('submit_sm', submitFields({ short_message: gsm('full') }))).command_status, Status.ESME_RMSGQFUL);
    const c = server.sessions()[0]!.counters;
    assert.equal(c.submitted, 5);
    assert.equal(c.throttled, 4);
    e.destroy();
  } finally {
    await stop();
  }
});

test('rate limit per account (shared by its sessions): ESME_RTHROTTLED beyond maxSubmitsPerSecond', async () => {
  const { port, stop } = await startSmsc({ maxSubmitsPerSecond: 4 });
  try {
    const a = await RawEsme.open({ port });
    const b = await RawEsme.open({ port });
    await a.bind('transmitter');
    await b.bind('transceiver');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.call('submit_sm', submitFields({ short_message: gsm(`a${i}`) }))).command_status);
    for (let i = 0; i < 2; i++) statuses.push((await b.call('submit_sm', submitFields({ short_message: gsm(`b${i}`) }))).command_status);
    assert.deepEqual(statuses, [0, 0, 0, 0, Status.ESME_RTHROTTLED, Status.ESME_RTHROTTLED]);
    await sleep(600); // refills about 2 tokens
    assert.equal((await b.call('submit_sm', submitFields({ short_message: gsm('later') }))).command_status, 0);
    a.destroy();
    b.destroy();
  } finally {
    await stop();
  }
});

test('delivery receipt and MO texts through notify(): deliver_sm fields, ack -> delivered()', async () => {
  const { server, backend, port, stop } = await startSmsc({ receiptZone: 'utc' });
  try {
    backend.onReceiptQueued = () => server.notify();
    const e = await RawEsme.open({ port });
    await e.bind('transceiver');
    const r = await e.call('submit_sm', submitFields({ short_message: gsm('Hello receipt text which is long'), registered_delivery: 1 }));
    const rcpt = await e.waitFor((p) => p.command === 'deliver_sm', 3000, 'receipt');
    assert.equal(rcpt.esm_class, 0x04);
    assert.equal(rcpt.data_coding, 0);
    assert.equal(rcpt.source_addr, '4917000001');
    assert.equal(rcpt.destination_addr, '4930123456');
    const text = decodeGsm7(rcpt.short_message as Buffer);
    assert.match(text, new RegExp(`^id:${r.message_id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:Hello receipt text w$`));
    assert.equal(rcpt.receipted_message_id, r.message_id);
    assert.equal(rcpt.message_state, 2);
    await backend.waitFor(() => backend.deliveredItems.length === 1, 2000, 'delivered()');

    backend.addMo('esme', 'MO GSM @£$');
    backend.addMo('esme', 'MO UCS2 Привет 你好');
    const longText = 'Long MO. '.repeat(30);
    backend.addMo('esme', longText);
    backend.addMo('esme', 'Ünïcödé ☃ '.repeat(20), { split: 'udh' });
    backend.addMo('other', 'not for this account');
    server.notify();
    server.notify(); // coalesced
    await backend.waitFor(() => backend.deliveredItems.length === 5, 3000, 'MO delivered');
    const mos = e.received.filter((p) => p.command === 'deliver_sm' && p.esm_class !== 4);
    assert.equal(mos.length, 2 + 1 + 3); // 200 UCS2 units: 67 + 67 + 66
    assert.equal(mos[0]!.data_coding, 0);
    assert.equal((mos[0]!.short_message as Buffer).toString('hex'), Buffer.from(encodeGsm7('MO GSM @£$')!).toString('hex'));
    assert.equal(mos[1]!.data_coding, 8);
    assert.equal(decodeUcs2(mos[1]!.short_message as Buffer), 'MO UCS2 Привет 你好');
    assert.equal((mos[2]!.short_message as Buffer).length, 0);
    assert.equal(decodeGsm7(mos[2]!.message_payload as Buffer), longText);
    const parts = mos.slice(3);
    const texts = parts.map((p) => {
      const sm = p.short_message as Buffer;
      assert.equal(p.esm_class, 0x40);
      assert.equal(p.data_coding, 8);
      assert.deepEqual([...sm.subarray(0, 3)], [5, 0, 3]);
      assert.equal(sm[4], 3);
      return { seq: sm[5]!, ref: sm[3]!, text: decodeUcs2(sm.subarray(6)) };
    });
    assert.equal(new Set(texts.map((t) => t.ref)).size, 1);
    assert.equal(texts.sort((x, y) => x.seq - y.seq).map((t) => t.text).join(''), 'Ünïcödé ☃ '.repeat(20));
    assert.equal(backend.items.size, 1, 'the other account\'s item stays pending');
    assert.equal(server.sessions()[0]!.counters.delivered, 5);
    e.destroy();
  } finally {
    await stop();
  }
});

test('a negative deliver_sm_resp puts the item back; it is delivered again after retryDelayMs', async () => {
  const { server, backend, port, stop } = await startSmsc({ retryDelayMs: 150 });
  try {
    const e = await RawEsme.open({ port, deliverStatus: Status.ESME_RX_T_APPN });
    await e.bind('receiver');
    const id = backend.addMo('esme', 'retry me');
    server.notify();
    await backend.waitFor(() => backend.failures.length >= 1, 2000, 'deliveryFailed');
    assert.equal(backend.failures[0]!.itemId, id);
    assert.match(backend.failures[0]!.reason, /ESME_RX_T_APPN/);
    e.deliverStatus = 0;
    await backend.waitFor(() => backend.deliveredItems.length === 1, 3000, 'redelivery');
    const sent = e.received.filter((p) => p.command === 'deliver_sm');
    assert.ok(sent.length >= 2);
    assert.ok(sent.every((p) => decodeGsm7(p.short_message as Buffer) === 'retry me'));
    assert.equal(server.sessions()[0]!.counters.deliverFailed, backend.failures.length);
    e.destroy();
  } finally {
    await stop();
  }
});

test('a deliver_sm not answered in time goes back and is redelivered; N timeouts in a row close the session', async () => {
  const { server, backend, port, stop } = await startSmsc({ responseTimeoutMs: 200, retryDelayMs: 50, maxConsecutiveTimeouts: 3 });
  try {
    const e = await RawEsme.open({ port, deliverStatus: null });
    await e.bind('transceiver');
    backend.addMo('esme', 'slow');
    server.notify();
    await backend.waitFor(() => backend.failures.length === 1, 2000, 'timeout');
    assert.match(backend.failures[0]!.reason, /no deliver_sm_resp within 200 ms/);
    e.deliverStatus = 0;
    await backend.waitFor(() => backend.deliveredItems.length === 1, 2000, 'redelivered');
    assert.equal(server.stats().totals.deliverTimeouts, 1);

    const f = await RawEsme.open({ port, deliverStatus: null });
    await f.bind('receiver');
    e.destroy();
    backend.addMo('esme', 'one');
    backend.addMo('esme', 'two');
    server.notify();
    await f.waitClosed(5000);
    assert.ok(server.stats().totals.deliverTimeouts >= 4);
    // all items are back in the pool after the close
    assert.equal(backend.items.size, 2);
  } finally {
    await stop();
  }
});

test('query_sm: state of a submitted message; unknown id -> ESME_RQUERYFAIL', async () => {
  const { backend, port, stop } = await startSmsc();
  try {
    const e = await RawEsme.open({ port });
    await e.bind('transceiver');
    const r = await e.call('submit_sm', submitFields({ short_message: gsm('q') }));
    const q = await e.call('query_sm', { message_id: r.message_id, source_addr_ton: 1, source_addr_npi: 1, source_addr: '4930123456' });
    assert.equal(q.command_status, 0);
    assert.equal(q.message_id, r.message_id);
    assert.equal(q.message_state, 6);
    assert.equal(q.final_date, '');
    backend.messages.get(String(r.message_id))!.state = 2;
    backend.messages.get(String(r.message_id))!.finalDate = Date.UTC(2025, 0, 2, 3, 4, 5, 600);
    const q2 = await e.call('query_sm', { message_id: r.message_id, source_addr_ton: 1, source_addr_npi: 1, source_addr: '' });
    assert.equal(q2.message_state, 2);
    assert.equal(q2.final_date, '250102030405600+');
    assert.equal((await e.call('query_sm', { message_id: 'nope', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' })).command_status, Status.ESME_RQUERYFAIL);
    assert.equal((await e.call('query_sm', { message_id: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' })).command_status, Status.ESME_RINVMSGID);
    e.destroy();
  } finally {
    await stop();
  }
});

test('enquire_link both ways; an ESME that does not answer enquire_link is closed', async () => {
  const { port, stop } = await startSmsc({ enquireLinkIntervalMs: 100, responseTimeoutMs: 300 });
  try {
    const e = await RawEsme.open({ port });
    await e.bind('transmitter');
    assert.equal((await e.call('enquire_link')).command, 'enquire_link_resp');
    await e.waitFor((p) => p.command === 'enquire_link', 2000, 'enquire_link from the SMSC');
    await sleep(500);
    assert.equal(e.closed, false, 'answering ESME stays bound');

    const mute = await RawEsme.open({ port, answerEnquireLink: false });
    await mute.bind('receiver');
    await mute.waitFor((p) => p.command === 'enquire_link', 2000, 'enquire_link');
    await mute.waitClosed(2000);
    e.destroy();
  } finally {
    await stop();
  }
});

test('unbind: submits in progress are answered first, then unbind_resp, then the connection closes', async () => {
  const { backend, server, port, stop } = await startSmsc();
  try {
    backend.submitHook = async () => {
      await sleep(150);
      return undefined;
    };
    const e = await RawEsme.open({ port });
    await e.bind('transceiver');
    const s = e.request('submit_sm', submitFields({ short_message: gsm('before unbind') }));
    const u = e.request('unbind');
    // a request after unbind is refused
    const late = e.request('submit_sm', submitFields({ short_message: gsm('after unbind') }));
    assert.equal((await e.response(late)).command_status, Status.ESME_RINVBNDSTS);
    await e.response(u);
    const order = e.received.filter((p) => p.command.endsWith('_resp')).map((p) => p.sequence_number);
    assert.ok(order.indexOf(s) < order.indexOf(u), 'submit_sm_resp before unbind_resp');
    await e.waitClosed();
    await backend.waitFor(() => backend.closedSessions.length === 1, 1000, 'sessionClosed');
    assert.equal(server.stats().connections, 0);
  } finally {
    await stop();
  }
});

test('server.close() unbinds bound ESMEs; connections that never bind are closed by the bind timer', async () => {
  const { server, port } = await startSmsc({ bindTimeoutMs: 200 });
  const idle = await RawEsme.open({ port });
  await idle.waitClosed(2000);
  const e = await RawEsme.open({ port });
  await e.bind('receiver');
  await server.close();
  assert.ok(e.received.some((p) => p.command === 'unbind'));
  await e.waitClosed();
});

test('unknown command ids get generic_nack ESME_RINVCMDID and the session goes on; a bad command_length closes it', async () => {
  const { server, port, stop } = await startSmsc();
  try {
    const e = await RawEsme.open({ port });
    await e.bind('transmitter');
    const raw = Buffer.alloc(16);
    raw.writeUInt32BE(16, 0);
    raw.writeUInt32BE(0x00000099, 4);
    raw.writeUInt32BE(77, 12);
    e.write(raw);
    const nack = await e.waitFor((p) => p.command === 'generic_nack', 2000, 'generic_nack');
    assert.equal(nack.command_status, Status.ESME_RINVCMDID);
    assert.equal(nack.sequence_number, 77);
    // SMPP 5.0 broadcast_sm is unknown to a 3.4 SMSC
    raw.writeUInt32BE(0x00000111, 4);
    raw.writeUInt32BE(78, 12);
    e.write(raw);
    assert.equal((await e.waitFor((p) => p.sequence_number === 78, 2000)).command_status, Status.ESME_RINVCMDID);
    // submit_multi / cancel_sm / replace_sm are known but not supported
    assert.equal((await e.call('submit_multi', { ...submitFields({ short_message: gsm('m') }), dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '49170' }] })).command_status, Status.ESME_RSUBMITFAIL);
    assert.equal((await e.call('cancel_sm', { service_type: '', message_id: '1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '' })).command_status, Status.ESME_RCANCELFAIL);
    assert.equal((await e.call('enquire_link')).command_status, 0);
    const bad = Buffer.alloc(16);
    bad.writeUInt32BE(100_000, 0);
    bad.writeUInt32BE(4, 4);
    bad.writeUInt32BE(99, 12);
    e.write(bad);
    const n2 = await e.waitFor((p) => p.command === 'generic_nack' && p.sequence_number === 99, 2000, 'generic_nack for command_length');
    assert.equal(n2.command_status, Status.ESME_RINVCMDLEN);
    await e.waitClosed();
    assert.equal(server.stats().totals.framingErrors, 1);
  } finally {
    await stop();
  }
});

test('an exception in a backend handler closes that session only; the server keeps serving', async () => {
  const { server, backend, port, stop } = await startSmsc();
  try {
    const good = await RawEsme.open({ port });
    await good.bind('transmitter');
    const victim = await RawEsme.open({ port });
    await victim.bind('receiver');
    backend.throwIn = 'pending';
    server.notify();
    await victim.waitClosed();
    backend.throwIn = 'authenticate';
    const t = await RawEsme.open({ port });
    assert.equal((await t.bind('transmitter')).command_status, Status.ESME_RBINDFAIL);
    backend.throwIn = 'query';
    const q = good.request('query_sm', { message_id: 'x', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' });
    await good.waitClosed().catch(() => undefined);
    assert.ok(good.closed, `query exception closes the session (response ${q})`);
    backend.throwIn = null;
    assert.equal(server.stats().totals.handlerErrors, 2);
    const fresh = await RawEsme.open({ port });
    assert.equal((await fresh.bind('transceiver')).command_status, 0);
    assert.equal((await fresh.call('submit_sm', submitFields({ short_message: gsm('still alive') }))).command_status, 0);
    fresh.destroy();
    t.destroy();
  } finally {
    await stop();
  }
});

test('an ESME bound with interface_version 0x33 gets no TLVs: long MO as UDH parts, receipts without TLVs', async () => {
  const { server, backend, port, stop } = await startSmsc();
  try {
    backend.onReceiptQueued = () => server.notify();
    const e = await RawEsme.open({ port });
    const b = await e.bind('transceiver', 'esme', 'secret', { interface_version: 0x33 });
    assert.equal(b.sc_interface_version, undefined);
    await e.call('submit_sm', submitFields({ short_message: gsm('x'), registered_delivery: 1 }));
    backend.addMo('esme', 'x'.repeat(200));
    await backend.waitFor(() => backend.deliveredItems.length === 2, 3000, 'deliveries');
    const ds = e.received.filter((p) => p.command === 'deliver_sm');
    assert.equal(ds.length, 3);
    assert.equal(ds[0]!.receipted_message_id, undefined);
    assert.deepEqual(ds.slice(1).map((p) => p.esm_class), [0x40, 0x40]);
    e.destroy();
  } finally {
    await stop();
  }
});

test('pollIntervalMs: deliveries are pulled on a timer too, without notify()', async () => {
  const { backend, port, stop } = await startSmsc({ pollIntervalMs: 50 });
  try {
    const e = await RawEsme.open({ port });
    await e.bind('receiver');
    backend.addMo('esme', 'polled');
    await backend.waitFor(() => backend.deliveredItems.length === 1, 2000, 'polled delivery');
    assert.equal(decodeGsm7(e.received.find((p) => p.command === 'deliver_sm')!.short_message as Buffer), 'polled');
    e.destroy();
  } finally {
    await stop();
  }
});
