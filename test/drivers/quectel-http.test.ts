/**
 * The Quectel data check against the fixtures/quectel/ec25/http-*.txt transcripts (ScriptedModem + the real
 * AtChannel), the pure parsers of modem-drivers/quectel/http.ts, request validation, and the timeout path.
 *
 * The URL bytes after CONNECT sit in the transcripts as `# data:` lines (the fixture format wants host
 * lines ended by CR); they become host steps here.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import { openQuectelModem } from '../../modem-drivers/quectel/modem.js';
import { openGenericModem } from '../../modem-drivers/generic/descriptor.js';
import { HttpCheckError } from '../../modem-drivers/types.js';
import { checkHttpRequest, parseQhttpget, parseQiact, quectelHttpFailure, describeQuectelHttpError } from '../../modem-drivers/quectel/http.js';
import { parseTranscript, repoRoot, ScriptedModem, type Transcript } from '../helpers/transcript.js';

const DIR = join(repoRoot(), 'fixtures', 'quectel', 'ec25');

/** Loads a transcript, turning `# data: <bytes>` lines into host steps. */
function loadWithData(path: string): Transcript {
  return parseTranscript(readFileSync(path, 'utf8'), path);
}

async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

function setup(name: string) {
  const modem = new ScriptedModem(loadWithData(join(DIR, name)));
  const channel = new AtChannel(modem, { log: silentLogger(), name, defaultTimeoutMs: 2000 });
  const driver = openQuectelModem(channel, { log: silentLogger() });
  return { modem, channel, driver };
}

async function rejection(p: Promise<unknown>): Promise<HttpCheckError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HttpCheckError, `expected HttpCheckError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

test('http-get.txt: APN set, context activated, URL uploaded after CONNECT, 200 with 12 bytes', async () => {
  const { modem, driver } = setup('http-get.txt');
  await settle();
  const r = await driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/generate_204', apn: 'CMNET' });
  assert.equal(r.status, 200);
  assert.equal(r.bytes, 12);
  assert.ok(r.ms >= 0 && r.ms < 2000);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-get-active.txt: context already active (no AT+QIACT=1), 404 without a length resolves', async () => {
  const { modem, driver } = setup('http-get-active.txt');
  await settle();
  const r = await driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/missing', timeoutMs: 20_000 });
  assert.deepEqual({ status: r.status, bytes: r.bytes }, { status: 404, bytes: 0 });
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-dns-error.txt: +QHTTPGET: 714 rejects as a DNS failure with the code and its meaning', async () => {
  const { modem, driver } = setup('http-dns-error.txt');
  await settle();
  const e = await rejection(driver.dataCheck.httpCheck({ url: 'http://www.example.com/' }));
  assert.equal(e.kind, 'dns');
  assert.equal(e.code, 714);
  assert.match(e.message, /HTTP\(S\) DNS error \(Quectel error 714\)/);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-no-network.txt: AT+QIACT=1 ERROR rejects as no data connection, nothing else is sent', async () => {
  const { modem, driver } = setup('http-no-network.txt');
  await settle();
  const e = await rejection(driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/generate_204', apn: 'CMNET' }));
  assert.equal(e.kind, 'no-data-connection');
  assert.match(e.message, /AT\+QIACT=1: PDP context 1 \(APN "CMNET"\) could not be activated: no data connection \(ERROR\)/);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-busy.txt: +CME ERROR: 703 on AT+QHTTPGET is explained (HTTP(S) busy)', async () => {
  const { modem, driver } = setup('http-busy.txt');
  await settle();
  const e = await rejection(driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/generate_204' }));
  assert.equal(e.kind, 'modem');
  assert.equal(e.code, 703);
  assert.match(e.message, /HTTP\(S\) busy \(Quectel error 703\)/);
  assert.deepEqual(modem.errors, []);
});

test('bad requests are refused before anything is written', async () => {
  const { modem, driver } = setup('http-get.txt');
  await settle();
  const bad = [
    { url: '' },
    { url: 'not a url' },
    { url: 'ftp://192.0.2.10/x' },
    { url: 'http://user:pw@192.0.2.10/' },
    { url: `http://192.0.2.10/${'a'.repeat(700)}` },
    { url: 'http://192.0.2.10/', apn: 'bad"apn' },
    { url: 'http://192.0.2.10/', apn: '' },
    { url: 'http://192.0.2.10/', timeoutMs: 10 },
    { url: 'http://192.0.2.10/', timeoutMs: Number.NaN },
  ];
  for (const opts of bad) {
    const e = await rejection(driver.dataCheck.httpCheck(opts));
    assert.equal(e.kind, 'invalid-request', JSON.stringify(opts));
  }
  assert.equal(modem.written.length, 0);
});

test('no +QHTTPGET after OK: rejects as a timeout after <rsptime> plus slack', async () => {
  const t = parseTranscript(
    [
      '# source: Quectel EC2x HTTP(S) AT Commands Manual (constructed: the URC never comes)',
      '--> AT+QIACT?\\r',
      '<-- \\r\\n+QIACT: 1,1,1,"10.64.23.7"\\r\\n\\r\\nOK\\r\\n',
      '--> AT+QHTTPCFG="contextid",1\\r',
      '<-- \\r\\nOK\\r\\n',
      '--> AT+QHTTPURL=18,10\\r',
      '<-- \\r\\nCONNECT\\r\\n',
      '--> http://192.0.2.10/',
      '<-- \\r\\nOK\\r\\n',
      '--> AT+QHTTPGET=1\\r',
      '<-- \\r\\nOK\\r\\n',
    ].join('\n'),
  );
  const modem = new ScriptedModem(t);
  const driver = openQuectelModem(new AtChannel(modem, { log: silentLogger(), defaultTimeoutMs: 2000 }), { log: silentLogger() });
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const p = driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/', timeoutMs: 1000 });
    for (let i = 0; i < 50 && !modem.finished; i++) await settle(1);
    await settle();
    assert.ok(modem.finished);
    mock.timers.tick(5999);
    await settle();
    mock.timers.tick(1);
    const e = await rejection(p);
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /no \+QHTTPGET result within 6000 ms/);
  } finally {
    mock.timers.reset();
  }
  assert.deepEqual(modem.errors, []);
});

test('generic modem: no data check capability (no built-in HTTP client), nothing sent', async () => {
  const modem = new ScriptedModem(parseTranscript('# source: none (constructed)\n'));
  const generic = openGenericModem(new AtChannel(modem, { log: silentLogger() }), { log: silentLogger() });
  assert.equal('dataCheck' in generic, false);
  generic.dispose();
  assert.equal(modem.written.length, 0);
});

test('parseQhttpget: success with and without length, error codes, malformed lines', () => {
  assert.deepEqual(parseQhttpget('+QHTTPGET: 0,200,12'), { ok: true, value: { err: 0, status: 200, length: 12 } });
  assert.deepEqual(parseQhttpget('+QHTTPGET: 0,404'), { ok: true, value: { err: 0, status: 404, length: null } });
  assert.deepEqual(parseQhttpget('+QHTTPGET: 714'), { ok: true, value: { err: 714, status: null, length: null } });
  for (const bad of ['+QHTTPGET:', '+QHTTPGET: x', '+QHTTPGET: 0', '+QHTTPGET: 0,abc', '+QHTTPGET: 0,200,-1', '+QIACT: 1,1,1']) {
    assert.equal(parseQhttpget(bad).ok, false, bad);
  }
});

test('parseQiact: active context with address; malformed', () => {
  assert.deepEqual(parseQiact('+QIACT: 1,1,1,"10.64.23.7"'), { ok: true, value: { contextId: 1, active: true, type: 1, ip: '10.64.23.7' } });
  assert.deepEqual(parseQiact('+QIACT: 2,0,1'), { ok: true, value: { contextId: 2, active: false, type: 1, ip: null } });
  assert.equal(parseQiact('+QIACT: 1').ok, false);
  assert.equal(parseQiact('+CGACT: 1,1').ok, false);
});

test('error codes map to failure kinds; unknown codes still get a message', () => {
  assert.equal(quectelHttpFailure(714), 'dns');
  assert.equal(quectelHttpFailure(702), 'timeout');
  assert.equal(quectelHttpFailure(728), 'timeout');
  assert.equal(quectelHttpFailure(709), 'no-data-connection');
  assert.equal(quectelHttpFailure(716), 'connect');
  assert.equal(quectelHttpFailure(703), 'modem');
  assert.equal(describeQuectelHttpError(799), 'unlisted HTTP(S) error (Quectel error 799)');
});

test('checkHttpRequest normalises the URL, drops the fragment, rounds the timeout up to seconds', () => {
  const r = checkHttpRequest({ url: ' http://Example.COM:80/a b?q="x"#frag ', apn: 'cmnet.mnc000.mcc460.gprs', timeoutMs: 1500 }, 700);
  assert.deepEqual(r, { ok: true, value: { url: 'http://example.com/a%20b?q=%22x%22', apn: 'cmnet.mnc000.mcc460.gprs', seconds: 2 } });
  assert.equal(checkHttpRequest(null as never, 700).ok, false);
});
