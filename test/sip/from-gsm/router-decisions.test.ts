/**
 * The GSM → SIP router's decisions without SIP traffic: nothing configured keeps ring-then-reject, a
 * target that cannot be reached says why in the reject cause, SIP switched off forwards nothing, no
 * free RTP port rejects the call at once, and a line that cannot answer is not left ringing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Call } from '../../../src/call/call.js';
import { RingThenRejectRouter, type VoipLegControl } from '../../../src/call/call-router.js';
import type { SipConfig } from '../../../src/config/schema-sip.js';
import { createGsmToSipRouter, type MediaSessions } from '../../../src/sip/from-gsm/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { sipConfig, startRig } from './gsm-to-sip-fixtures.js';

function routerWith(config: SipConfig, media: MediaSessions = { offer: () => null, answer: () => ({ ok: false, status: 503, reason: '' }) }) {
  return createGsmToSipRouter({
    endpoint: { sendInvite: () => assert.fail('no INVITE expected'), dialogs: { sendBye: () => undefined } },
    media,
    contactsForGroup: () => [],
    contactsFor: () => [],
    accountFor: () => null,
    config: () => config,
    local: { host: '127.0.0.1', port: 5060 },
    version: 't',
    fallback: new RingThenRejectRouter(() => 20),
    log: silentLogger(),
  });
}

const call = (number: string | null, line = 1) => new Call({ id: `${line}:1`, direction: 'in', origin: 'network', gsm: { line, slot: 'A', iccid: null, number, cause: null }, at: 1 });

test('nothing configured: ring, then reject, as without SIP; SIP switched off: the same', () => {
  assert.deepEqual(routerWith(sipConfig({})).route(call('139')), { action: 'reject', afterMs: 20_000, cause: 'no route for incoming calls: rejected after 20 s of ringing' });
  assert.equal(routerWith(sipConfig({ enabled: false, forward: { default: '101@127.0.0.1' } })).route(call('139')).action, 'reject');
});

test('a target that cannot be reached rings then rejects, with the reason in the cause', () => {
  const decision = routerWith(sipConfig({ forward: { default: '101' } })).route(call('139'));
  assert.deepEqual(decision, {
    action: 'reject',
    afterMs: 20_000,
    cause: 'not forwarded: extension 101 is not a registrar extension and line 1 has no SIP account to reach it through; no route for incoming calls: rejected after 20 s of ringing',
  });
});

test('no free RTP port: the forward rejects the GSM call at once with 503', () => {
  const decision = routerWith(sipConfig({ forward: { default: '101@127.0.0.1' } })).route(call('139'));
  assert.equal(decision.action, 'forward');
  if (decision.action !== 'forward') return;
  assert.equal(decision.peer, 'sip:101@127.0.0.1');
  const rejected: string[] = [];
  const control: VoipLegControl = { answerGsm: async () => true, rejectGsm: (voip, gateway) => rejected.push(voip, gateway), hangUpGsm: () => undefined, detectKeys: async () => undefined };
  const handle = decision.start(control);
  assert.deepEqual(rejected, ['503 no RTP port free', 'forwarded to sip:101@127.0.0.1: no RTP port free']);
  assert.equal(handle.gsmEnded(), null);
});

test('the call service: a forwarded call on a line that cannot answer is rejected when the SIP side answers', async () => {
  const rig = await startRig(sipConfig({ forward: { default: '101@127.0.0.1:9' } }));
  try {
    // A forward whose VoIP side answers at once, on a line without answer().
    const line = rig.line as unknown as { answer?: unknown };
    line.answer = undefined;
    (rig.router as unknown as { route: unknown }).route = () => ({
      action: 'forward',
      peer: 'test',
      start: (control: VoipLegControl) => {
        void control.answerGsm();
        return { gsmEnded: () => 'BYE from the gateway' };
      },
    });
    const c = rig.line.ring('139');
    await waitUntil(() => c.ended, 3000, 'the call rejected');
    const record = rig.store.getCall(c.id)!;
    assert.equal(record.gatewayCause, 'forwarded call answered on the VoIP side, but the line cannot answer');
    assert.equal(record.voipCause, 'BYE from the gateway');
  } finally {
    await rig.close();
  }
});
