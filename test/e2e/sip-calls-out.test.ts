/**
 * GSM → SIP through the daemon: an outside caller rings a line's SIM (the simulator's control API)
 * and the call reaches a SIPp phone through each form of forwarding rule (docs/sip.md "GSM → SIP
 * calls"): an extension of the embedded registrar (the phone registered with digest first), a URI
 * `101@127.0.0.1:<port>`, and a caller-prefix map `+8610>…|+8621>…` (the simulated network presents callers in international
 * form, and prefixes match the number as the network gave it, docs/sip.md). Each phone answers, then hangs up
 * with BYE: the GSM caller saw the call answered, and the record carries the VoIP leg's end. With
 * `callerId: "pai"` the caller's number goes in P-Asserted-Identity (RFC 3325) and the From user is
 * the gateway's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSippInstalled, freeUdpPort } from '../helpers/sipp.js';
import { startSmsDaemon, waitFor, type SmsDaemon } from './sms-daemon.js';
import { outsideCall, recordOf, ringLine, sippPhone, sippRegister } from './helpers/sip-gsm-calls.js';

const EXTENSION_PASSWORD = 'kitchen-door-1';

/** The first INVITE SIPp received, from its message trace. */
function inviteIn(traceFile: string): string {
  const text = readFileSync(traceFile, 'utf8');
  const start = text.indexOf('INVITE sip:');
  assert.ok(start >= 0, `SIPp received no INVITE:\n${text.slice(0, 2000)}`);
  return text.slice(start, text.indexOf('\n\n', start) > 0 ? text.indexOf('\n\n', start) : undefined);
}

/** Rings `line` from `caller`; the phone on `phonePort` answers and hangs up. Returns the INVITE it saw and the record. */
async function callThrough(x: SmsDaemon, line: number, caller: string, phonePort: number, dir: string, tag: string): Promise<{ invite: string; record: any }> {
  const trace = join(dir, `${tag}-messages.log`);
  const phone = await sippPhone(phonePort, 'gsm-to-sip-answer-then-bye.xml', dir, ['-trace_msg', '-message_file', trace]);
  const { id } = await ringLine(x, line, caller);
  const connected = await waitFor(`the outside call ${id} to be answered`, () => outsideCall(x, id), (c) => c.state === 'active' || c.state === 'ended', 15_000);
  assert.equal(connected.state, 'active', `the GSM call was answered: ${JSON.stringify(connected)}`);
  assert.equal(await phone.exited, 0, `SIPp phone (${tag}) completed INVITE/200/ACK/BYE:\n${phone.output().slice(-3000)}`);
  const ended = await waitFor(`the outside call ${id} to end`, () => outsideCall(x, id), (c) => c.state === 'ended', 10_000);
  assert.equal(ended.state, 'ended');
  const record = await recordOf(x, line, caller);
  return { invite: inviteIn(trace), record };
}

test('an incoming GSM call reaches a SIPp phone through each forwarding rule; callerId "pai" puts the caller in P-Asserted-Identity', { timeout: 60_000 }, async (t) => {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-gsm-to-sip-'));
  const [extPhone, uriPhone, map010, map021] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
  const x = await startSmsDaemon({
    modems: 3,
    config: {
      sip: {
        forward: {
          lines: { '1': '8001', '2': `101@127.0.0.1:${uriPhone}`, '3': `+8610>201@127.0.0.1:${map010}|+8621>sip:202@127.0.0.1:${map021}|>203@127.0.0.1:9` },
          callerId: 'pai',
        },
        registrar: { enabled: true, extensions: [{ number: '001', prefix: '8', password: EXTENSION_PASSWORD }] },
      },
    },
  });
  t.after(() => x.stop());
  const sipPort = x.d.sip!.ports.udp;

  // The extension's phone registers from the port it then answers on (the registrar sends to the REGISTER's source).
  const reg = await sippRegister(sipPort, extPhone, '8001', EXTENSION_PASSWORD, dir);
  assert.equal(reg.code, 0, `REGISTER 401 → 200:\n${reg.output.slice(-2000)}`);

  await t.test('a fixed extension of the embedded registrar', async () => {
    const { invite, record } = await callThrough(x, 1, '+8613800138000', extPhone, dir, 'extension');
    assert.match(invite, /^INVITE sip:8001@127\.0\.0\.1:\d+/);
    assert.match(invite, /^P-Asserted-Identity: <sip:\+8613800138000@[^>]+>/m);
    assert.equal(record.outcome, 'answered');
    assert.equal(record.direction, 'in');
    assert.equal(record.causes.voip, 'BYE');
  });

  await t.test('a URI 101@127.0.0.1:<port>', async () => {
    const { invite, record } = await callThrough(x, 2, '+8613900139000', uriPhone, dir, 'uri');
    assert.match(invite, /^INVITE sip:101@127\.0\.0\.1:\d+/);
    assert.match(invite, /^P-Asserted-Identity: <sip:\+8613900139000@[^>]+>/m);
    assert.doesNotMatch(invite.match(/^From:.*$/m)![0], /13900139000/, 'with "pai" the From carries the gateway, not the caller');
    assert.equal(record.outcome, 'answered');
    assert.equal(record.causes.voip, 'BYE');
  });

  await t.test('a caller-prefix map: callers from area codes 010 and 021 reach different phones', async () => {
    const a = await callThrough(x, 3, '+861088886666', map010, dir, 'map010');
    assert.match(a.invite, /^INVITE sip:201@127\.0\.0\.1:\d+/);
    assert.match(a.invite, /^P-Asserted-Identity: <sip:\+861088886666@[^>]+>/m);
    assert.equal(a.record.outcome, 'answered');
    const b = await callThrough(x, 3, '+862166667777', map021, dir, 'map021');
    assert.match(b.invite, /^INVITE sip:202@127\.0\.0\.1:\d+/);
    assert.equal(b.record.outcome, 'answered');
    assert.equal(b.record.causes.voip, 'BYE');
  });
});
