/**
 * Net::SMPP 1.19 (Debian libnet-smpp-perl) against the SMSC: test/smpp/peers/net-smpp-esme.pl binds as a
 * transceiver, submits GSM 7-bit, UCS2, a long text as two UDH parts and one in message_payload, receives
 * MO deliver_sm (GSM, UCS2, message_payload) and a delivery receipt, and unbinds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeGsm7, decodeUcs2 } from '../../src/gsm/index.js';
import { repoRoot } from '../helpers/transcript.js';
import { netSmppAvailable, runNetSmpp } from './helpers/peers.js';
import { startSmsc } from './helpers/start.js';

const script = join(repoRoot(), 'test', 'smpp', 'peers', 'net-smpp-esme.pl');
const available = netSmppAvailable();

test('Net::SMPP transceiver: submits of every form, MO and receipt deliver_sm, unbind', { skip: available ? false : '`perl -MNet::SMPP -e1` fails: install libnet-smpp-perl', timeout: 60_000 }, async () => {
  const { server, backend, port, stop } = await startSmsc({}, [{ systemId: 'perltest', password: 'secret' }]);
  try {
    backend.onReceiptQueued = () => server.notify();
    const longMo = 'Long MO text. '.repeat(20);
    backend.addMo('perltest', 'MO GSM @£$');
    backend.addMo('perltest', 'MO UCS2 Привет 你好');
    backend.addMo('perltest', longMo);
    const r = await runNetSmpp(script, ['127.0.0.1', String(port), 'perltest', 'secret', '4', '15'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `perl exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'BOUND');
    const field = (line: string, k: string): string => new RegExp(`(?:^| )${k}=(\\S*)`).exec(line)?.[1] ?? '';

    // submit_sm_resp for all five, with the ids the backend gave
    const resps = lines.filter((l) => l.startsWith('SUBMIT_RESP'));
    assert.deepEqual(resps.map((l) => field(l, 'label')).sort(), ['gsm', 'payload', 'ucs2', 'udh1', 'udh2']);
    assert.ok(resps.every((l) => field(l, 'status') === '0'), resps.join('\n'));
    const ids = new Map(resps.map((l) => [field(l, 'label'), field(l, 'message_id')]));

    const s = backend.submits;
    assert.equal(s.length, 5);
    const byText = (t: string) => s.find((x) => x.text === t);
    assert.equal(byText('Hello from Net::SMPP @£€$')?.registeredDelivery, 1);
    assert.equal(byText('Grüße – Привет – 你好 €')?.dataCoding, 8);
    const parts = s.filter((x) => x.concat).sort((a, b) => a.concat!.seq - b.concat!.seq);
    assert.deepEqual(parts.map((x) => x.concat), [{ ref: 0x42, total: 2, seq: 1 }, { ref: 0x42, total: 2, seq: 2 }]);
    assert.equal(parts.map((x) => x.text).join(''), '0123456789'.repeat(20));
    assert.ok(byText('Payload text. '.repeat(21) + 'End of payload.'));
    assert.ok(s.every((x) => x.session.systemId === 'perltest' && x.session.mode === 'transceiver' && x.session.interfaceVersion === 0x34));

    // deliver_sm: three MO texts and the receipt for the GSM submit
    const delivers = lines.filter((l) => l.startsWith('DELIVER '));
    assert.equal(delivers.length, 4, r.stdout);
    const mo = delivers.filter((l) => field(l, 'esm_class') === '0');
    const text = (l: string): string => {
      const sm = Buffer.from(field(l, 'sm'), 'hex');
      const payload = Buffer.from(field(l, 'payload'), 'hex');
      const data = payload.length ? payload : sm;
      return field(l, 'data_coding') === '8' ? decodeUcs2(data) : decodeGsm7(data);
    };
    assert.deepEqual(mo.map(text).sort(), [longMo, 'MO GSM @£$', 'MO UCS2 Привет 你好'].sort());
    assert.ok(mo.every((l) => field(l, 'from') === '4917000009' && field(l, 'to') === '4930123456'));
    const receipt = delivers.find((l) => field(l, 'esm_class') === '4')!;
    assert.ok(receipt, r.stdout);
    assert.match(text(receipt), new RegExp(`^id:${ids.get('gsm')} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:Hello from Net::SMPP$`));
    assert.equal(field(receipt, 'receipted'), ids.get('gsm'));
    assert.equal(field(receipt, 'state'), '2');
    assert.equal(field(receipt, 'from'), '4917000001');

    assert.equal(lines.at(-1), 'UNBIND_RESP status=0');
    await backend.waitFor(() => backend.deliveredItems.length === 4, 3000, 'four items acknowledged');
    await backend.waitFor(() => backend.closedSessions.length === 1, 3000, 'session closed after unbind');
    assert.equal(server.stats().totals.handlerErrors, 0);
  } finally {
    await stop();
  }
});
