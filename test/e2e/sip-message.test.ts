/**
 * SIP MESSAGE ↔ SMS through the daemon (manual appendix F, §4.10), with SIPp as the platform:
 * - demo mode: a MESSAGE from 127.0.0.1 with Chinese text, recipient in the To header, is answered
 *   202, goes out on a simulated line as a UCS2 SMS, and `RELAY OK` comes back to SIPp;
 * - body mode with a trunk peer: the first body line is the recipient;
 * - a received SMS reaches a SIPp UAS as MESSAGE in the manual's format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSippInstalled, freeUdpPort, startSipp } from '../helpers/sipp.js';
import { writeMessageReceiver, writeUacMessage } from '../sip/sms-bridge/sipp-message.js';
import { startSmsDaemon, waitFor, type SmsDaemon } from './sms-daemon.js';

interface OutsideSms {
  from: string;
  to: string;
  text: string;
}

async function outsideTo(x: SmsDaemon, to: string): Promise<OutsideSms[]> {
  return ((await x.sim('GET', '/outside/sms')).body.messages as OutsideSms[]).filter((s) => s.to === to || s.to.endsWith(to.replace(/^0+/, '')));
}

/** SIPp sends one MESSAGE expecting 202 and stays up 8 s; the relay report is answered 200 by its out-of-call scenario when it matches. */
async function sendMessage(x: SmsDaemon, toUser: string, body: string, reportRegexp: string): Promise<{ code: number | null; output: string; trace: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-message-'));
  const sf = writeUacMessage(dir, { toUser, body, expectStatus: 202, lingerMs: 8000 });
  const ooc = writeMessageReceiver(dir, 'report', reportRegexp);
  const port = await freeUdpPort();
  const trace = join(dir, 'trace.log');
  const run = startSipp(['-sf', sf, '-oocsf', ooc, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-timeout', '30s', '-trace_msg', '-message_file', trace, `127.0.0.1:${x.d.sip!.ports.udp}`], dir);
  const code = await run.exited;
  return { code, output: run.output(), trace: readFileSync(trace, 'utf8') };
}

/** The relay report arrived and SIPp's out-of-call scenario answered it 200 (its body matched). */
function assertRelayReport(trace: string, expected: RegExp): void {
  const report = trace.split(/-{20,}/).find((m) => /MESSAGE sip:/.test(m) && /RELAY/.test(m) && !/^\s*SIP\/2\.0/m.test(m));
  assert.ok(report, `no relay report in SIPp's trace:\n${trace.slice(-3000)}`);
  assert.match(report, expected);
}

test('demo mode: MESSAGE with Chinese text to a simulated number → 202, a UCS2 SMS, RELAY OK back', async (t) => {
  assertSippInstalled();
  const x = await startSmsDaemon({ modems: 2 });
  t.after(() => x.stop());
  const text = '你好，世界 cellgate';
  const result = await sendMessage(x, '13912345678', text, 'RELAY OK');
  assert.equal(result.code, 0, result.output.slice(-2000));
  assertRelayReport(result.trace, /SMS\(callid:1-\d+\) RELAY OK/);
  const got = await waitFor('the SMS at 13912345678', () => outsideTo(x, '13912345678'), (l) => l.length > 0);
  assert.equal(got[0]!.text, text);
  // TS 23.038: Chinese does not fit the GSM 7-bit alphabet; the SMS went out as UCS2.
  const parts = (await x.sim('GET', '/outside/sms')).body.parts as Array<{ to: string; encoding: string }>;
  assert.deepEqual(parts.filter((p) => p.to.endsWith('13912345678')).map((p) => p.encoding), ['ucs2']);
  const { items } = (await x.call('GET', '/sms/outbox?limit=5')).body as { items: Array<{ to: string; encoding?: string; origin?: string }> };
  const sent = items.filter((m) => m.to === '13912345678');
  assert.equal(sent.length, 1, JSON.stringify(items));
  assert.equal(sent[0]!.origin, 'sip');
});

test('body mode from a trunk peer: the first body line is the recipient', async (t) => {
  assertSippInstalled();
  const x = await startSmsDaemon({ modems: 2, config: { sip: { trunk: { peers: [{ addresses: ['127.0.0.1'] }] }, message: { destination: 'body' } } } });
  t.after(() => x.stop());
  const result = await sendMessage(x, 'gateway', '13800001111\r\n短信 body mode', 'RELAY OK');
  assert.equal(result.code, 0, result.output.slice(-2000));
  assertRelayReport(result.trace, /RELAY OK/);
  const got = await waitFor('the SMS at 13800001111', () => outsideTo(x, '13800001111'), (l) => l.length > 0);
  assert.equal(got[0]!.text, '短信 body mode');
});

test('a received SMS reaches a SIPp UAS as MESSAGE in the manual format', async (t) => {
  assertSippInstalled();
  const uasPort = await freeUdpPort();
  const x = await startSmsDaemon({ modems: 1, config: { sms: { forward: [{ sip: `101@127.0.0.1:${uasPort}` }] } } });
  t.after(() => x.stop());
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-message-'));
  const sf = writeMessageReceiver(dir, 'uas', '^\\+?8613670128297..\\(L1\\)你好$');
  const uas = startSipp(['-sf', sf, '-i', '127.0.0.1', '-p', String(uasPort), '-m', '1', '-nostdin', '-timeout', '30s'], dir);
  t.after(() => uas.kill());
  const line = await x.line(1);
  const r = await x.sim('POST', '/sms', { from: '+8613670128297', to: line.sim.number, text: '你好' });
  assert.ok(r.status < 300, JSON.stringify(r.body));
  assert.equal(await uas.exited, 0, uas.output().slice(-2000));
});
