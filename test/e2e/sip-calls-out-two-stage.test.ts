/**
 * GSM → SIP two-stage dialling through the daemon (docs/sip.md "Two-stage dialling towards VoIP"): an
 * outside caller rings a SIM on a line with no forward target and `sip.forward.twoStage` on; the gateway
 * answers, switches on the modem's DTMF detection, and the caller keys in "101#" (the simulator's
 * control API): the SIPp phone registered as extension 101 receives the INVITE, answers and hangs up.
 * Silence hangs up after the no-input time; a number that is no extension ("00449…#") is refused and
 * nothing receives an INVITE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSippInstalled, freeUdpPort } from '../helpers/sipp.js';
import { startSmsDaemon, waitFor, type SmsDaemon } from './sms-daemon.js';
import { outsideCall, recordOf, ringLine, sippPhone, sippRegister } from './helpers/sip-gsm-calls.js';

const PASSWORD = 'two-stage-door-1';

/** Rings `line` from `caller` and waits until the gateway answered it (the first stage). */
async function answeredCall(x: SmsDaemon, line: number, caller: string): Promise<number> {
  const { id } = await ringLine(x, line, caller);
  const answered = await waitFor(`the gateway to answer call ${id}`, () => outsideCall(x, id), (c) => c.state === 'active' || c.state === 'ended', 15_000);
  assert.equal(answered.state, 'active', `two-stage dialling answers the call: ${JSON.stringify(answered)}`);
  return id;
}

async function press(x: SmsDaemon, id: number, keys: string): Promise<void> {
  const r = await x.sim('POST', `/calls/${id}/dtmf`, { keys });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

test('two-stage dialling: "101#" reaches extension 101; silence and a non-extension hang up without an INVITE', { timeout: 90_000 }, async (t) => {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-two-stage-'));
  const phonePort = await freeUdpPort();
  const x = await startSmsDaemon({
    modems: 2,
    config: {
      sip: {
        forward: { twoStage: { enabled: true, noInputSec: 2, totalSec: 20 } },
        registrar: { enabled: true, extensions: [{ number: '101', password: PASSWORD }] },
      },
    },
  });
  t.after(() => x.stop());
  const sipPort = x.d.sip!.ports.udp;
  const reg = await sippRegister(sipPort, phonePort, '101', PASSWORD, dir);
  assert.equal(reg.code, 0, `REGISTER 401 → 200:\n${reg.output.slice(-2000)}`);

  await t.test('the caller keys in 101#: the INVITE goes to extension 101, which answers and hangs up', async () => {
    const trace = join(dir, 'two-stage-messages.log');
    const phone = await sippPhone(phonePort, 'gsm-to-sip-answer-then-bye.xml', dir, ['-trace_msg', '-message_file', trace]);
    const id = await answeredCall(x, 1, '+8613800138000');
    await press(x, id, '101#');
    assert.equal(await phone.exited, 0, `SIPp phone completed INVITE/200/ACK/BYE:\n${phone.output().slice(-3000)}`);
    assert.match(readFileSync(trace, 'utf8'), /^INVITE sip:101@127\.0\.0\.1:\d+/m);
    await waitFor(`the outside call ${id} to end`, () => outsideCall(x, id), (c) => c.state === 'ended', 10_000);
    const record = await recordOf(x, 1, '+8613800138000');
    assert.equal(record.outcome, 'answered');
    assert.equal(record.causes.voip, 'BYE');
  });

  // From here on nothing answers at the phone's address: any INVITE would arrive on this socket.
  const invites: string[] = [];
  const listener = createSocket('udp4');
  listener.on('message', (m) => invites.push(m.toString('latin1').split('\r\n')[0]!));
  await new Promise<void>((r) => listener.bind(phonePort, '127.0.0.1', () => r()));
  t.after(() => listener.close());

  await t.test('no key within the no-input time: the call is hung up with the reason recorded', async () => {
    const id = await answeredCall(x, 2, '+8613900139000');
    const ended = await waitFor(`call ${id} hung up`, () => outsideCall(x, id), (c) => c.state === 'ended', 15_000);
    assert.equal(ended.state, 'ended');
    const record = await recordOf(x, 2, '+8613900139000');
    assert.equal(record.causes.gateway, 'two-stage dialling: no number keyed in (ended by no key for 2 s)');
    assert.equal(record.causes.voip, 'no INVITE sent');
  });

  await t.test('a number that is no extension (00449…#) is refused; no INVITE is sent', async () => {
    const id = await answeredCall(x, 1, '+8613700137000');
    await press(x, id, '00449123456#');
    await waitFor(`call ${id} hung up`, () => outsideCall(x, id), (c) => c.state === 'ended', 15_000);
    const record = await recordOf(x, 1, '+8613700137000');
    assert.equal(record.causes.gateway, 'two-stage dialling: 00449123456 is not an extension of the embedded registrar');
    assert.equal(record.causes.voip, 'no INVITE sent');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(invites, []);
  });
});
