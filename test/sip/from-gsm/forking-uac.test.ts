/**
 * The forking UAC on a fake endpoint, for the edges SIPp cannot time exactly: CANCEL held back until a
 * branch's first provisional response (RFC 3261 §9.1), a 2xx on a branch we meant to cancel, an
 * unusable answer ended with BYE (488), an INVITE that cannot be sent, no branches at all, cancel
 * after the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipInviteEvents, SipInviteOutcome } from '../../../src/sip/core/index.js';
import type { Dialog } from '../../../src/sip/dialog/index.js';
import { createRequest, createResponse, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import { ForkingUac, type ForkEndpoint } from '../../../src/sip/from-gsm/index.js';
import { silentLogger } from '../../../src/util/log.js';

interface Sent {
  invite: SipRequest;
  events: SipInviteEvents;
  settle(outcome: SipInviteOutcome): void;
  cancels: number;
}

class FakeEndpoint implements ForkEndpoint {
  readonly sent: Sent[] = [];
  readonly byes: Dialog[] = [];
  failOn = -1;
  readonly dialogs = { sendBye: (dialog: Dialog) => (this.byes.push(dialog), undefined) };
  sendInvite(invite: SipRequest, _target: unknown, events: SipInviteEvents = {}) {
    if (this.sent.length === this.failOn) {
      this.sent.push({ invite, events, settle: () => undefined, cancels: 0 });
      throw new Error('no udp transport');
    }
    let settle: (o: SipInviteOutcome) => void = () => undefined;
    const outcome = new Promise<SipInviteOutcome>((resolve) => (settle = resolve));
    const entry: Sent = { invite, events, settle, cancels: 0 };
    this.sent.push(entry);
    return { outcome, cancel: () => (entry.cancels++, { ok: true as const, cancel: invite }) };
  }
}

function invite(n: number): SipRequest {
  return createRequest({ method: 'INVITE', uri: `sip:${n}@127.0.0.1`, via: { transport: 'UDP', host: '127.0.0.1', port: 5060 }, from: { uri: 'sip:139@127.0.0.1' }, to: { uri: `sip:${n}@127.0.0.1` }, cseq: 1, version: 't' });
}

function response(sent: Sent, status: number, body = ''): SipResponse {
  return createResponse(sent.invite, status, status === 200 ? 'OK' : status === 180 ? 'Ringing' : 'Busy Here', { version: 't', body });
}

function fork(endpoint: FakeEndpoint, n: number, extra: Partial<ConstructorParameters<typeof ForkingUac>[0]> = {}): ForkingUac {
  const branches = Array.from({ length: n }, (_, i) => ({ label: `b${i}`, invite: invite(i), target: { ip: '127.0.0.1', port: 5070 + i, kind: 'udp' as const } }));
  return new ForkingUac({ endpoint, branches, noAnswerMs: 60_000, log: silentLogger(), ...extra });
}

const tick = () => new Promise((r) => setImmediate(r));
const dialog = (name: string) => ({ name }) as unknown as Dialog;

test('§9.1: a branch with no provisional response gets its CANCEL only when one arrives; its 2xx instead is ended with BYE', async () => {
  const endpoint = new FakeEndpoint();
  const uac = fork(endpoint, 3);
  const outcome = uac.start();
  const [a, b, c] = endpoint.sent as [Sent, Sent, Sent];
  b.events.onProvisional?.(response(b, 180), undefined);
  a.settle({ kind: 'answered', response: response(a, 200), dialog: dialog('a') });
  const result = await outcome;
  assert.equal(result.kind, 'answered');
  assert.deepEqual([a.cancels, b.cancels, c.cancels], [0, 1, 0], 'b had rung: CANCEL now; c had not: held back');
  assert.deepEqual(uac.branchStates().map((s) => s.state), ['answered', 'cancelling', 'cancel-pending']);
  c.events.onProvisional?.(response(c, 180), undefined);
  assert.equal(c.cancels, 1, 'the held-back CANCEL goes out with the first provisional');
  b.settle({ kind: 'failed', response: response(b, 487) });
  await tick();
  const late = endpoint.sent[2]!;
  late.settle({ kind: 'answered', response: response(late, 200), dialog: dialog('c') });
  await tick();
  assert.deepEqual(endpoint.byes.map((d) => (d as unknown as { name: string }).name), ['c']);
  assert.equal(uac.state, 'answered');
});

test('an answer whose SDP is unusable is ended with BYE and counts as 488; another branch may still win', async () => {
  const endpoint = new FakeEndpoint();
  const uac = fork(endpoint, 2, { acceptAnswer: (r) => r.bodyText.includes('m=audio') });
  const outcome = uac.start();
  const [a, b] = endpoint.sent as [Sent, Sent];
  a.settle({ kind: 'answered', response: response(a, 200, 'v=0\r\n'), dialog: dialog('a') });
  await tick();
  assert.equal(endpoint.byes.length, 1);
  assert.equal(uac.state, 'ringing');
  b.settle({ kind: 'answered', response: response(b, 200, 'v=0\r\nm=audio 4000 RTP/AVP 0\r\n'), dialog: dialog('b') });
  const result = await outcome;
  assert.equal(result.kind === 'answered' && result.label, 'b1');
  assert.deepEqual(uac.branchStates().map((s) => s.state), ['released', 'answered']);
  const aloneEndpoint = new FakeEndpoint();
  const alone = fork(aloneEndpoint, 1, { acceptAnswer: () => false });
  const aloneOutcome = alone.start();
  const only = aloneEndpoint.sent[0]!;
  only.settle({ kind: 'answered', response: response(only, 200), dialog: dialog('x') });
  assert.deepEqual(await aloneOutcome, { kind: 'failed', status: 488, reason: 'Not Acceptable Here' });
});

test('an INVITE that cannot be sent is a 503 branch; no branches at all is 480; cancel after the end does nothing', async () => {
  const endpoint = new FakeEndpoint();
  endpoint.failOn = 0;
  const uac = fork(endpoint, 1);
  assert.deepEqual(await uac.start(), { kind: 'failed', status: 503, reason: 'Service Unavailable' });
  uac.cancel();
  assert.equal(uac.state, 'failed');
  const none = fork(new FakeEndpoint(), 0);
  assert.deepEqual(await none.start(), { kind: 'failed', status: 480, reason: 'Temporarily Unavailable' });
});

test('the caller gives up: every ringing branch gets CANCEL, the outcome is cancelled, a later 2xx gets BYE', async () => {
  const endpoint = new FakeEndpoint();
  const uac = fork(endpoint, 2);
  const outcome = uac.start();
  const [a, b] = endpoint.sent as [Sent, Sent];
  a.events.onProvisional?.(response(a, 180), undefined);
  uac.cancel();
  assert.deepEqual(await outcome, { kind: 'cancelled' });
  assert.deepEqual([a.cancels, b.cancels], [1, 0]);
  b.settle({ kind: 'answered', response: response(b, 200), dialog: dialog('b') });
  await tick();
  assert.equal(endpoint.byes.length, 1);
});

test('no answer in time: CANCEL to the ringing branches and the outcome timed-out', async () => {
  const endpoint = new FakeEndpoint();
  const uac = fork(endpoint, 1, { noAnswerMs: 20 });
  const outcome = uac.start();
  const [a] = endpoint.sent as [Sent];
  a.events.onProvisional?.(response(a, 180), undefined);
  assert.deepEqual(await outcome, { kind: 'timed-out' });
  assert.equal(a.cancels, 1);
});
