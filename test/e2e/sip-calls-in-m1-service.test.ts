/**
 * The manual's "M1:<service number>" forward number (§4.6) through the daemon: SIPp calls 13912345678,
 * the line dials the service 91000 instead, the simulated outside party 91000 answers, and about 1 s
 * later it has received the called number as DTMF (AT+VTS, one key per command), ended by "#"; only
 * then is the SIP call answered (SIPp's built-in uac needs the 200, then ends with BYE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmsDaemon, waitFor } from './sms-daemon.js';
import { assertSippPassed, endedRecord, sippCall } from './sip-calls-in-helpers.js';

interface ServiceCall {
  to: string;
  startedAt: string;
  dtmfReceived: string;
}

async function callsTo(control: string, service: string): Promise<ServiceCall[]> {
  const r = await fetch(`${control.replace(/\/$/, '')}/calls`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { calls: ServiceCall[] }).calls.filter((c) => c.to.endsWith(service));
}

test('M1:91000: the line dials the service, which receives "13912345678#" as DTMF after its answer; the SIP call is answered', async (t) => {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { calls: { twoStage: { forwardNumber: 'M1:91000' } } } } });
  t.after(() => x.stop());
  const called = '13912345678';
  const started = Date.now();
  assertSippPassed(await sippCall(x.d.sip!.ports.udp, { scenario: 'uac', number: called }));
  const [service] = await waitFor('the service call', () => callsTo(x.control, '91000'), (l) => l.length === 1);
  assert.equal(service!.dtmfReceived, `${called}#`, 'the service heard the called number and #');
  // The 200 went only after the keys, which wait 1 s after the service's answer.
  assert.ok(Date.now() - started >= 1000, 'the digits and the answer came after the 1 s wait');
  const record = await endedRecord(x.api, '91000');
  assert.equal(record.outcome, 'answered');
  assert.equal(record.origin, 'sip:demo');
  assert.equal(record.causes.voip, 'BYE');
});
