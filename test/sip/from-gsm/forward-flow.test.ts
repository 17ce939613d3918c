/**
 * GSM → SIP calls end to end on loopback: an incoming call on a fake line is forwarded by the router
 * through a real SIP endpoint to SIPp phones. One phone answers (the line is answered, the caller's
 * hang-up sends BYE); two phones ring, one answers and the other gets CANCEL; a late 200 and the
 * CANCEL/200 race are ACKed and ended with BYE; all busy rejects the GSM call with 486 in the record;
 * the caller hanging up while phones ring CANCELs them; the phone's BYE hangs up the line; no answer
 * within sip.forward.noAnswerSec CANCELs and rejects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../../src/call/call.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { contactAt, scratchDir, sipConfig, startPhone, startRig, type Phone, type Rig } from './gsm-to-sip-fixtures.js';

const GROUP_CONFIG = sipConfig({ registrar: { enabled: true, groups: [{ name: 'ring', lines: [1] }] } });

async function phonesDone(phones: Phone[]): Promise<void> {
  for (const phone of phones) {
    const code = await phone.sipp.exited;
    assert.equal(code, 0, `sipp on ${phone.port} exited with ${code}:\n${phone.sipp.output().slice(-2500)}`);
  }
}

async function withRig(config: ReturnType<typeof sipConfig>, scenarios: string[], body: (rig: Rig, phones: Phone[]) => Promise<void>): Promise<void> {
  const scratch = scratchDir();
  const rig = await startRig(config);
  const phones: Phone[] = [];
  try {
    for (const scenario of scenarios) phones.push(await startPhone(scenario, scratch.dir));
    rig.contacts = phones.map((p, i) => contactAt(p.port, String(201 + i)));
    await body(rig, phones);
  } finally {
    for (const phone of phones) phone.sipp.kill();
    await rig.close();
    scratch.remove();
  }
}

function recordOf(rig: Rig, call: Call) {
  const record = rig.store.getCall(call.id);
  assert.ok(record, 'the call was recorded');
  return record;
}

test('one target (a SIP URI) answers: the GSM call is answered, and the caller hanging up sends BYE', async () => {
  const scratch = scratchDir();
  const phone = await startPhone('uas', scratch.dir);
  const rig = await startRig(sipConfig({ forward: { lines: { '1': `101@127.0.0.1:${phone.port}` } } }));
  try {
    const call = rig.line.ring('13912345678');
    assert.deepEqual(call.voip, { peer: `sip:101@127.0.0.1:${phone.port}`, cause: null });
    await waitUntil(() => call.state === 'CONNECTED', 5000, 'the GSM call answered');
    assert.equal(rig.line.answers, 1);
    assert.equal(rig.media.sessions[0]!.remote.length, 1, 'the answer SDP reached the media session');
    await waitUntil(() => rig.media.sessions[0]!.audio !== null, 3000, 'the call audio to start');
    const session = rig.media.sessions[0]!;
    assert.equal(session.audio!.lineId, 1, 'the audio joins the line the call is on');
    session.audio!.events.gsmDigit('5');
    session.audio!.events.sipDigit('3');
    assert.deepEqual(session.toSip, ['5'], 'a GSM digit goes out as RFC 4733 (the default)');
    assert.deepEqual(session.keyed, ['3'], 'a SIP digit is keyed to GSM');
    rig.line.callerHangsUp();
    await phonesDone([phone]);
    const record = recordOf(rig, call);
    assert.equal(record.outcome, 'answered');
    assert.match(record.voipCause ?? '', /^BYE from the gateway/);
    assert.equal(rig.media.sessions[0]!.closed, true);
    assert.equal(rig.router.activeCount, 0);
  } finally {
    phone.sipp.kill();
    await rig.close();
    scratch.remove();
  }
});

test('audio that fails for good (no RTP) ends the forwarded call: BYE to the phone, the GSM leg hung up', async () => {
  const scratch = scratchDir();
  const phone = await startPhone('uas', scratch.dir);
  const rig = await startRig(sipConfig({ forward: { lines: { '1': `101@127.0.0.1:${phone.port}` } } }));
  try {
    const call = rig.line.ring('13912345678');
    await waitUntil(() => rig.media.sessions[0]?.audio != null, 5000, 'the call audio to start');
    rig.media.sessions[0]!.audio!.events.failed('no RTP for 30 s');
    await phonesDone([phone]);
    await waitUntil(() => call.ended, 3000, 'the GSM leg to end');
    assert.equal(recordOf(rig, call).voipCause, 'no RTP for 30 s', 'the record says why');
  } finally {
    phone.sipp.kill();
    await rig.close();
    scratch.remove();
  }
});

test('two phones of the group ring, one answers, the other gets CANCEL', async () => {
  await withRig(GROUP_CONFIG, ['uas', 'ring-until-cancel'], async (rig, phones) => {
    const call = rig.line.ring('13912345678');
    assert.equal(call.voip?.peer, 'group ring');
    await waitUntil(() => call.state === 'CONNECTED', 5000, 'the GSM call answered');
    await phonesDone([phones[1]!]);
    rig.line.callerHangsUp();
    await phonesDone([phones[0]!]);
    assert.equal(recordOf(rig, call).outcome, 'answered');
  });
});

test('a late 200 from a second phone (no ringing first) is ACKed and ended with BYE', async () => {
  await withRig(GROUP_CONFIG, ['uas', 'late-answer'], async (rig, phones) => {
    const call = rig.line.ring('13912345678');
    await waitUntil(() => call.state === 'CONNECTED', 5000, 'the GSM call answered');
    await phonesDone([phones[1]!]);
    assert.equal(call.state, 'CONNECTED', 'the late 200 did not disturb the call');
    rig.line.callerHangsUp();
    await phonesDone([phones[0]!]);
  });
});

test('the CANCEL/200 race: a phone answering just as it is cancelled is ACKed and ended with BYE', async () => {
  await withRig(GROUP_CONFIG, ['uas', 'cancel-race'], async (rig, phones) => {
    const call = rig.line.ring('13912345678');
    await waitUntil(() => call.state === 'CONNECTED', 5000, 'the GSM call answered');
    await phonesDone([phones[1]!]);
    rig.line.callerHangsUp();
    await phonesDone([phones[0]!]);
  });
});

test('every phone busy: the GSM call is rejected and the record shows 486', async () => {
  await withRig(GROUP_CONFIG, ['busy', 'busy'], async (rig, phones) => {
    const call = rig.line.ring('13912345678');
    await waitUntil(() => call.ended, 5000, 'the GSM call rejected');
    await phonesDone(phones);
    assert.equal(rig.line.hangups, 1);
    assert.equal(rig.line.answers, 0);
    const record = recordOf(rig, call);
    assert.equal(record.outcome, 'missed');
    assert.equal(record.voipCause, '486 Busy Here');
    assert.equal(record.gatewayCause, 'forwarded to group ring: no target took the call (486 Busy Here)');
    assert.equal(rig.media.sessions[0]!.closed, true);
  });
});

test('the GSM caller hangs up while the phones ring: both get CANCEL', async () => {
  await withRig(GROUP_CONFIG, ['ring-until-cancel', 'ring-until-cancel'], async (rig, phones) => {
    const call = rig.line.ring(null);
    // Let both phones send their 180 first, so the CANCELs go out at once (§9.1 holds them back until a provisional).
    await new Promise((r) => setTimeout(r, 400));
    rig.line.callerHangsUp();
    await phonesDone(phones);
    const record = recordOf(rig, call);
    assert.equal(record.outcome, 'missed');
    assert.equal(record.voipCause, 'CANCEL (the GSM caller hung up)');
    assert.equal(rig.line.hangups, 0);
  });
});

test('the phone hangs up (BYE): the GSM line is hung up', async () => {
  await withRig(GROUP_CONFIG, ['answer-then-bye'], async (rig, phones) => {
    const call = rig.line.ring('13912345678');
    await waitUntil(() => call.state === 'CONNECTED', 5000, 'the GSM call answered');
    await waitUntil(() => call.ended, 5000, 'the GSM call hung up');
    await phonesDone(phones);
    assert.equal(rig.line.hangups, 1);
    const record = recordOf(rig, call);
    assert.equal(record.outcome, 'answered');
    assert.equal(record.voipCause, 'BYE');
  });
});

test('no answer within sip.forward.noAnswerSec: CANCEL, and the GSM call is rejected', async () => {
  const config = { ...GROUP_CONFIG, forward: { ...GROUP_CONFIG.forward, noAnswerSec: 1 } };
  await withRig(config, ['ring-until-cancel'], async (rig, phones) => {
    const call = rig.line.ring('13912345678');
    await waitUntil(() => call.ended, 5000, 'the GSM call rejected');
    await phonesDone(phones);
    const record = recordOf(rig, call);
    assert.equal(record.voipCause, 'CANCEL (no answer)');
    assert.equal(record.gatewayCause, 'forwarded to group ring: no answer within 1 s');
  });
});
