/**
 * The SIMCom data check against the fixtures/simcom/sim7600/http-*.txt transcripts (ScriptedModem + the real
 * AtChannel), the pure pieces of modem-drivers/simcom/http.ts, and AT+HTTPTERM after every outcome.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import { openSimcomModem } from '../../modem-drivers/simcom/modem.js';
import { HttpCheckError } from '../../modem-drivers/types.js';
import { checkHttpRequest, describeSimcomHttpError, isSimcomHttpError, parseHttpAction, simcomHttpFailure } from '../../modem-drivers/simcom/http.js';
import { loadTranscript, parseTranscript, repoRoot, ScriptedModem, type Transcript } from '../helpers/transcript.js';

const DIR = join(repoRoot(), 'fixtures', 'simcom', 'sim7600');

async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

function setup(t: Transcript) {
  const modem = new ScriptedModem(t);
  const channel = new AtChannel(modem, { log: silentLogger(), defaultTimeoutMs: 2000 });
  const driver = openSimcomModem(channel, { log: silentLogger(), callEndGraceMs: 0 });
  return { modem, driver };
}
const fixture = (name: string) => setup(loadTranscript(join(DIR, name)));

async function rejection(p: Promise<unknown>): Promise<HttpCheckError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HttpCheckError, `expected HttpCheckError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

test('http-get.txt: APN on context 1, HTTPINIT, URL, GET 200 with 12 bytes, HTTPTERM', async () => {
  const { modem, driver } = fixture('http-get.txt');
  await settle();
  const r = await driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/generate_204', apn: 'CMNET' });
  assert.deepEqual({ status: r.status, bytes: r.bytes }, { status: 200, bytes: 12 });
  assert.ok(r.ms >= 0 && r.ms < 2000);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-init-leftover.txt: a refused HTTPINIT is followed by HTTPTERM and a second HTTPINIT; 404 resolves', async () => {
  const { modem, driver } = fixture('http-init-leftover.txt');
  await settle();
  const r = await driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/missing' });
  assert.deepEqual({ status: r.status, bytes: r.bytes }, { status: 404, bytes: 0 });
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-dns-error.txt: <errcode> 713 rejects as DNS, and HTTPTERM is still sent', async () => {
  const { modem, driver } = fixture('http-dns-error.txt');
  await settle();
  const e = await rejection(driver.dataCheck.httpCheck({ url: 'http://www.example.com/' }));
  assert.equal(e.kind, 'dns');
  assert.equal(e.code, 713);
  assert.match(e.message, /get DNS failed \(SIMCom code 713\)/);
  await settle();
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-no-network.txt: HTTPINIT refused twice rejects as no data connection', async () => {
  const { modem, driver } = fixture('http-no-network.txt');
  await settle();
  const e = await rejection(driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/generate_204' }));
  assert.equal(e.kind, 'no-data-connection');
  assert.match(e.message, /AT\+HTTPINIT: the HTTP service could not start: no data connection \(ERROR\)/);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('http-network-error.txt: +HTTP_NONET_EVENT is a notification; status 601 rejects as no data connection', async () => {
  const { modem, driver } = fixture('http-network-error.txt');
  const unknown: string[] = [];
  driver.onEvent((e) => {
    if (e.type === 'unknown') unknown.push(e.line);
  });
  await settle();
  const e = await rejection(driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/generate_204' }));
  assert.equal(e.kind, 'no-data-connection');
  assert.equal(e.code, 601);
  assert.deepEqual(unknown, []);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('no +HTTPACTION after OK: rejects as a timeout, then HTTPTERM', async () => {
  const { modem, driver } = setup(
    parseTranscript(
      [
        '# source: SIMCom SIM7500_SIM7600 HTTP(S) Application Note (constructed: the URC never comes)',
        '--> AT+HTTPINIT\\r',
        '<-- \\r\\nOK\\r\\n',
        '--> AT+HTTPPARA="URL","http://192.0.2.10/"\\r',
        '<-- \\r\\nOK\\r\\n',
        '--> AT+HTTPACTION=0\\r',
        '<-- \\r\\nOK\\r\\n',
        '--> AT+HTTPTERM\\r',
        '<-- \\r\\nOK\\r\\n',
      ].join('\n'),
    ),
  );
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const p = driver.dataCheck.httpCheck({ url: 'http://192.0.2.10/', timeoutMs: 2000 });
    await settle(20);
    mock.timers.tick(7000);
    const e = await rejection(p);
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /no \+HTTPACTION result within 7000 ms/);
  } finally {
    mock.timers.reset();
  }
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
});

test('bad requests are refused before anything is written (SIMCom URL limit 255)', async () => {
  const { modem, driver } = setup(parseTranscript('# source: none (constructed)\n'));
  for (const opts of [{ url: `http://192.0.2.10/${'a'.repeat(240)}` }, { url: 'mailto:x@y' }, { url: 'http://192.0.2.10/', apn: 'a b' }]) {
    assert.equal((await rejection(driver.dataCheck.httpCheck(opts))).kind, 'invalid-request');
  }
  assert.equal(modem.written.length, 0);
});

test('parseHttpAction and the status/error tables', () => {
  assert.deepEqual(parseHttpAction('+HTTPACTION: 0,200,104220'), { ok: true, value: { method: 0, status: 200, length: 104220 } });
  for (const bad of ['+HTTPACTION: 0,200', '+HTTPACTION: (0-4)', '+HTTPACTION: a,b,c', '+HTTPREAD: 5']) assert.equal(parseHttpAction(bad).ok, false, bad);
  assert.equal(isSimcomHttpError(599), false);
  assert.equal(isSimcomHttpError(603), true);
  assert.equal(simcomHttpFailure(603), 'dns');
  assert.equal(simcomHttpFailure(713), 'dns');
  assert.equal(simcomHttpFailure(705), 'timeout');
  assert.equal(simcomHttpFailure(714), 'connect');
  assert.equal(simcomHttpFailure(717), 'no-data-connection');
  assert.equal(simcomHttpFailure(602), 'modem');
  assert.equal(describeSimcomHttpError(650), 'unlisted HTTP error (SIMCom code 650)');
  assert.equal(checkHttpRequest({ url: 'https://192.0.2.10/x' }, 255).ok, true);
});
