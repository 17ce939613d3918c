/**
 * Two simulated modems on the simulated mobile network (network/MobileNetwork with its ManualClock): an SMS
 * sent with AT+CMGS by one reaches the other's SIM (+CMTI, +CMGR), and a call between them rings, is
 * answered and ends with NO CARRIER on the other side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePdu, encodeSubmit } from '../../src/gsm/index.js';
import { ManualClock, MobileNetwork } from '../../modem-drivers/simulator/network/index.js';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { AtClient, lines, settle, numberedSim } from './modem-fakes.js';

const card = numberedSim;

test('SMS from one simulated modem reaches the SIM in the other; a call between them', async () => {
  const clock = new ManualClock();
  const net = new MobileNetwork({ clock, operators: [{ plmn: '46000', longName: 'CHINA MOBILE', shortName: 'CMCC' }] });
  const a = new SimulatedModem({ id: 1, dialect: 'quectel-ec25', imei: '867538030123450', sims: [card(1)], network: net, clock });
  const b = new SimulatedModem({ id: 2, dialect: 'simcom-sim7600', imei: '862656040123453', sims: [card(2)], network: net, clock });
  await clock.advanceAsync(0);
  const ca = new AtClient(a.open());
  const cb = new AtClient(b.open());
  await settle();
  ca.take();
  cb.take();
  for (const c of [ca, cb]) {
    await c.at('ATE0');
    assert.match(await c.at('AT+CREG?'), /\+CREG: 0,1/);
  }
  await cb.at('AT+CPMS="ME","ME","ME"');
  await cb.at('AT+CNMI=2,1,0,0,0');
  await cb.at('AT+CLIP=1');

  const pdu = encodeSubmit({ to: '+8613800000002', text: 'hello from A' });
  assert.equal(await ca.at(`AT+CMGS=${pdu.tpduLength}`), '\r\n> ');
  ca.port.write(pdu.hex + '\x1a');
  await clock.advanceAsync(0);
  await settle();
  assert.match(ca.take(), /^\r\n\+CMGS: \d+\r\n\r\nOK\r\n$/);
  await clock.advanceAsync(0);
  await settle();
  assert.equal(cb.take(), '\r\n+CMTI: "ME",0\r\n');
  const read = lines(await cb.at('AT+CMGR=0'));
  assert.match(read[0]!, /^\+CMGR: 0,,\d+$/);
  const d = decodePdu(read[1]!);
  assert.ok(d.type === 'deliver');
  assert.equal(d.text, 'hello from A');
  assert.equal(d.originator.number, '+8613800000001');

  assert.equal(await ca.at('ATD+8613800000002;'), '\r\nOK\r\n');
  await clock.advanceAsync(0);
  await settle();
  assert.equal(cb.take(), '\r\nRING\r\n\r\n+CLIP: "+8613800000001",145,"",0,"",0\r\n');
  assert.equal(await cb.at('ATA'), '\r\nOK\r\n\r\nVOICE CALL: BEGIN\r\n');
  await clock.advanceAsync(0);
  assert.match(await ca.at('AT+CLCC'), /\+CLCC: 1,0,0,0,0,"\+8613800000002",145/);
  await clock.advanceAsync(5000);
  assert.equal(await cb.at('AT+CHUP'), '\r\nVOICE CALL: END: 000005\r\n\r\nOK\r\n');
  await clock.advanceAsync(0);
  await settle();
  assert.equal(ca.take(), '\r\nNO CARRIER\r\n');
  assert.equal(a.pendingTimers + b.pendingTimers, 0);
  a.close();
  b.close();
  net.close();
});

for (const [dialect, enable, heard] of [
  ['quectel-ec25', 'AT+QTONEDET=1', ['+QTONEDET: 49', '+QTONEDET: 48', '+QTONEDET: 49', '+QTONEDET: 35']],
  ['simcom-sim7600', 'AT+DDET=1', ['+RXDTMF: 1', '+RXDTMF: 0', '+RXDTMF: 1', '+RXDTMF: #']],
] as const) {
  test(`${dialect}: an outside caller's keys are reported only once ${enable} switched DTMF detection on`, async () => {
    const clock = new ManualClock();
    const net = new MobileNetwork({ clock, operators: [{ plmn: '46000', longName: 'CHINA MOBILE', shortName: 'CMCC' }] });
    const m = new SimulatedModem({ id: 1, dialect, imei: '867538030123450', sims: [card(1)], network: net, clock });
    await clock.advanceAsync(0);
    const c = new AtClient(m.open());
    await settle();
    c.take();
    await c.at('ATE0');
    assert.match(await c.at('AT+CREG?'), /\+CREG: 0,1/);
    const leg = net.outside.call('+8613912345678', '+8613800000001');
    await clock.advanceAsync(0);
    await settle();
    assert.match(c.take(), /RING/);
    leg.sendDtmf('9');
    assert.match(await c.at('ATA'), /^\r\nOK\r\n/);
    await clock.advanceAsync(0);
    await settle();
    c.take();
    leg.sendDtmf('5');
    await settle();
    assert.equal(c.take(), '', 'detection off: no URC');
    assert.equal(await c.at(enable), '\r\nOK\r\n');
    leg.sendDtmf('1x01#');
    await settle();
    assert.deepEqual(lines(c.take()), heard);
    assert.equal(lines(await c.at(enable.replace('=1', '?')))[0], `${enable.slice(2, enable.indexOf('='))}: 1`);
    m.close();
    net.close();
  });
}
