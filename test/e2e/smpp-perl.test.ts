/**
 * Acceptance (issue 5), Net::SMPP 1.19 (Debian libnet-smpp-perl) against the whole daemon in demo mode:
 * test/e2e/peers/net-smpp-e2e.pl binds as a transceiver to the SMSC and submits GSM 7-bit, UCS2, a long
 * text as two UDH parts and one in message_payload, all with registered_delivery 1, to the SIM of line 4.
 * Each message goes out through a simulated line and reaches that SIM in the simulated network with the
 * exact text (the UDH parts as one reassembled message); the network's status reports come back and the
 * script receives a DELIVRD receipt for every message_id it was given. SMS sent from the outside world to
 * lines 1 and 3 reach it as MO deliver_sm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeGsm7, decodeUcs2 } from '../../src/gsm/index.js';
import { repoRoot } from '../helpers/transcript.js';
import { netSmppAvailable, spawnGroup, stopGroup } from '../smpp/helpers/peers.js';
import { startSmppDaemon, until } from './helpers/smpp-daemon.js';

const script = join(repoRoot(), 'test', 'e2e', 'peers', 'net-smpp-e2e.pl');
const available = netSmppAvailable();

const TEXTS = {
  gsm: 'Perl e2e GSM @£€$ ok',
  ucs2: 'Perl e2e Grüße – Привет – 你好 €',
  udh: ('Perl UDH ' + '0123456789'.repeat(20)).slice(0, 200),
  payload: 'Perl payload. '.repeat(20) + 'End of payload.',
};
const MO_GSM = 'MO to line 1 from outside @£$';
const MO_LONG = 'Длинное сообщение снаружи: ' + 'текст '.repeat(20);

const field = (line: string, k: string): string => new RegExp(`(?:^| )${k}=(\\S*)`).exec(line)?.[1] ?? '';

/** The text of a deliver_sm line of the script's output (short_message or message_payload, GSM or UCS2). */
function textOf(l: string): string {
  const sm = Buffer.from(field(l, 'sm'), 'hex');
  const payload = Buffer.from(field(l, 'payload'), 'hex');
  const data = payload.length ? payload : sm;
  return field(l, 'data_coding') === '8' ? decodeUcs2(data) : decodeGsm7(data);
}

test(
  'Net::SMPP through the daemon: GSM, UCS2, UDH and message_payload submits reach the destination SIM, DELIVRD receipts come back, MO arrives',
  { skip: available ? false : '`perl -MNet::SMPP -e1` fails: install libnet-smpp-perl', timeout: 60_000 },
  async (t) => {
    const started = Date.now();
    const s = await startSmppDaemon({ accounts: [{ systemId: '1', password: 'secret', lines: [1, 2, 3] }] });
    t.after(() => s.stop());
    const [l1, , l3, l4] = s.lines as [(typeof s.lines)[0], (typeof s.lines)[0], (typeof s.lines)[0], (typeof s.lines)[0]];

    const child = spawnGroup('perl', [script, '127.0.0.1', String(s.smppPort), '1', 'secret', l4.number, '5', '2', '40'], { lifetimeS: 50 });
    t.after(() => stopGroup(child, 2000));
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const diag = (): string => `perl stdout:\n${out}\nperl stderr:\n${err}`;

    await until(() => out.startsWith('BOUND\n') || out.startsWith('BIND_FAILED'), 10_000, 'the script to bind', diag);
    assert.ok(out.startsWith('BOUND\n'), diag());
    // The outside world texts two of the account's lines while the submits are on their way.
    await s.smsFromOutside('+8613912345678', l1.number, MO_GSM);
    await s.smsFromOutside('+8613912345679', l3.number, MO_LONG);

    const code = await exited;
    assert.equal(code, 0, diag());
    const lines = out.trim().split('\n');

    // submit_sm_resp ESME_ROK for all five, each with a message id
    const resps = lines.filter((l) => l.startsWith('SUBMIT_RESP'));
    assert.deepEqual(resps.map((l) => field(l, 'label')).sort(), ['gsm', 'payload', 'ucs2', 'udh1', 'udh2'], diag());
    assert.ok(resps.every((l) => field(l, 'status') === '0' && field(l, 'message_id') !== ''), diag());
    const ids = new Map(resps.map((l) => [field(l, 'label'), field(l, 'message_id')]));
    assert.equal(new Set(ids.values()).size, 5, 'five distinct message ids');

    // Every message reached the SIM of line 4 with its exact text, the UDH parts as one message.
    const received = (await s.simLog(l4.imsi)).received;
    const got = (text: string) => received.find((r) => r.text === text);
    for (const [label, text] of Object.entries(TEXTS)) {
      const r = got(text);
      assert.ok(r, `${label} not received by the destination SIM; received: ${JSON.stringify(received.map((x) => x.text))}`);
      assert.equal(r.partsSeen, r.parts);
      assert.ok([l1.number, s.lines[1]!.number, l3.number].includes(r.peer), `${label} sent by ${r.peer}, not by a SIM of lines 1-3`);
    }
    assert.equal(got(TEXTS.ucs2)!.encoding, 'ucs2');
    assert.equal(got(TEXTS.udh)!.parts, 2);
    assert.equal(got(TEXTS.payload)!.parts, 2);
    assert.equal(received.length, 4, 'nothing sent twice');

    // One DELIVRD receipt for every message id the script got (both UDH parts included).
    const delivers = lines.filter((l) => l.startsWith('DELIVER '));
    const receipts = delivers.filter((l) => (Number(field(l, 'esm_class')) & 0x3c) === 0x04);
    assert.equal(receipts.length, 5, diag());
    for (const [label, id] of ids) {
      const r = receipts.filter((l) => field(l, 'receipted') === id);
      assert.equal(r.length, 1, `one receipt for ${label} (${id})\n${diag()}`);
      assert.match(textOf(r[0]!), new RegExp(`^id:${id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:`));
      assert.equal(field(r[0]!, 'state'), '2', 'message_state DELIVERED');
      assert.equal(field(r[0]!, 'from'), l4.number.slice(1), 'the receipt comes from the recipient');
    }

    // The two SMS from the outside world, as MO deliver_sm (the long one reassembled, in message_payload).
    const mo = delivers.filter((l) => (Number(field(l, 'esm_class')) & 0x3c) === 0);
    assert.deepEqual(mo.map(textOf).sort(), [MO_GSM, MO_LONG].sort(), diag());
    const gsmMo = mo.find((l) => textOf(l) === MO_GSM)!;
    assert.equal(field(gsmMo, 'from'), '8613912345678');
    assert.equal(field(gsmMo, 'data_coding'), '0');
    const longMo = mo.find((l) => textOf(l) === MO_LONG)!;
    assert.equal(field(longMo, 'data_coding'), '8');
    assert.notEqual(field(longMo, 'payload'), '', 'a long MO travels in message_payload');

    assert.equal(lines.at(-1), 'UNBIND_RESP status=0', diag());

    // The outbox: five SMPP messages of account 1 (the UDH parts as one), all delivered.
    const outbox = (await s.outbox()).filter((m) => m.origin === 'smpp');
    assert.equal(outbox.length, 4);
    assert.ok(outbox.every((m) => m.status === 'delivered' && m.client === 'smpp:1' && m.to === l4.number), JSON.stringify(outbox));
    // The received SMS were acknowledged: nothing is pending for the account any more.
    const inbox = (await s.get<{ items: Array<{ text: string; forwards: Array<{ kind: string; status: string }> }> }>('/api/sms/inbox?line=1')).items;
    assert.equal(inbox.find((m) => m.text === MO_GSM)?.forwards.find((f) => f.kind === 'smpp-mo')?.status, 'done');
    t.diagnostic(`Net::SMPP end to end: ${Date.now() - started} ms`);
  },
);
