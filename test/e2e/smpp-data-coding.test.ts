/**
 * SMPP submits in data_coding 1 (IA5/ASCII) and 3 (Latin 1) through the whole daemon (demo mode, the
 * SMSC on): the node `smpp` client with its default encoding (it labels GSM 03.38 text data_coding 1),
 * explicit Latin 1, raw ASCII octets in short_message and in message_payload (a two-part SMS), and an
 * IA5 submit with an octet above 0x7F, which is refused with ESME_RSUBMITFAIL while the session goes on.
 * Every text reaches the destination SIM exactly; the outbox names the account (`smpp:1`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import smpp, { type PduInstance, type Session } from 'smpp';
import { startSmppDaemon, until, type SmppDaemon } from './helpers/smpp-daemon.js';

let s: SmppDaemon;
let esme: Session;

function call(cmd: string, fields: Record<string, unknown>): Promise<PduInstance> {
  return new Promise((resolve) => esme.send(new smpp.PDU(cmd, fields), resolve));
}

const ADDRESSES = { source_addr_ton: 1, source_addr_npi: 1, source_addr: '4930123456', dest_addr_ton: 1, dest_addr_npi: 1 };

describe('SMPP data_coding 1 and 3 through the daemon', { timeout: 90_000 }, () => {
  before(async () => {
    s = await startSmppDaemon({ accounts: [{ systemId: '1', password: 'secret' }] });
    esme = smpp.connect({ host: '127.0.0.1', port: s.smppPort });
    esme.on('enquire_link', (pdu: PduInstance) => esme.send(pdu.response()));
    esme.on('deliver_sm', (pdu: PduInstance) => esme.send(pdu.response()));
    await new Promise<void>((resolve, reject) => {
      esme.once('connect', resolve);
      esme.once('error', reject);
    });
    const b = await call('bind_transceiver', { system_id: '1', password: 'secret', interface_version: 0x34 });
    assert.equal(b.command_status, 0);
  });
  after(async () => {
    esme?.destroy();
    await s?.stop();
  });

  test('the node smpp client\'s default, Latin 1 and raw IA5 texts arrive exactly; IA5 with an 8-bit octet is refused and the session goes on', async () => {
    const to = s.lines[3]!;
    const dest = to.number.replace(/^\+/, '');
    const texts = {
      nodeDefault: 'node default: Grüße @ 5€ {ok} under_score',
      latin1: 'Latin 1: Señor, ça coûte 5 £',
      ascii: 'IA5: [brackets] a~b \\ ^ | $5 @home',
      payload: ('IA5 payload ' + 'abcdefghij'.repeat(20)).slice(0, 200),
    };

    // the library's default: no data_coding given, a text string
    const nd = await call('submit_sm', { ...ADDRESSES, destination_addr: dest, short_message: texts.nodeDefault });
    assert.equal(nd.command_status, 0, `0x${nd.command_status.toString(16)}`);
    const l1 = await call('submit_sm', { ...ADDRESSES, destination_addr: dest, data_coding: 3, short_message: texts.latin1 });
    assert.equal(l1.command_status, 0, `0x${l1.command_status.toString(16)}`);
    const ia5 = await call('submit_sm', { ...ADDRESSES, destination_addr: dest, data_coding: 1, short_message: Buffer.from(texts.ascii, 'ascii') });
    assert.equal(ia5.command_status, 0, `0x${ia5.command_status.toString(16)}`);
    const pl = await call('submit_sm', { ...ADDRESSES, destination_addr: dest, data_coding: 1, short_message: Buffer.alloc(0), message_payload: Buffer.from(texts.payload, 'ascii') });
    assert.equal(pl.command_status, 0, `0x${pl.command_status.toString(16)}`);

    const bad = await call('submit_sm', { ...ADDRESSES, destination_addr: dest, data_coding: 1, short_message: Buffer.from('caf\xe9', 'latin1') });
    assert.equal(bad.command_status, 0x45, 'ESME_RSUBMITFAIL: not IA5');
    const after = await call('submit_sm', { ...ADDRESSES, destination_addr: dest, data_coding: 1, short_message: Buffer.from('still bound', 'ascii') });
    assert.equal(after.command_status, 0, 'the session goes on');

    const want = [...Object.values(texts), 'still bound'];
    const received = await until(
      async () => {
        const r = (await s.simLog(to.imsi)).received;
        return want.every((t) => r.some((e) => e.text === t && e.partsSeen === e.parts)) ? r : null;
      },
      20_000,
      'the texts at the destination SIM',
      async () => JSON.stringify((await s.simLog(to.imsi)).received.map((e) => e.text)),
    );
    for (const t of want) assert.equal(received.filter((e) => e.text === t).length, 1, t);
    const enc = (t: string) => received.find((e) => e.text === t)!.encoding;
    assert.equal(enc(texts.nodeDefault), 'gsm7');
    assert.equal(enc(texts.ascii), 'gsm7');
    assert.equal(enc(texts.latin1), 'ucs2', 'û is not in the GSM alphabet');
    assert.equal(received.find((e) => e.text === texts.payload)!.parts, 2);

    const outbox = (await s.outbox()).filter((m) => m.origin === 'smpp');
    assert.equal(outbox.length, want.length);
    assert.ok(outbox.every((m) => m.client === 'smpp:1'), JSON.stringify(outbox.map((m) => m.client)));
  });
});
