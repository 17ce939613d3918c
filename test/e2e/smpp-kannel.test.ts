/**
 * Acceptance (issue 5), Kannel 1.4.5 (Debian package kannel: bearerbox + smsbox) against the whole daemon
 * in demo mode. Two Kannel instances bind as transceivers to the daemon's SMSC: one as account "1" (all
 * of the account's lines 1-3), one as its per-line id "102" (line 2 only).
 *
 * - smsbox sendsms through "1": a GSM text with @£€ (dlr-mask 31 and a dlr-url), a UCS2 text
 *   (coding=2, charset=UTF-8) and a 200-character text (two UDH parts) reach the SIM of line 4 in the
 *   simulated network with their exact texts, the long one as one reassembled message; the network's
 *   status reports become DELIVRD receipts and Kannel calls the dlr-urls (of the GSM text and of the
 *   long one) with type 1 (delivered).
 * - An SMS from the outside world to line 1's number reaches Kannel "1" as deliver_sm: its get-url
 *   sees the sender and the text. Kannel "102" does not get it (line 1 is not its line).
 * - sendsms through "102" goes out through line 2: the outbox says line 2 and the destination SIM sees
 *   line 2's number as the sender.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandExists, startKannel, urlSink, type Kannel } from '../smpp/helpers/peers.js';
import { startSmppDaemon, until } from './helpers/smpp-daemon.js';

const available = commandExists('bearerbox') && commandExists('smsbox');

test(
  'Kannel bound to the daemon: sendsms reaches the destination SIM, dlr-url gets "delivered", MO reaches get-url, a per-line id sends through its line',
  { skip: available ? false : 'bearerbox/smsbox not installed (Debian package kannel)', timeout: 60_000 },
  async (t) => {
    const started = Date.now();
    const http = await urlSink();
    t.after(() => http.server.close());
    const s = await startSmppDaemon({ accounts: [{ systemId: '1', password: 'secret', lines: [1, 2, 3] }] });
    t.after(() => s.stop());
    const [l1, l2, , l4] = s.lines as [(typeof s.lines)[0], (typeof s.lines)[0], (typeof s.lines)[0], (typeof s.lines)[0]];

    const kannels: Kannel[] = [];
    t.after(async () => {
      for (const k of kannels) await k.stop();
    });
    const [k1, k102] = await Promise.all(
      ['1', '102'].map((id) =>
        startKannel({ smscPort: s.smppPort, systemId: id, password: 'secret', getUrl: `http://127.0.0.1:${http.port}/mo/${id}?from=%p&to=%P&text=%a`, lifetimeS: 90 }).then((k) => {
          kannels.push(k);
          return k;
        }),
      ),
    );
    await Promise.all([k1!.waitOnline(30_000), k102!.waitOnline(30_000)]);
    const diag = async (): Promise<string> =>
      [
        `http hits:\n${http.hits.map(String).join('\n')}`,
        `destination SIM log: ${JSON.stringify((await s.simLog(l4.imsi)).received)}`,
        `outbox: ${JSON.stringify(await s.outbox())}`,
        `kannel 1:\n${k1!.logs()}`,
      ].join('\n');

    // Both sessions are bound as transceivers under their system_ids.
    const sessions = (await s.get<{ sessions: Array<{ systemId: string; mode: string }> }>('/api/smpp/sessions')).sessions;
    assert.deepEqual(sessions.map((x) => [x.systemId, x.mode]).sort(), [['1', 'transceiver'], ['102', 'transceiver']]);

    const gsm = 'Kannel e2e @£€ GSM text';
    const ucs2 = 'Kannel e2e Привет 你好 €';
    const long = ('Kannel long ' + 'abcdefghij'.repeat(20)).slice(0, 200);
    const viaLine2 = 'Kannel e2e through line 2 only';
    const dlrUrl = `http://127.0.0.1:${http.port}/dlr?type=%d&reply=%A`;
    assert.match(await k1!.sendsms({ from: '4930123456', to: l4.number, text: gsm, 'dlr-mask': '31', 'dlr-url': dlrUrl }), /^0: Accepted/);
    assert.match(await k1!.sendsms({ from: '4930123456', to: l4.number, text: ucs2, charset: 'UTF-8', coding: '2' }), /^0: Accepted/);
    assert.match(await k1!.sendsms({ from: '4930123456', to: l4.number, text: long, 'dlr-mask': '31', 'dlr-url': dlrUrl.replace('/dlr?', '/dlr-long?') }), /^0: Accepted/);
    assert.match(await k102!.sendsms({ from: '4930123456', to: l4.number, text: viaLine2 }), /^0: Accepted/);

    // All four reach the SIM of line 4 with their exact texts; the long one as one message of two parts.
    const received = await until(
      async () => {
        const r = (await s.simLog(l4.imsi)).received;
        return [gsm, ucs2, long, viaLine2].every((x) => r.some((e) => e.text === x && e.partsSeen === e.parts)) ? r : null;
      },
      20_000,
      'the four texts at the destination SIM',
      diag,
    );
    assert.equal(received.length, 4, 'each message once');
    assert.equal(received.find((e) => e.text === ucs2)!.encoding, 'ucs2');
    assert.equal(received.find((e) => e.text === long)!.parts, 2);
    assert.equal(received.find((e) => e.text === viaLine2)!.peer, l2.number, 'sent from the SIM of line 2');

    // The outbox: "102"'s message went through line 2; every Kannel message is there.
    const outbox = (await s.outbox()).filter((m) => m.origin === 'smpp');
    assert.equal(outbox.length, 4);
    const on2 = (await s.outbox({ line: '2' })).find((m) => m.text === viaLine2);
    assert.ok(on2, `the message of "102" is not in line 2's outbox\n${await diag()}`);
    assert.equal(on2.client, 'smpp:1', 'the account, not the per-line id 102');

    // The receipt reaches Kannel, which matches it to its message: dlr-url type 1 (delivered).
    const dlr = await until(() => http.hits.find((u) => u.pathname === '/dlr' && u.searchParams.get('type') === '1'), 20_000, 'dlr-url type=1', diag);
    assert.match(dlr.searchParams.get('reply') ?? '', /^id:\S+ sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:Kannel e2e /);
    const gsmOut = outbox.find((m) => m.text === gsm)!;
    assert.equal(gsmOut.status, 'delivered');
    assert.ok(dlr.searchParams.get('reply')!.startsWith(`id:${gsmOut.id} `), 'the receipt names the message id Kannel was given');
    // The long message was submitted in two parts, each with its own id and receipt; Kannel reports the
    // whole message as delivered.
    const long1 = await until(() => http.hits.find((u) => u.pathname === '/dlr-long' && u.searchParams.get('type') === '1'), 20_000, 'dlr-url type=1 for the long message', diag);
    assert.match(long1.searchParams.get('reply') ?? '', /stat:DELIVRD err:000 text:Kannel long abcdefgh$/);
    assert.equal(outbox.find((m) => m.text === long)!.aliases.length, 1, 'the second part\'s id is an alias of the message');

    // The outside world texts line 1: Kannel "1" gets it at its get-url (Kannel prefixes + for TON 1).
    const mo = 'Hello Kannel from outside @£';
    await s.smsFromOutside('+8613912345678', l1.number, mo);
    const hit = await until(() => http.hits.find((u) => u.pathname.startsWith('/mo/') && u.searchParams.get('text') === mo), 20_000, 'the MO at get-url', diag);
    assert.equal(hit.pathname, '/mo/1', 'line 1 is not the line of "102"');
    assert.equal(hit.searchParams.get('from'), '+8613912345678');
    // A UCS2 MO to line 2 reaches one of the two sessions (both may take line 2's messages), exactly once.
    const mo2 = 'Ответ для линии 2';
    await s.smsFromOutside('+8613912345678', l2.number, mo2);
    await until(() => http.hits.some((u) => u.searchParams.get('text') === mo2), 20_000, 'the UCS2 MO at get-url', diag);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(http.hits.filter((u) => u.pathname.startsWith('/mo/') && [mo, mo2].includes(u.searchParams.get('text') ?? '')).length, 2, 'each MO once');
    t.diagnostic(`Kannel end to end: ${Date.now() - started} ms`);
  },
);
