/**
 * Kannel 1.4.5 (Debian package kannel: bearerbox + smsbox) binds to the SMSC as a transceiver. sendsms
 * HTTP requests (GSM text with a DLR request, UCS2 with coding=2&charset=UTF-8, a 200-character text)
 * arrive as SubmitRequests with the right text and concatenation; the DELIVRD receipt the backend offers
 * reaches Kannel's dlr-url; MO items offered by the backend reach smsbox's get-url.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandExists, startKannel, urlSink } from './helpers/peers.js';
import { startSmsc } from './helpers/start.js';

const available = commandExists('bearerbox') && commandExists('smsbox');

async function until(cond: () => boolean, ms: number, what: string, diag: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${diag()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('Kannel bearerbox + smsbox: sendsms -> SubmitRequests, receipt -> dlr-url, MO -> get-url', { skip: available ? false : 'bearerbox/smsbox not installed (Debian package kannel)', timeout: 90_000 }, async () => {
  const http = await urlSink();
  const { server, backend, port, stop } = await startSmsc({}, [{ systemId: 'kannel', password: 'secret' }]);
  backend.onReceiptQueued = () => server.notify();
  const kannel = await startKannel({
    smscPort: port,
    systemId: 'kannel',
    password: 'secret',
    getUrl: `http://127.0.0.1:${http.port}/mo?from=%p&to=%P&text=%a&coding=%c&charset=%C`,
  });
  try {
    await kannel.waitOnline(30_000);
    const [session] = server.sessions();
    assert.equal(session?.systemId, 'kannel');
    assert.equal(session?.mode, 'transceiver');
    assert.equal(session?.interfaceVersion, 0x34);

    const dlrUrl = `http://127.0.0.1:${http.port}/dlr?type=%d&reply=%A`;
    assert.match(await kannel.sendsms({ from: '4930123456', to: '4917000001', text: 'Hello via Kannel SMPP @£€', 'dlr-mask': '31', 'dlr-url': dlrUrl }), /^0: Accepted/);
    assert.match(await kannel.sendsms({ from: '4930123456', to: '4917000002', text: 'Привет 你好', charset: 'UTF-8', coding: '2' }), /^0: Accepted/);
    const long = 'x'.repeat(100) + 'y'.repeat(100);
    assert.match(await kannel.sendsms({ from: '4930123456', to: '4917000003', text: long }), /^0: Accepted/);
    await backend.waitFor(() => backend.submits.length === 4, 15_000, 'four submit_sm from Kannel');

    const s = backend.submits;
    const gsm = s.find((x) => x.dest.addr === '4917000001')!;
    assert.equal(gsm.text, 'Hello via Kannel SMPP @£€');
    assert.equal(gsm.dataCoding, 0);
    assert.equal(gsm.esmClass, 3);
    assert.equal(gsm.registeredDelivery, 0x11);
    assert.deepEqual(gsm.source, { ton: 1, npi: 1, addr: '4930123456' });
    const ucs2 = s.find((x) => x.dest.addr === '4917000002')!;
    assert.equal(ucs2.text, 'Привет 你好');
    assert.equal(ucs2.dataCoding, 8);
    const parts = s.filter((x) => x.dest.addr === '4917000003').sort((a, b) => a.concat!.seq - b.concat!.seq);
    assert.equal(parts.length, 2);
    assert.deepEqual(parts.map((p) => [p.concat!.total, p.concat!.seq]), [[2, 1], [2, 2]]);
    assert.equal(parts[0]!.concat!.ref, parts[1]!.concat!.ref);
    assert.equal(parts[0]!.esmClass, 0x43);
    assert.equal(parts.map((p) => p.text).join(''), long);

    // The receipt for the first message reaches Kannel and is matched to it: dlr-url type 1 (delivered).
    const diag = (): string => `${http.hits.map(String).join('\n')}\n${kannel.logs()}`;
    await until(() => http.hits.some((u) => u.pathname === '/dlr' && u.searchParams.get('type') === '1'), 15_000, 'dlr-url type=1', diag);
    const dlr = http.hits.find((u) => u.pathname === '/dlr' && u.searchParams.get('type') === '1')!;
    assert.match(dlr.searchParams.get('reply') ?? '', /^id:\d+ sub:001 dlvrd:001 .* stat:DELIVRD err:000 text:Hello via Kannel SMP/);

    // MO items offered by the backend reach smsbox's get-url (mo-recode: UCS2 arrives as UTF-8).
    backend.addMo('kannel', 'MO hello Kannel @£');
    backend.addMo('kannel', 'MO UCS2 Привет 你好');
    server.notify();
    await until(() => http.hits.filter((u) => u.pathname === '/mo').length === 2, 15_000, 'two MO at get-url', diag);
    const mos = http.hits.filter((u) => u.pathname === '/mo');
    assert.deepEqual(mos.map((u) => u.searchParams.get('text')).sort(), ['MO UCS2 Привет 你好', 'MO hello Kannel @£']);
    assert.ok(mos.every((u) => u.searchParams.get('from') === '+4917000009'), 'Kannel prefixes + for TON 1');
    await backend.waitFor(() => backend.deliveredItems.length === 3, 5000, 'receipt and MO acknowledged');
    assert.equal(backend.failures.length, 0);
  } finally {
    await kannel.stop();
    await stop();
    http.server.close();
  }
  // the session is closed when bearerbox stops
  assert.equal(backend.closedSessions.length, 1);
  assert.equal(server.stats().totals.handlerErrors, 0);
});
