import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallLeg } from '../../modem-drivers/simulator/types.js';
import { FRAME_SAMPLES, toneFrames } from '../../modem-drivers/simulator/network/tone.js';
import { RecordingUe, attachMany, imeiOf, setup, simCard, watch } from './network-harness.js';

const N = (n: number): string => simCard(n).number!;

test('SIM → SIM: dialing, alerting after callSetupMs, answer, talk, hang-up by the caller', () => {
  const { clock, net } = setup({ timing: { callSetupMs: 1500 } });
  const [a, b] = attachMany(net, clock, 2);
  const leg = a!.att.dial(`${N(2)};`);
  const seen = watch(leg);
  assert.equal(leg.direction, 'mo');
  assert.equal(leg.state, 'dialing');
  assert.equal(leg.remote, N(2));
  clock.advance(1499);
  assert.equal(b!.incoming.length, 0);
  clock.advance(1);
  assert.equal(leg.state, 'alerting');
  const mt = b!.incoming[0]!;
  assert.equal(mt.direction, 'mt');
  assert.equal(mt.state, 'incoming');
  assert.equal(mt.remote, N(1)); // caller id
  assert.notEqual(mt.id, leg.id);
  const mtSeen = watch(mt);
  leg.answer(); // only the MT leg answers
  assert.equal(leg.state, 'alerting');
  clock.advance(2000);
  mt.answer();
  assert.equal(leg.state, 'active');
  assert.equal(mt.state, 'active');
  assert.equal(net.subscriber(simCard(1).imsi)!.inCall, true);
  // voice path both ways
  const atB: Int16Array[] = [];
  const atA: Int16Array[] = [];
  mt.onAudio((f) => atB.push(f));
  leg.onAudio((f) => atA.push(f));
  const f1 = new Int16Array(FRAME_SAMPLES).fill(100);
  leg.sendAudio(f1);
  mt.sendAudio(f1);
  assert.deepEqual([atA.length, atB.length], [1, 1]);
  assert.equal(atB[0], f1);
  clock.advance(10_000);
  leg.hangup();
  assert.deepEqual(seen, [['alerting', undefined], ['active', undefined], ['ended', 'normal']]);
  assert.deepEqual(mtSeen, [['active', undefined], ['ended', 'normal']]);
  leg.sendAudio(f1); // dropped once ended
  assert.equal(atB.length, 1);
  leg.hangup();
  assert.equal(net.activeCalls, 0);
  assert.equal(clock.pendingTimers, 0);
  const log = net.log(simCard(1).imsi)!.calls;
  assert.equal(log.length, 1);
  assert.deepEqual({ ...log[0]!, id: 0, time: 0 }, {
    id: 0, time: 0, direction: 'mo', peer: N(2), status: 'normal',
    answeredAt: log[0]!.answeredAt, endedAt: log[0]!.endedAt, durationMs: 10_000,
  });
  assert.equal(net.log(simCard(2).imsi)!.calls[0]!.direction, 'mt');
});

test('SIM → SIM: hang-up by the called party; national dialling and #31# (withheld caller id)', () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  b!.autoAnswer = true;
  const leg = a!.att.dial('#31#13800000002');
  const seen = watch(leg);
  clock.runDue();
  assert.equal(leg.state, 'active');
  const mt = b!.incoming[0]!;
  assert.equal(mt.remote, '');
  mt.hangup();
  assert.deepEqual(seen.at(-1), ['ended', 'normal']);
  assert.equal(mt.state, 'ended');
  // national with trunk prefix does not reach a mobile; 00-international does
  const l2 = a!.att.dial('008613800000002');
  clock.runDue();
  assert.equal(l2.state, 'active');
  l2.hangup();
});

test('busy: the called SIM is already in a call (no call waiting); rejecting a ringing call gives busy', () => {
  const { clock, net } = setup();
  const [a, b, c] = attachMany(net, clock, 3);
  const first = a!.att.dial(N(2));
  clock.runDue();
  assert.equal(first.state, 'alerting');
  const second = c!.att.dial(N(2));
  const seen = watch(second);
  clock.runDue();
  assert.deepEqual(seen, [['ended', 'busy']]);
  assert.equal(b!.incoming.length, 1);
  // B turns the first call down
  const firstSeen = watch(first);
  b!.incoming[0]!.hangup();
  assert.deepEqual(firstSeen, [['ended', 'busy']]);
  assert.equal(b!.incoming[0]!.state, 'ended');
  // calling oneself is busy too
  const self = a!.att.dial(N(1));
  const selfSeen = watch(self);
  clock.runDue();
  assert.deepEqual(selfSeen, [['ended', 'busy']]);
  assert.equal(net.activeCalls, 0);
});

test('no answer: the caller gives up after noAnswerMs', () => {
  const { clock, net } = setup({ timing: { noAnswerMs: 30_000 } });
  const [a, b] = attachMany(net, clock, 2);
  const leg = a!.att.dial(N(2));
  const seen = watch(leg);
  clock.runDue();
  const mtSeen = watch(b!.incoming[0]!);
  clock.advance(29_999);
  assert.equal(leg.state, 'alerting');
  clock.advance(1);
  assert.deepEqual(seen, [['alerting', undefined], ['ended', 'no-answer']]);
  assert.deepEqual(mtSeen, [['ended', 'no-answer']]);
  assert.equal(clock.pendingTimers, 0);
  assert.equal(net.log(simCard(2).imsi)!.calls[0]!.status, 'no-answer');
});

test('unreachable: a known SIM that is detached or not registered, an unroutable dial string, an outside x7777', () => {
  const { clock, net } = setup();
  const [a, b, c] = attachMany(net, clock, 3);
  b!.att.detach();
  net.setRegistration(simCard(3).imsi, 'denied');
  for (const dialled of [N(2), N(3), '*#06#', '', 'ABC', '+8613900007777']) {
    const leg = a!.att.dial(dialled);
    const seen = watch(leg);
    clock.runDue();
    assert.deepEqual(seen, [['ended', 'unreachable']], dialled);
  }
  assert.equal(c!.incoming.length, 0);
  assert.equal(clock.pendingTimers, 0);
});

test('caller hangs up while it rings: both legs end normal, timers gone', () => {
  const { clock, net } = setup({ timing: { callSetupMs: 100 } });
  const [a, b] = attachMany(net, clock, 2);
  const early = a!.att.dial(N(2));
  early.hangup(); // during set-up
  clock.advance(1000);
  assert.equal(b!.incoming.length, 0);
  assert.equal(early.state, 'ended');
  const leg = a!.att.dial(N(2));
  clock.advance(100);
  const mtSeen = watch(b!.incoming[0]!);
  leg.hangup();
  assert.deepEqual(mtSeen, [['ended', 'normal']]);
  assert.equal(clock.pendingTimers, 0);
  assert.equal(net.activeCalls, 0);
});

test('outside call out: answers after ringMs and echoes audio', () => {
  const { clock, net } = setup({ timing: { callSetupMs: 100, ringMs: 4000 } });
  const [a] = attachMany(net, clock, 1);
  const parties: CallLeg[] = [];
  net.outside.onCall((leg, info) => {
    parties.push(leg);
    assert.equal(info.from, N(1));
    assert.equal(info.to, '+861062345678');
  });
  const leg = a!.att.dial('01062345678');
  const seen = watch(leg);
  clock.advance(100);
  assert.equal(leg.state, 'alerting');
  assert.equal(parties.length, 1);
  clock.advance(4000);
  assert.equal(leg.state, 'active');
  const heard: Int16Array[] = [];
  leg.onAudio((f) => heard.push(f));
  const frame = new Int16Array(FRAME_SAMPLES).map((_, i) => i);
  leg.sendAudio(frame);
  assert.deepEqual(heard, [frame]);
  assert.equal(clock.pendingTimers, 0); // echo needs no timer
  parties[0]!.hangup(); // the outside party hangs up
  assert.deepEqual(seen.at(-1), ['ended', 'normal']);
});

test('outside call out: tone numbers send 20 ms frames only while active', () => {
  const { clock, net } = setup();
  const [a] = attachMany(net, clock, 1);
  const leg = a!.att.dial('+8613900001000');
  const heard: Int16Array[] = [];
  leg.onAudio((f) => heard.push(f));
  clock.runDue();
  assert.equal(leg.state, 'active');
  clock.advance(1000);
  assert.equal(heard.length, 51); // at 0, 20, ... 1000 ms
  assert.equal(heard[0], toneFrames(1000)[0]);
  assert.ok(heard.every((f) => f.length === FRAME_SAMPLES));
  // 1000 Hz at 8 kHz: 8 samples per cycle
  const f = heard[3]!;
  assert.equal(f[0], f[8]);
  assert.ok(Math.max(...f) > 7000);
  leg.hangup();
  assert.equal(clock.pendingTimers, 0);
  clock.advance(1000);
  assert.equal(heard.length, 51);
  // 425 Hz: phase repeats every 2 frames
  assert.equal(toneFrames(425).length, 2);
});

test('outside special numbers: busy, no answer, reject, hang-up after 5 s; custom rules come first', () => {
  const { clock, net } = setup({ timing: { ringMs: 3000, noAnswerMs: 20_000 } });
  const [a] = attachMany(net, clock, 1);
  const run = (number: string, ms: number): [string, string | undefined][] => {
    const leg = a!.att.dial(number);
    const seen = watch(leg);
    clock.advance(ms);
    return seen;
  };
  assert.deepEqual(run('+4930120000', 0), [['ended', 'busy']]);
  assert.deepEqual(run('+4930129999', 20_000), [['alerting', undefined], ['ended', 'no-answer']]);
  assert.deepEqual(run('+4930128888', 3000), [['alerting', undefined], ['ended', 'rejected']]);
  assert.deepEqual(run('+4930125555', 8000), [['alerting', undefined], ['active', undefined], ['ended', 'normal']]);
  assert.deepEqual(run('112', 3000), [['alerting', undefined], ['active', undefined]]);
  a!.att.detach();
  const b = new RecordingUe(imeiOf(9), simCard(9));
  b.attach(net);
  clock.runDue();
  net.outside.addRule(/^\+4930/, { kind: 'busy' });
  net.outside.addRule('+4930125555', { kind: 'manual' });
  const manual: CallLeg[] = [];
  net.outside.onCall((leg) => manual.push(leg));
  const l1 = b.att.dial('+4930111111');
  clock.runDue();
  assert.equal(l1.state, 'ended');
  const l2 = b.att.dial('+4930125555');
  clock.advance(60_000 - 1);
  manual[0]!.answer();
  assert.equal(l2.state, 'ended'); // noAnswerMs passed first
  const l3 = b.att.dial('+4930125555');
  clock.runDue();
  manual[1]!.answer();
  assert.equal(l3.state, 'active');
  l3.hangup();
  assert.equal(clock.pendingTimers, 0);
});

test('outside call in: rings the SIM, the UE answers (ATA), audio both ways, either side hangs up', () => {
  const { clock, net } = setup({ timing: { callSetupMs: 500 } });
  const [a, b] = attachMany(net, clock, 2);
  const caller = net.outside.call('+861062345678', '13800000001');
  const callerSeen = watch(caller);
  assert.equal(caller.direction, 'mo');
  clock.advance(500);
  assert.equal(caller.state, 'alerting');
  const mt = a!.incoming[0]!;
  assert.equal(mt.remote, '+861062345678');
  mt.answer();
  assert.deepEqual(callerSeen.map((s) => s[0]), ['alerting', 'active']);
  const atSim: Int16Array[] = [];
  const atCaller: Int16Array[] = [];
  mt.onAudio((f) => atSim.push(f));
  caller.onAudio((f) => atCaller.push(f));
  const frame = new Int16Array(FRAME_SAMPLES).fill(-3);
  caller.sendAudio(frame);
  mt.sendAudio(frame);
  assert.deepEqual([atSim.length, atCaller.length], [1, 1]);
  const mtSeen = watch(mt);
  caller.hangup();
  assert.deepEqual(mtSeen, [['ended', 'normal']]);
  assert.deepEqual(callerSeen.at(-1), ['ended', 'normal']);
  // SIM side hangs up; busy SIM; unknown number; echoing outside caller; withheld
  const c2 = net.outside.call('BANK', N(2), { audio: 'echo', withheld: true });
  clock.advance(500);
  const mt2 = b!.incoming[0]!;
  assert.equal(mt2.remote, '');
  mt2.answer();
  const echoed: Int16Array[] = [];
  mt2.onAudio((f) => echoed.push(f));
  mt2.sendAudio(frame);
  assert.deepEqual(echoed, [frame]);
  const busy = net.outside.call('+861062345678', N(2));
  const busySeen = watch(busy);
  clock.advance(500);
  assert.deepEqual(busySeen, [['ended', 'busy']]);
  mt2.hangup();
  assert.equal(c2.state, 'ended');
  const nobody = net.outside.call('+861062345678', '+8613999999999');
  clock.advance(500);
  assert.equal(nobody.state, 'ended');
  assert.equal(clock.pendingTimers, 0);
});

test('detach ends calls with network-failure on both sides and leaves no timers', () => {
  const { clock, net } = setup({ timing: { noAnswerMs: 30_000 } });
  const [a, b, c] = attachMany(net, clock, 3);
  b!.autoAnswer = true;
  const active = a!.att.dial(N(2));
  clock.runDue();
  const ringing = c!.att.dial('+8613900009999');
  clock.runDue();
  const activeSeen = watch(active);
  const peerSeen = watch(b!.incoming[0]!);
  b!.att.detach();
  assert.deepEqual(activeSeen, [['ended', 'network-failure']]);
  assert.deepEqual(peerSeen, [['ended', 'network-failure']]);
  const ringSeen = watch(ringing);
  c!.att.detach();
  assert.deepEqual(ringSeen, [['ended', 'network-failure']]);
  assert.equal(net.activeCalls, 0);
  assert.equal(clock.pendingTimers, 0);
  // a detached attachment can still be asked, and answers as having no service
  const after = c!.att.dial(N(1));
  const afterSeen = watch(after);
  clock.runDue();
  assert.deepEqual(afterSeen, [['ended', 'network-failure']]);
});

test('a throwing listener does not break the network', () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  b!.events.incomingCall = (leg) => {
    leg.onState(() => {
      throw new Error('listener bug');
    });
    throw new Error('handler bug');
  };
  const leg = a!.att.dial(N(2));
  clock.runDue();
  assert.equal(leg.state, 'alerting');
  leg.hangup();
  assert.equal(leg.state, 'ended');
  assert.equal(net.activeCalls, 0);
});

test('close() ends everything', () => {
  const { clock, net } = setup();
  const [a] = attachMany(net, clock, 2);
  const leg = a!.att.dial('+8613900001000');
  clock.runDue();
  assert.equal(leg.state, 'active');
  net.close();
  assert.equal(leg.state, 'ended');
  assert.equal(clock.pendingTimers, 0);
});
