/**
 * A simulated modem whose message memory is full, on the simulated network: the SMS is refused towards
 * the network (RP-Cause 22, TS 24.011 §8.2.5.4), the sender's status report is not "delivered", and the
 * AT+CMGD that frees a slot makes the modem send RP-SMMA (§7.3.2), so the network delivers the message
 * (+CMTI) and only then reports it delivered. The SIM keeps the flag (EF-SMSS) while unregistered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePdu, encodeSubmit, type SmsStatusReport } from '../../src/gsm/index.js';
import { ManualClock, MobileNetwork } from '../../modem-drivers/simulator/network/index.js';
import { TP_ST_SME_ERROR_TRYING } from '../../modem-drivers/simulator/network/sms-center.js';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { AtClient, lines, settle, numberedSim } from './modem-fakes.js';

const card = numberedSim;

/** Sender A (EC25, status reports stored) and recipient B (SIM7600, its 23-slot "ME" memory full). */
async function fullRecipient() {
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
  await ca.at('ATE0');
  await cb.at('ATE0');
  await ca.at('AT+CNMI=2,1,0,2,0');
  await cb.at('AT+CPMS="ME","ME","ME"');
  await cb.at('AT+CNMI=2,1,0,0,0');
  for (let i = 0; i < 23; i++) net.outside.sms({ from: '+8613912345678', to: card(2).number!, text: `filler ${i}` });
  await clock.advanceAsync(0);
  await settle();
  cb.take();
  assert.match(await cb.at('AT+CPMS?'), /\+CPMS: "ME",23,23,"ME",23,23,"ME",23,23/);
  return { clock, net, a, b, ca, cb };
}

async function send(ca: AtClient, clock: ManualClock, text: string): Promise<void> {
  const pdu = encodeSubmit({ to: '+8613800000002', text, requestStatusReport: true });
  assert.equal(await ca.at(`AT+CMGS=${pdu.tpduLength}`), '\r\n> ');
  ca.port.write(pdu.hex + '\x1a');
  await clock.advanceAsync(0);
  await settle();
  await clock.advanceAsync(0);
  await settle();
}

/** The status reports A stored, in order (EC25: "SR" memory). */
async function reports(ca: AtClient): Promise<SmsStatusReport[]> {
  await ca.at('AT+CPMS="SR"');
  const out = lines(await ca.at('AT+CMGL=4'));
  await ca.at('AT+CPMS="SM"');
  return out.filter((l) => /^[0-9A-F]+$/.test(l)).map((hex) => decodePdu(hex) as SmsStatusReport);
}

test('full memory: refused, kept by the network, reported "still trying"; AT+CMGD → RP-SMMA → +CMTI, then "delivered"', async () => {
  const { clock, net, a, b, ca, cb } = await fullRecipient();
  await send(ca, clock, 'arrives late');
  assert.match(ca.take(), /\+CMGS: 1[\s\S]*\+CDSI: "SM",0/);
  assert.equal(cb.take(), '', 'no +CMTI: nothing was stored');
  const sub = net.subscriber(card(2).imsi)!;
  assert.equal(sub.memoryFull, true);
  assert.equal(sub.stored, 1);
  const first = await reports(ca);
  assert.deepEqual(first.map((r) => [r.messageRef, r.status, r.statusClass]), [[1, TP_ST_SME_ERROR_TRYING, 'pending']]);

  // The TE frees one slot: OK, then the network's redelivery.
  assert.equal(await cb.at('AT+CMGD=5'), '\r\nOK\r\n');
  await clock.advanceAsync(0);
  await settle();
  assert.equal(cb.take(), '\r\n+CMTI: "ME",5\r\n');
  const read = lines(await cb.at('AT+CMGR=5'));
  const d = decodePdu(read[1]!);
  assert.ok(d.type === 'deliver');
  assert.equal(d.text, 'arrives late');
  assert.equal(net.subscriber(card(2).imsi)!.memoryFull, false);
  const all = await reports(ca);
  assert.deepEqual(all.map((r) => [r.messageRef, r.status, r.statusClass]), [[1, TP_ST_SME_ERROR_TRYING, 'pending'], [1, 0, 'delivered']]);
  a.close();
  b.close();
  net.close();
});

test('freed while not registered: the SIM keeps the flag and the modem sends RP-SMMA when it registers again', async () => {
  const { clock, net, a, b, ca, cb } = await fullRecipient();
  await send(ca, clock, 'after coverage returns');
  assert.equal(net.subscriber(card(2).imsi)!.memoryFull, true);
  net.setSignal(card(2).imsi, 99);
  await clock.advanceAsync(0);
  assert.equal(await cb.at('AT+CMGD=0,4'), '\r\nOK\r\n');
  await clock.advanceAsync(0);
  await settle();
  assert.equal(net.subscriber(card(2).imsi)!.memoryFull, true, 'no RP-SMMA without registration');
  cb.take();
  net.setSignal(card(2).imsi, 20);
  await clock.advanceAsync(0);
  await settle();
  await clock.advanceAsync(0);
  await settle();
  assert.match(cb.take(), /\+CMTI: "ME",0/);
  assert.equal(net.subscriber(card(2).imsi)!.memoryFull, false);
  assert.deepEqual((await reports(ca)).map((r) => r.status), [TP_ST_SME_ERROR_TRYING, 0]);
  a.close();
  b.close();
  net.close();
});
