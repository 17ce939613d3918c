/**
 * Two-stage dialling towards VoIP, without SIP traffic: the call's state machine (two-stage-call.ts)
 * against a scripted GSM side, and the call service with a line that cannot detect DTMF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VoipLegControl, VoipLegHandle } from '../../../src/call/call-router.js';
import { NO_INVITE, TwoStageCall, type SecondStage } from '../../../src/sip/from-gsm/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { sipConfig, startRig } from './gsm-to-sip-fixtures.js';

interface Script {
  readonly control: VoipLegControl;
  readonly log: string[];
  press(keys: string): void;
  /** The control the VoIP leg got once the number was called. */
  inner: VoipLegControl | null;
}

function script(opts: { detect?: 'ok' | Error; answer?: boolean } = {}): Script {
  let onKey: ((key: string) => void) | null = null;
  const s: Script = {
    log: [],
    inner: null,
    press: (keys) => {
      for (const key of keys) onKey?.(key);
    },
    control: {
      detectKeys: async (listener) => {
        s.log.push('detect');
        if (opts.detect instanceof Error) throw opts.detect;
        onKey = listener;
      },
      answerGsm: async () => {
        s.log.push('ATA');
        return opts.answer ?? true;
      },
      rejectGsm: (voip, gateway) => s.log.push(`reject ${voip} / ${gateway}`),
      hangUpGsm: (voip) => s.log.push(`hang up ${voip}`),
    },
  };
  return s;
}

const tick = () => new Promise((r) => setImmediate(r));

function twoStage(s: Script, secondStage: (digits: string) => SecondStage, timing = { noInputMs: 60, totalMs: 2000 }) {
  const peers: string[] = [];
  const call = new TwoStageCall({ callId: '1:1', control: s.control, ...timing, secondStage, onPeer: (p) => peers.push(p), log: silentLogger() });
  return { call, peers };
}

const reaches =
  (calls: string[], leg: (control: VoipLegControl) => VoipLegHandle = () => ({ gsmEnded: () => 'CANCEL' })) =>
  (digits: string): SecondStage => {
    calls.push(digits);
    return { ok: true, peer: `extension ${digits}`, start: leg };
  };

test('two-stage: DTMF detection on, ATA, "101#" calls 101; the SIP answer connects without a second ATA', async () => {
  const s = script();
  const dialled: string[] = [];
  const { call, peers } = twoStage(
    s,
    reaches(dialled, (control) => {
      s.inner = control;
      return { gsmEnded: () => 'BYE from the gateway (the GSM side ended)' };
    }),
  );
  assert.equal(call.state, 'preparing');
  call.start();
  await tick();
  await tick();
  assert.equal(call.state, 'collecting');
  assert.deepEqual(s.log, ['detect', 'ATA']);
  s.press('1A01');
  assert.equal(call.collected, '101', 'A-D are not part of a number');
  s.press('#');
  assert.equal(call.state, 'forwarding');
  assert.deepEqual(dialled, ['101']);
  assert.deepEqual(peers, ['extension 101']);
  assert.equal(await s.inner!.answerGsm(), true);
  assert.equal(call.state, 'connected');
  assert.deepEqual(s.log, ['detect', 'ATA'], 'no second ATA');
  assert.equal(call.gsmEnded(), 'BYE from the gateway (the GSM side ended)');
  assert.equal(call.state, 'ended');
  assert.equal(call.gsmEnded(), null);
});

test('two-stage: a modem without DTMF detection refuses the call before answering it', async () => {
  const s = script({ detect: new Error("line 1's modem (family generic) has no dtmfDetection") });
  const { call } = twoStage(s, () => assert.fail('nothing is dialled'));
  call.start();
  await tick();
  assert.equal(call.state, 'ended');
  assert.deepEqual(s.log, ['detect', `reject ${NO_INVITE} / two-stage dialling needs the modem's DTMF detection: line 1's modem (family generic) has no dtmfDetection`]);
});

test('two-stage: silence hangs up after the no-input time; a bare "#" hangs up at once', async () => {
  const s = script();
  const { call } = twoStage(s, () => assert.fail('nothing is dialled'));
  call.start();
  await waitUntil(() => call.state === 'ended', 2000, 'no-input timeout');
  assert.equal(s.log.at(-1), `reject ${NO_INVITE} / two-stage dialling: no number keyed in (ended by no key for 0.06 s)`);

  const hash = script();
  const bare = twoStage(hash, () => assert.fail('nothing is dialled'));
  bare.call.start();
  await tick();
  await tick();
  hash.press('#');
  assert.equal(bare.call.state, 'ended');
  assert.equal(hash.log.at(-1), `reject ${NO_INVITE} / two-stage dialling: no number keyed in (ended by "#")`);
});

test('two-stage: the no-input time after some keys ends the number, which is dialled; each key restarts the wait', async () => {
  const s = script();
  const dialled: string[] = [];
  const { call } = twoStage(s, reaches(dialled), { noInputMs: 150, totalMs: 5000 });
  call.start();
  await tick();
  await tick();
  for (const key of '102') {
    s.press(key);
    await new Promise((r) => setTimeout(r, 60));
  }
  assert.equal(call.state, 'collecting', 'each key restarted the no-input wait');
  await waitUntil(() => call.state === 'forwarding', 2000, 'the number dialled after the no-input time');
  assert.deepEqual(dialled, ['102']);
});

test('two-stage: the total time bounds a caller who keeps pressing keys', async () => {
  const s = script();
  const dialled: string[] = [];
  const { call } = twoStage(s, reaches(dialled), { noInputMs: 1000, totalMs: 200 });
  call.start();
  await tick();
  await tick();
  const presser = setInterval(() => s.press('1'), 40);
  try {
    await waitUntil(() => call.state === 'forwarding', 2000, 'total time');
  } finally {
    clearInterval(presser);
  }
  assert.equal(dialled.length, 1);
  assert.match(dialled[0]!, /^1{2,}$/);
});

test('two-stage: a refused number hangs up with the reason and starts nothing', async () => {
  const s = script();
  const { call } = twoStage(s, (digits) => ({ ok: false, reason: `${digits} is not an extension of the embedded registrar` }));
  call.start();
  await tick();
  await tick();
  s.press('00449#');
  assert.equal(call.state, 'ended');
  assert.equal(s.log.at(-1), `reject ${NO_INVITE} / two-stage dialling: 00449 is not an extension of the embedded registrar`);
});

test('two-stage: the SIP side failing hangs up the GSM call with its status', async () => {
  const s = script();
  const { call } = twoStage(
    s,
    reaches([], (control) => {
      s.inner = control;
      return { gsmEnded: () => null };
    }),
  );
  call.start();
  await tick();
  await tick();
  s.press('101#');
  s.inner!.rejectGsm('486 Busy Here', 'forwarded to extension 101: no target took the call (486 Busy Here)');
  assert.equal(call.state, 'ended');
  assert.equal(s.log.at(-1), 'reject 486 Busy Here / forwarded to extension 101: no target took the call (486 Busy Here)');
});

test('two-stage: the caller hanging up while dialling ends it with no INVITE', async () => {
  const s = script();
  const { call } = twoStage(s, () => assert.fail('nothing is dialled'));
  call.start();
  await tick();
  await tick();
  s.press('10');
  assert.equal(call.gsmEnded(), `${NO_INVITE} (the caller hung up while dialling)`);
  s.press('1#');
  assert.equal(call.state, 'ended');
});

test('call service: two-stage on a line that cannot detect DTMF is refused unanswered, the reason in the record', async () => {
  const rig = await startRig(sipConfig({ forward: { twoStage: { enabled: true } } }));
  try {
    const c = rig.line.ring('+8613912345678');
    await waitUntil(() => c.ended, 3000, 'the call refused');
    const record = rig.store.getCall(c.id)!;
    assert.equal(rig.line.answers, 0);
    assert.equal(record.gatewayCause, "two-stage dialling needs the modem's DTMF detection: line 1 cannot detect DTMF keys");
    assert.equal(record.voipCause, NO_INVITE);
  } finally {
    await rig.close();
  }
});

test('call service: two-stage off (the default), a line without a target still rings and is rejected', async () => {
  const rig = await startRig(sipConfig({ forward: { twoStage: { enabled: true, lines: [2] } } }));
  try {
    const decision = rig.router.route(rig.line.ring('139'));
    assert.equal(decision.action, 'reject');
    assert.equal(sipConfig({}).forward.twoStage.enabled, false);
  } finally {
    await rig.close();
  }
});
