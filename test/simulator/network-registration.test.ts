import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingUe, imeiOf, settle, setup, simCard, watch } from './network-harness.js';

test('registration: searching at attach, home on the SIM\'s PLMN after registrationMs, no synchronous callback', () => {
  const { clock, net } = setup({ timing: { registrationMs: 3000 } });
  const ue = new RecordingUe(imeiOf(1), simCard(1));
  const att = ue.attach(net);
  assert.equal(att.state, 'searching');
  assert.equal(att.rat, null);
  assert.equal(att.operator, null);
  assert.deepEqual(ue.regs, []);
  clock.advance(2999);
  assert.equal(att.state, 'searching');
  clock.advance(1);
  assert.deepEqual(ue.regs, [['home', '4G']]);
  assert.equal(net.subscriber(simCard(1).imsi)?.operator?.plmn, '46000');
  assert.equal(att.volte, true);
  assert.ok(att.rssi >= 20 && att.rssi <= 31, `rssi ${att.rssi}`);
  assert.equal(clock.pendingTimers, 0);
  // deterministic per IMEI
  const again = setup({ timing: { registrationMs: 3000 } });
  assert.equal(again.net.attach(imeiOf(1), simCard(9), new RecordingUe(imeiOf(1), simCard(9)).events).rssi, att.rssi);
});

test('registration: VoLTE follows the SIM and the RAT; setRat re-reports', () => {
  const { clock, net } = setup();
  const ue = new RecordingUe(imeiOf(1), simCard(1, { volte: false }));
  const att = ue.attach(net);
  clock.runDue();
  assert.equal(att.volte, false);
  const ue2 = new RecordingUe(imeiOf(2), simCard(2));
  const att2 = ue2.attach(net);
  clock.runDue();
  assert.equal(att2.volte, true);
  assert.equal(net.setRat(simCard(2).imsi, '3G'), true);
  assert.deepEqual(ue2.lastReg, ['home', '3G']);
  assert.equal(att2.volte, false);
  assert.equal(net.setRat(simCard(2).imsi, '5G' as never), false);
  assert.equal(net.setRat('999', '2G'), false);
});

test('manual PLMN: another operator → roaming, unknown → not-registered, automatic again → home', () => {
  const { clock, net } = setup({ timing: { registrationMs: 100 } });
  const ue = new RecordingUe(imeiOf(1), simCard(1));
  const att = ue.attach(net);
  clock.advance(100);
  att.selectPlmn('46001');
  assert.deepEqual(ue.lastReg, ['searching', null]);
  clock.advance(100);
  assert.deepEqual(ue.lastReg, ['roaming', '4G']);
  assert.equal(att.operator?.shortName, 'UNICOM');
  att.selectPlmn('46001'); // already there: nothing happens
  assert.equal(ue.regs.length, 3);
  att.selectPlmn('99999');
  clock.advance(100);
  assert.deepEqual(ue.lastReg, ['not-registered', null]);
  assert.equal(att.operator, null);
  att.selectPlmn(null);
  clock.advance(100);
  assert.deepEqual(ue.regs.map((r) => r[0]), ['home', 'searching', 'roaming', 'searching', 'not-registered', 'searching', 'home']);
});

test('a SIM whose home PLMN is absent roams on the first operator; no operators → not-registered', () => {
  const { clock, net } = setup();
  const ue = new RecordingUe(imeiOf(1), simCard(1, { plmn: '46099' }));
  ue.attach(net);
  clock.runDue();
  assert.deepEqual(ue.lastReg, ['roaming', '4G']);
  const empty = setup({ operators: [] });
  const lone = new RecordingUe(imeiOf(2), simCard(2));
  lone.attach(empty.net);
  empty.clock.runDue();
  assert.deepEqual(lone.lastReg, ['not-registered', null]);
});

test('setRegistration override: denied drops calls and holds; null registers again', async () => {
  const { clock, net } = setup({ timing: { registrationMs: 50 } });
  const a = new RecordingUe(imeiOf(1), simCard(1));
  const b = new RecordingUe(imeiOf(2), simCard(2));
  a.attach(net);
  b.attach(net);
  clock.advance(50);
  const leg = a.att.dial(simCard(2).number!);
  const seen = watch(leg);
  clock.runDue();
  b.incoming[0]!.answer();
  assert.equal(leg.state, 'active');
  assert.equal(net.setRegistration(simCard(1).imsi, 'denied'), true);
  assert.deepEqual(a.lastReg, ['denied', null]);
  assert.deepEqual(seen.at(-1), ['ended', 'network-failure']);
  assert.equal(b.incoming[0]!.state, 'ended');
  // while denied nothing works
  const r = await a.att.submitSms(new Uint8Array([1, 0, 0, 0, 0, 0]), null);
  assert.deepEqual(r, { ok: false, cause: 331, text: 'no network service' });
  assert.deepEqual(await a.att.ussd('*100#'), { m: 2, text: 'No network service' });
  const l2 = a.att.dial(simCard(2).number!);
  const s2 = watch(l2);
  clock.runDue();
  assert.deepEqual(s2, [['ended', 'network-failure']]);
  clock.advance(1000);
  assert.equal(a.att.state, 'denied');
  net.setRegistration(simCard(1).imsi, null);
  assert.deepEqual(a.lastReg, ['searching', null]);
  clock.advance(50);
  assert.deepEqual(a.lastReg, ['home', '4G']);
  // SIMs never seen cannot be overridden; a known SIM's override applies at its next attach, silently
  assert.equal(net.setRegistration(simCard(3).imsi, 'denied'), false);
  net.setRegistration(simCard(2).imsi, 'searching');
  b.att.detach();
  const b2 = new RecordingUe(imeiOf(2), simCard(2));
  assert.equal(b2.attach(net).state, 'searching');
  clock.advance(1000);
  assert.deepEqual(b2.regs, []);
  await settle();
});

test('signal: setSignal reports +CSQ changes; 99 is loss of coverage until it returns', () => {
  const { clock, net } = setup({ timing: { registrationMs: 10 } });
  const ue = new RecordingUe(imeiOf(1), simCard(1));
  const att = ue.attach(net);
  clock.advance(10);
  assert.equal(net.setSignal(simCard(1).imsi, 5), true);
  assert.equal(att.rssi, 5);
  assert.deepEqual(ue.signals, [5]);
  assert.equal(att.state, 'home');
  net.setSignal(simCard(1).imsi, 99);
  assert.deepEqual(ue.lastReg, ['searching', null]);
  clock.advance(1000);
  assert.equal(att.state, 'searching');
  assert.equal(clock.pendingTimers, 0);
  net.setSignal(simCard(1).imsi, 25);
  clock.advance(10);
  assert.deepEqual(ue.lastReg, ['home', '4G']);
  assert.deepEqual(ue.signals, [5, 99, 25]);
  assert.equal(net.setSignal(simCard(1).imsi, 32), false);
  assert.equal(net.setSignal(simCard(1).imsi, 3.5), false);
  assert.equal(net.setSignal('unknown', 3), false);
  // the override survives re-attach
  att.detach();
  const again = new RecordingUe(imeiOf(5), simCard(1));
  assert.equal(again.attach(net).rssi, 25);
});

test('subscribers() lists every SIM seen with its state; detach keeps the record', () => {
  const { clock, net } = setup();
  const a = new RecordingUe(imeiOf(1), simCard(1));
  const b = new RecordingUe(imeiOf(2), simCard(2, { number: null }));
  a.attach(net);
  b.attach(net);
  clock.runDue();
  const list = net.subscribers();
  assert.equal(list.length, 2);
  const sa = list.find((s) => s.imsi === simCard(1).imsi)!;
  assert.deepEqual(
    { number: sa.number, imei: sa.imei, state: sa.state, rat: sa.rat, op: sa.operator?.plmn, attached: sa.attached, inCall: sa.inCall },
    { number: '+8613800000001', imei: imeiOf(1), state: 'home', rat: '4G', op: '46000', attached: true, inCall: false },
  );
  const sb = net.subscriber(simCard(2).imsi)!;
  assert.equal(sb.simNumber, null);
  assert.equal(sb.number, '+8614000000002'); // derived from the IMSI
  assert.equal(net.numberOf(simCard(2).imsi), '+8614000000002');
  b.att.detach();
  b.att.detach();
  const after = net.subscriber(simCard(2).imsi)!;
  assert.equal(after.attached, false);
  assert.equal(after.imei, null);
  assert.equal(after.state, 'not-registered');
  assert.equal(b.att.state, 'not-registered');
});

test('attach: a UE attaching another SIM replaces its attachment; a SIM moved to another UE leaves the first', () => {
  const { clock, net } = setup();
  const first = new RecordingUe(imeiOf(1), simCard(1));
  const att1 = first.attach(net);
  clock.runDue();
  const swapped = new RecordingUe(imeiOf(1), simCard(2));
  swapped.attach(net);
  clock.runDue();
  assert.equal(net.subscriber(simCard(1).imsi)!.attached, false);
  assert.equal(att1.state, 'not-registered');
  const moved = new RecordingUe(imeiOf(3), simCard(2));
  moved.attach(net);
  clock.runDue();
  assert.equal(net.subscriber(simCard(2).imsi)!.imei, imeiOf(3));
  assert.equal(swapped.att.state, 'not-registered');
  assert.throws(() => net.attach(imeiOf(4), { ...simCard(4), imsi: '' }, first.events), /IMSI/);
});

test('per-modem timing: setTiming overrides the network delays for one IMEI', () => {
  const { clock, net } = setup({ timing: { registrationMs: 1000 } });
  net.setTiming(imeiOf(2), { registrationMs: 10 });
  const a = new RecordingUe(imeiOf(1), simCard(1));
  const b = new RecordingUe(imeiOf(2), simCard(2));
  a.attach(net);
  b.attach(net);
  clock.advance(10);
  assert.equal(b.att.state, 'home');
  assert.equal(a.att.state, 'searching');
  clock.advance(990);
  assert.equal(a.att.state, 'home');
  net.setTiming(imeiOf(2), null);
  b.att.selectPlmn('46001');
  clock.advance(10);
  assert.equal(b.att.state, 'searching');
  clock.advance(990);
  assert.equal(b.att.state, 'roaming');
});

test('jitter varies delays deterministically per seed', () => {
  const times = (seed: number): number[] => {
    const { clock, net } = setup({ timing: { registrationMs: 1000 }, jitter: 0.5, seed });
    const out: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const ue = new RecordingUe(imeiOf(i), simCard(i));
      ue.events.registration = () => out.push(clock.now());
      ue.attach(net);
    }
    clock.runAll();
    return out.sort();
  };
  const a = times(7);
  assert.deepEqual(times(7), a);
  assert.notDeepEqual(times(8), a);
  assert.ok(a.every((t) => t - a[0]! <= 1000));
});
