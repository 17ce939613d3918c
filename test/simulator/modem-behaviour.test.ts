/** Simulated modem behaviour: V.250 basics, SIM PIN/PUK, character sets, SMS, calls, USSD, slots, faults, idle cost. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedModem, type SimulatedModemOptions } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { AtClient, FakeNetwork, TestClock, lines, makeSim, settle } from './modem-fakes.js';
import type { SimCard } from '../../modem-drivers/simulator/types.js';

function setup(over: Partial<SimulatedModemOptions> = {}, sims?: (SimCard | null)[]) {
  const net = new FakeNetwork();
  const clock = new TestClock();
  const sim = makeSim();
  const modem = new SimulatedModem({ id: 1, dialect: 'quectel-ec25', imei: '867538030123450', sims: sims ?? [sim], network: net, clock, ...over });
  return { net, clock, sim, modem };
}

async function opened(over: Partial<SimulatedModemOptions> = {}, sims?: (SimCard | null)[]) {
  const s = setup(over, sims);
  const c = new AtClient(s.modem.open());
  await settle();
  const boot = c.take();
  return { ...s, c, boot };
}

test('power-on: boot URCs wait for the first open, echo is on, ATE0 turns it off', async () => {
  const { c, boot, modem } = await opened();
  assert.equal(boot, '\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n');
  assert.equal(await c.at('AT'), 'AT\r\r\nOK\r\n');
  assert.equal(await c.at('ATE0'), 'ATE0\r\r\nOK\r\n');
  assert.equal(await c.at('AT'), '\r\nOK\r\n');
  assert.equal(modem.status().echo, false);
  modem.close();
});

test('SIM7600 boot URCs and identity', async () => {
  const { c, boot, modem } = await opened({ dialect: 'simcom-sim7600' });
  assert.equal(boot, '\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n');
  await c.at('ATE0');
  assert.equal(await c.at('AT+CGMI'), '\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CGMR'), '\r\n+CGMR: LE20B04SIM7600G22\r\n\r\nOK\r\n');
  assert.match(await c.at('ATI'), /Manufacturer: SIMCOM INCORPORATED\r\nModel: SIMCOM_SIM7600G-H/);
  modem.close();
});

test('compound commands, basic concatenation, lower case, spaces, backspace, A/', async () => {
  const { c, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('AT+CMEE=1;+CREG=2'), '\r\nOK\r\n');
  const creg = lines(await c.at('AT+CREG?'))[0]!;
  assert.match(creg, /^\+CREG: 2,1,"[0-9A-F]{4}","[0-9A-F]{8}",7$/);
  assert.equal(await c.at('AT+CMEE?;+CREG?'), `\r\n+CMEE: 1\r\n\r\n${creg}\r\n\r\nOK\r\n`);
  assert.equal(await c.at('ATE0Q0V1'), '\r\nOK\r\n');
  assert.equal(await c.at('at+csq'), '\r\n+CSQ: 28,99\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT + C S Q'), '\r\n+CSQ: 28,99\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CSX\bQ'), '\r\n+CSQ: 28,99\r\n\r\nOK\r\n');
  assert.equal(await c.send('A/'), '\r\n+CSQ: 28,99\r\n\r\nOK\r\n');
  // an error in the middle stops the line: the first command ran, the third did not
  assert.equal(await c.at('AT+CLIP=1;+NOPE;+CMEE=0'), '\r\nERROR\r\n');
  assert.equal(await c.at('AT+CLIP?;+CMEE?'), '\r\n+CLIP: 1,1\r\n\r\n+CMEE: 1\r\n\r\nOK\r\n');
  // a line without the AT prefix is ignored (V.250 §5.2.1)
  assert.equal(await c.send('\x1b\r'), '');
  assert.equal(await c.send('hello\r'), '');
  modem.close();
});

test('ATV0 numeric results and ATQ1 quiet mode', async () => {
  const { c, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('ATV0'), '0\r');
  assert.equal(await c.at('AT+CSQ'), '+CSQ: 28,99\r\n0\r');
  assert.equal(await c.at('AT+NOPE'), '4\r');
  assert.equal(await c.at('ATV1Q1'), '');
  assert.equal(await c.at('AT+CSQ'), '\r\n+CSQ: 28,99\r\n');
  assert.equal(await c.at('ATQ0'), '\r\nOK\r\n');
  modem.close();
});

test('S-parameters: S3 changes the line terminator', async () => {
  const { c, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('ATS3?'), '\r\n013\r\n\r\nOK\r\n');
  assert.equal(await c.at('ATS0=2'), '\r\nOK\r\n');
  assert.equal(await c.at('ATS0?'), '\r\n002\r\n\r\nOK\r\n');
  assert.equal(await c.at('ATS3=10'), '\r\nOK\r\n');
  assert.equal(await c.send('AT\n'), '\r\nOK\r\n');
  modem.close();
});

test('PIN: wrong three times locks to PUK; PUK with a new PIN unlocks and attaches', async () => {
  const sim = makeSim({ pin: '1234', puk: '87654321' });
  const { c, boot, net, modem, clock } = await opened({}, [sim]);
  assert.equal(boot, '\r\nRDY\r\n\r\n+CPIN: SIM PIN\r\n');
  assert.equal(net.attachments.length, 0, 'not attached while the SIM waits for its PIN');
  await c.at('ATE0');
  assert.equal(await c.at('AT+CPIN?'), '\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CIMI'), '\r\n+CME ERROR: 11\r\n');
  assert.equal(await c.at('AT+QPINC="SC"'), '\r\n+QPINC: "SC",3,10\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CPIN="0000"'), '\r\n+CME ERROR: 16\r\n');
  assert.equal(await c.at('AT+CPIN="1111"'), '\r\n+CME ERROR: 16\r\n');
  assert.equal(await c.at('AT+CPIN="2222"'), '\r\n+CME ERROR: 16\r\n\r\n+CPIN: SIM PUK\r\n');
  assert.equal(await c.at('AT+CPIN?'), '\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CPIN="1234"'), '\r\n+CME ERROR: 12\r\n', 'the right PIN no longer helps');
  assert.equal(await c.at('AT+CPIN="11111111","4321"'), '\r\n+CME ERROR: 16\r\n');
  assert.equal(
    await c.at('AT+CPIN="87654321","4321"'),
    '\r\nOK\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n',
  );
  assert.equal(net.attachments.length, 1);
  assert.equal(await c.at('AT+CIMI'), `\r\n${sim.imsi}\r\n\r\nOK\r\n`);
  // the card keeps its new PIN: after a power cycle 4321 is the one
  modem.powerCycle();
  await settle();
  assert.throws(() => modem.open(), /no such device/);
  clock.advance(0);
  const c2 = new AtClient(modem.open());
  await settle();
  assert.match(c2.take(), /\+CPIN: SIM PIN/);
  await c2.at('ATE0');
  assert.equal(await c2.at('AT+CPIN="1234"'), '\r\n+CME ERROR: 16\r\n');
  assert.match(await c2.at('AT+CPIN="4321"'), /^\r\nOK\r\n\r\n\+CPIN: READY/);
  modem.close();
});

test('no SIM: +CPIN and ICCID answer +CME ERROR: 10', async () => {
  const { c, boot, modem } = await opened({}, [null]);
  assert.equal(boot, '\r\nRDY\r\n\r\n+CPIN: NOT INSERTED\r\n');
  await c.at('ATE0');
  assert.equal(await c.at('AT+CPIN?'), '\r\n+CME ERROR: 10\r\n');
  assert.equal(await c.at('AT+QCCID'), '\r\n+CME ERROR: 10\r\n');
  assert.equal(await c.at('AT+CMEE=2'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CIMI'), '\r\n+CME ERROR: SIM not inserted\r\n');
  assert.equal(await c.at('AT+CMEE=0'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CIMI'), '\r\nERROR\r\n');
  modem.close();
});

test('CSCS: HEX and UCS2 string answers and parameters', async () => {
  const { c, sim, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('AT+CSCS?'), '\r\n+CSCS: "GSM"\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CSCS=?'), '\r\n+CSCS: ("GSM","IRA","8859-1","UCS2","HEX")\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CSCS="HEX"'), '\r\nOK\r\n');
  const hex = Buffer.from(sim.smsc, 'latin1').toString('hex').toUpperCase();
  assert.equal(await c.at('AT+CSCA?'), `\r\n+CSCA: "${hex}",145\r\n\r\nOK\r\n`);
  assert.equal(await c.at('AT+COPS=3,0'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+COPS?'), `\r\n+COPS: 0,0,"${Buffer.from('CHINA MOBILE').toString('hex').toUpperCase()}",7\r\n\r\nOK\r\n`);
  assert.equal(await c.at('AT+CSCS="UCS2"'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CSCA="002B003400390031003700310030003700360030003000300030"'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CSCS="IRA"'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CSCA?'), '\r\n+CSCA: "+491710760000",145\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CSCS="KOI8"'), '\r\n+CME ERROR: 4\r\n');
  modem.close();
});

// -----------------------------------------------------------------------------------------------------------
// SMS

/** dreamfabric.com SMS-DELIVER example (TS 23.040 §9.2.2.1), without its SMSC field: 28 octets. */
const DELIVER_TPDU = '040BC87238880900F10000993092516195800AE8329BFD4697D9EC37';
/** SMS-STATUS-REPORT of fixtures/generic/ts27007-reference/urcs.txt (MR 12, delivered): 24 octets. */
const REPORT_TPDU = '060C0A919471000090521051210000005210512100500000';
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

test('SMS in: +CMTI in the receive memory, +CMGR (marks read), +CMGL, +CMGD with delflag', async () => {
  const { c, net, sim, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('AT+CPMS="ME","ME","ME"'), '\r\n+CPMS: 0,255,0,255,0,255\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CNMI=2,1,0,2,0'), '\r\nOK\r\n');
  const att = net.of(sim.imsi);
  att.events.sms(hex(DELIVER_TPDU), '+27381000015');
  await settle();
  assert.equal(c.take(), '\r\n+CMTI: "ME",0\r\n');
  att.events.sms(hex(DELIVER_TPDU), '+27381000015');
  await settle();
  assert.equal(c.take(), '\r\n+CMTI: "ME",1\r\n');
  const full = '07917283010010F5' + DELIVER_TPDU;
  assert.equal(await c.at('AT+CMGR=0'), `\r\n+CMGR: 0,,28\r\n${full}\r\n\r\nOK\r\n`);
  assert.equal(await c.at('AT+CMGR=0'), `\r\n+CMGR: 1,,28\r\n${full}\r\n\r\nOK\r\n`);
  assert.equal(await c.at('AT+CMGL=4'), `\r\n+CMGL: 0,1,,28\r\n${full}\r\n\r\n+CMGL: 1,0,,28\r\n${full}\r\n\r\nOK\r\n`);
  assert.equal(await c.at('AT+CPMS?'), '\r\n+CPMS: "ME",2,255,"ME",2,255,"ME",2,255\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CMGD=0'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CMGR=0'), '\r\n+CMS ERROR: 321\r\n');
  assert.equal(await c.at('AT+CMGR=999'), '\r\n+CMS ERROR: 321\r\n');
  assert.equal(await c.at('AT+CMGD=0,4'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CMGL=4'), '\r\nOK\r\n');
  assert.equal(modem.status().storedSms, 0);
  modem.close();
});

test('SMS in: "SM" memory belongs to the card and follows it to another slot', async () => {
  const a = makeSim();
  const b = makeSim({ plmn: '46001' });
  const { c, net, modem } = await opened({}, [a, b]);
  await c.at('ATE0');
  net.of(a.imsi).events.sms(hex(DELIVER_TPDU), '+27381000015');
  await settle();
  assert.equal(c.take(), '\r\n+CMTI: "SM",0\r\n');
  modem.selectSlot('B');
  await settle();
  assert.equal(c.take(), '\r\n+CPIN: NOT READY\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n');
  assert.equal(await c.at('AT+CMGL=4'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CIMI'), `\r\n${b.imsi}\r\n\r\nOK\r\n`);
  modem.selectSlot('A');
  await settle();
  c.take();
  assert.match(await c.at('AT+CMGL=4'), /^\r\n\+CMGL: 0,0,,28\r\n/);
  modem.close();
});

test('SMS in: +CMT routed with +CSMS=1 needs +CNMA; without it routing is switched off and the SMS stored', async () => {
  const { c, net, sim, clock, modem } = await opened();
  await c.at('ATE0');
  await c.at('AT+CSMS=1');
  await c.at('AT+CNMI=2,2,0,1,0');
  const att = net.of(sim.imsi);
  att.events.sms(hex(DELIVER_TPDU), '+27381000015');
  await settle();
  assert.equal(c.take(), `\r\n+CMT: ,28\r\n07917283010010F5${DELIVER_TPDU}\r\n`);
  assert.equal(modem.pendingTimers, 1, 'waiting for +CNMA');
  assert.equal(await c.at('AT+CNMA'), '\r\nOK\r\n');
  assert.equal(modem.pendingTimers, 0);
  assert.equal(await c.at('AT+CNMA'), '\r\n+CMS ERROR: 340\r\n');
  att.events.statusReport(hex(REPORT_TPDU), '+491710760000');
  await settle();
  assert.equal(c.take(), `\r\n+CDS: 24\r\n0791947101670000${REPORT_TPDU}\r\n`);
  clock.advance(15_000);
  await settle();
  assert.equal(await c.at('AT+CNMI?'), '\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CPMS="SR"'), '\r\n+CPMS: 1,50,0,50,0,50\r\n\r\nOK\r\n');
  modem.close();
});

test('status report with <ds>=2: stored in "SR", announced as "SM" on the EC25 and "SR" on the SIM7600', async () => {
  for (const dialect of ['quectel-ec25', 'simcom-sim7600'] as const) {
    const { c, net, sim, modem } = await opened({ dialect });
    await c.at('ATE0');
    await c.at('AT+CNMI=2,1,0,2,0');
    net.of(sim.imsi).events.statusReport(hex(REPORT_TPDU), '+491710760000');
    await settle();
    assert.equal(c.take(), `\r\n+CDSI: "${dialect === 'quectel-ec25' ? 'SM' : 'SR'}",0\r\n`);
    await c.at('AT+CPMS="SR"');
    assert.equal(await c.at('AT+CMGR=0'), `\r\n+CMGR: 0,,24\r\n0791947101670000${REPORT_TPDU}\r\n\r\nOK\r\n`);
    modem.close();
  }
});

test('SMS out: prompt, echo of the PDU, TP-MR assigned by the modem, +CMGS: <mr>; SMSC from the PDU or +CSCA', async () => {
  const { c, net, sim, modem } = await opened();
  assert.equal(await c.at('AT+CMGS=12'), 'AT+CMGS=12\r\r\n> ');
  const pdu = '07919471016700001100038121F30000FF02E834';
  assert.equal(await c.send(pdu + '\x1a'), `${pdu}\x1a\r\n+CMGS: 1\r\n\r\nOK\r\n`);
  const att = net.of(sim.imsi);
  assert.equal(att.submitted.length, 1);
  assert.equal(att.submitted[0]!.smsc, '+491710760000');
  assert.equal(Buffer.from(att.submitted[0]!.tpdu).toString('hex').toUpperCase(), '1101038121F30000FF02E834');
  await c.at('ATE0');
  assert.equal(await c.at('AT+CMGS=12'), '\r\n> ');
  assert.equal(await c.send('001100038121F30000FF02E834\x1a'), '\r\n+CMGS: 2\r\n\r\nOK\r\n');
  assert.equal(att.submitted[1]!.smsc, sim.smsc, 'the SIM\'s SMSC when the PDU names none');
  modem.close();
});

test('SMS out: wrong <length> gives +CMS ERROR: 304, ESC cancels with OK, network refusal gives its cause', async () => {
  const { c, net, sim, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('AT+CMGS=13'), '\r\n> ');
  assert.equal(await c.send('001100038121F30000FF02E834\x1a'), '\r\n+CMS ERROR: 304\r\n');
  assert.equal(await c.at('AT+CMGS=12'), '\r\n> ');
  assert.equal(await c.send('0011000381\x1b'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+CMGS=12'), '\r\n> ');
  assert.equal(await c.send('ZZ\x1a'), '\r\n+CMS ERROR: 304\r\n');
  net.of(sim.imsi).submitResult = () => ({ ok: false, cause: 500, text: 'unknown error' });
  await c.at('AT+CMGS=12');
  assert.equal(await c.send('001100038121F30000FF02E834\x1a'), '\r\n+CMS ERROR: 500\r\n');
  assert.equal(net.of(sim.imsi).submitted.length, 1);
  assert.equal(await c.at('AT+CMGF=1'), '\r\n+CMS ERROR: 303\r\n', 'text mode is not simulated');
  modem.close();
});

test('SMS out: URCs during the prompt wait until the final result', async () => {
  const { c, net, sim, modem } = await opened();
  await c.at('ATE0');
  await c.at('AT+CPMS="ME","ME","ME"');
  assert.equal(await c.at('AT+CMGS=12'), '\r\n> ');
  net.of(sim.imsi).events.sms(hex(DELIVER_TPDU), '+27381000015');
  await settle();
  assert.equal(c.take(), '');
  assert.equal(await c.send('001100038121F30000FF02E834\x1a'), '\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CMTI: "ME",0\r\n');
  modem.close();
});

test('SMS: +CMGW stores, +CMSS sends a stored message', async () => {
  const { c, net, sim, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('AT+CMGW=12'), '\r\n> ');
  assert.equal(await c.send('001100038121F30000FF02E834\x1a'), '\r\n+CMGW: 0\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CMGL=2'), '\r\n+CMGL: 0,2,,12\r\n001100038121F30000FF02E834\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CMSS=0'), '\r\n+CMSS: 1\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CMGL=3'), '\r\n+CMGL: 0,3,,12\r\n001100038121F30000FF02E834\r\n\r\nOK\r\n');
  assert.equal(net.of(sim.imsi).submitted.length, 1);
  modem.close();
});

// -----------------------------------------------------------------------------------------------------------
// Calls and USSD

test('EC25 calls: ATD OK then BUSY; an answered call ends with NO CARRIER; +CLCC and +CEER follow', async () => {
  const { c, net, sim, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('ATD10086;'), '\r\nOK\r\n');
  const att = net.of(sim.imsi);
  const leg = att.dialled[0]!;
  assert.equal(leg.remote, '10086');
  assert.equal(await c.at('AT+CLCC'), '\r\n+CLCC: 1,0,2,0,0,"10086",129\r\n\r\nOK\r\n');
  leg.set('alerting');
  assert.equal(await c.at('AT+CLCC'), '\r\n+CLCC: 1,0,3,0,0,"10086",129\r\n\r\nOK\r\n');
  leg.set('ended', 'busy');
  await settle();
  assert.equal(c.take(), '\r\nBUSY\r\n');
  assert.equal(await c.at('AT+CEER'), '\r\n+CEER: User busy\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CLCC'), '\r\nOK\r\n');
  await c.at('ATD+8613800138000;');
  const leg2 = att.dialled[1]!;
  leg2.set('active');
  assert.equal(await c.at('AT+CLCC'), '\r\n+CLCC: 1,0,0,0,0,"+8613800138000",145\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+QPCMV=1,0'), '\r\nOK\r\n');
  assert.equal(await c.at('AT+QPCMV?'), '\r\n+QPCMV: 1,0\r\n\r\nOK\r\n');
  leg2.set('ended', 'normal');
  await settle();
  assert.equal(c.take(), '\r\nNO CARRIER\r\n');
  assert.equal(await c.at('AT+CEER'), '\r\n+CEER: Normal call clearing\r\n\r\nOK\r\n');
  modem.close();
});

test('incoming call: RING + CLIP every 3 s (the only idle timer), ATA, AT+CHUP; caller gives up → NO CARRIER', async () => {
  const { c, net, sim, clock, modem } = await opened();
  await c.at('ATE0');
  await c.at('AT+CLIP=1');
  const att = net.of(sim.imsi);
  const leg = att.ring('+8613900139000');
  await settle();
  assert.equal(c.take(), '\r\nRING\r\n\r\n+CLIP: "+8613900139000",145,"",0,"",0\r\n');
  assert.equal(modem.pendingTimers, 1);
  clock.advance(3000);
  await settle();
  assert.equal(c.take(), '\r\nRING\r\n\r\n+CLIP: "+8613900139000",145,"",0,"",0\r\n');
  assert.equal(await c.at('AT+CLCC'), '\r\n+CLCC: 1,1,4,0,0,"+8613900139000",145\r\n\r\nOK\r\n');
  assert.equal(await c.at('ATA'), '\r\nOK\r\n');
  assert.equal(leg.state, 'active');
  assert.equal(modem.pendingTimers, 0, 'no RING timer once answered');
  assert.equal(await c.at('AT+CHUP'), '\r\nOK\r\n');
  assert.equal(leg.state, 'ended');
  assert.equal(leg.localHangup, true);
  const leg2 = att.ring('10086');
  await settle();
  c.take();
  leg2.set('ended', 'normal');
  await settle();
  assert.equal(c.take(), '\r\nNO CARRIER\r\n');
  assert.equal(modem.pendingTimers, 0);
  assert.equal(await c.at('ATA'), '\r\nNO CARRIER\r\n');
  modem.close();
});

test('SIM7600 calls: VOICE CALL: BEGIN/END, AT+CPCMREG=1 only while connected, MISSED_CALL', async () => {
  const { c, net, sim, clock, modem } = await opened({ dialect: 'simcom-sim7600' });
  await c.at('ATE0');
  assert.equal(await c.at('AT+CPCMREG=1'), '\r\nERROR\r\n');
  assert.equal(await c.at('ATD10086;'), '\r\nOK\r\n');
  const att = net.of(sim.imsi);
  att.dialled[0]!.set('active');
  await settle();
  assert.equal(c.take(), '\r\nVOICE CALL: BEGIN\r\n');
  assert.equal(await c.at('AT+CPCMREG=1'), '\r\nOK\r\n');
  clock.advance(12_000);
  assert.equal(await c.at('AT+CHUP'), '\r\nVOICE CALL: END: 000012\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CPCMREG?'), '\r\n+CPCMREG: 0\r\n\r\nOK\r\n');
  await c.at('ATD10086;');
  att.dialled[1]!.set('ended', 'busy');
  await settle();
  assert.equal(c.take(), '\r\nBUSY\r\n\r\nVOICE CALL: END: 000000\r\n');
  await c.at('ATD10086;');
  att.dialled[2]!.set('active');
  clock.advance(3_000);
  att.dialled[2]!.set('ended', 'normal');
  await settle();
  assert.equal(c.take(), '\r\nVOICE CALL: BEGIN\r\n\r\nVOICE CALL: END: 000003\r\n\r\nNO CARRIER\r\n');
  await c.at('AT+CLIP=1');
  const mt = att.ring('13800138000');
  await settle();
  assert.equal(c.take(), '\r\nRING\r\n\r\n+CLIP: "13800138000",129,"",0,"",0\r\n');
  mt.set('ended', 'normal');
  await settle();
  assert.match(c.take(), /^\r\nMISSED_CALL: \d\d:\d\d[AP]M 13800138000\r\n$/);
  modem.close();
});

test('USSD: OK first, +CUSD after; per CSCS; session closed with AT+CUSD=2', async () => {
  const { c, net, sim, modem } = await opened();
  await c.at('ATE0');
  assert.equal(await c.at('AT+CUSD=1,"*100#",15'), '\r\nOK\r\n\r\n+CUSD: 0,"Balance for *100#: 12,50 EUR",15\r\n');
  const att = net.of(sim.imsi);
  att.ussdReply = async () => ({ m: 1, text: '1 Balance, 2 Bundles' });
  await c.at('AT+CSCS="UCS2"');
  assert.equal(await c.at('AT+CUSD=1,"002A0031003200330023",15'), `\r\nOK\r\n\r\n+CUSD: 1,"${Buffer.from('1 Balance, 2 Bundles', 'utf16le').swap16().toString('hex').toUpperCase()}",15\r\n`);
  assert.deepEqual(att.ussdAsked, ['*100#', '*123#']);
  assert.equal(await c.at('AT+CUSD=2'), '\r\nOK\r\n');
  assert.equal(att.ussdCancelled, 1);
  modem.close();
});

// -----------------------------------------------------------------------------------------------------------
// Network

test('registration URCs on change with n=1/2 (+CEREG with <AcT> 7), +COPS manual selection', async () => {
  const { c, net, sim, modem } = await opened();
  await c.at('ATE0');
  await c.at('AT+CREG=1;+CGREG=0;+CEREG=2');
  const att = net.of(sim.imsi);
  att.register('searching', null);
  await settle();
  assert.equal(c.take(), '\r\n+CREG: 2\r\n\r\n+CEREG: 2\r\n');
  att.register('roaming', '4G');
  await settle();
  assert.match(c.take(), /^\r\n\+CREG: 5\r\n\r\n\+CEREG: 5,"[0-9A-F]{4}","[0-9A-F]{8}",7\r\n$/);
  att.register('home', '3G');
  await settle();
  assert.equal(c.take(), '\r\n+CREG: 1\r\n\r\n+CEREG: 0\r\n');
  assert.equal(await c.at('AT+COPS?'), '\r\n+COPS: 0,0,"CHINA MOBILE",2\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+COPS=1,2,"46001"'), '\r\nOK\r\n', 'still registered (home): no URC');
  assert.deepEqual(att.selected, ['46001']);
  assert.equal(await c.at('AT+COPS=3,2;+COPS?'), '\r\n+COPS: 1,2,"46001",2\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+COPS=1,2,"99999"'), '\r\n+CME ERROR: 30\r\n\r\n+CREG: 3\r\n\r\n+CEREG: 3\r\n');
  assert.equal(await c.at('AT+COPS=2'), '\r\nOK\r\n\r\n+CREG: 0\r\n\r\n+CEREG: 0\r\n');
  assert.equal(att.detached, true);
  assert.equal(await c.at('AT+COPS?'), '\r\n+COPS: 2\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+CSQ'), '\r\n+CSQ: 99,99\r\n\r\nOK\r\n');
  assert.match(await c.at('AT+COPS=0'), /^\r\nOK\r\n\r\n\+CREG: 1\r\n\r\n\+CEREG: 1,"[0-9A-F]{4}","[0-9A-F]{8}",7\r\n$/);
  assert.equal(net.attachments.length, 1, 'attached again');
  modem.close();
});

// -----------------------------------------------------------------------------------------------------------
// Port, SIM holders, faults, idle cost

test('port: one open at a time, replies never inside write(), IMEI write takes effect at the next attachment', async () => {
  const { c, net, modem, clock } = await opened();
  assert.throws(() => modem.open(), /busy/);
  let sync = false;
  const p = modem.status();
  assert.equal(p.open, true);
  c.port.onData(() => (sync = true));
  c.port.write('AT\r');
  assert.equal(sync, false, 'no reply inside write()');
  await settle();
  assert.equal(sync, true);
  const c2 = new AtClient(c.port);
  await c2.at('ATE0');
  assert.equal(await c2.at('AT+EGMR=1,7,"490154203237518"'), '\r\nOK\r\n');
  assert.equal(await c2.at('AT+EGMR=0,7'), '\r\n+EGMR: "490154203237518"\r\n\r\nOK\r\n');
  assert.equal(await c2.at('AT+CGSN'), '\r\n490154203237518\r\n\r\nOK\r\n');
  assert.equal(await c2.at('AT+EGMR=1,7,"12345"'), '\r\nERROR\r\n');
  assert.equal(net.attachments[0]!.imei, '867538030123450');
  assert.equal(await c2.at('AT+CFUN=1,1'), '\r\nOK\r\n');
  await settle();
  assert.ok(c2.closedWith instanceof Error, 'the port closes after the OK of AT+CFUN=1,1');
  clock.advance(0);
  assert.equal(net.attachments.at(-1)!.imei, '490154203237518');
  await c.port.close();
  modem.close();
});

test('SIM switch: hot swap with +CPIN URCs; empty holder; insert and remove; status()', async () => {
  const a = makeSim();
  const c1 = makeSim({ pin: '1111' });
  const { c, net, modem } = await opened({}, [a, null, c1]);
  await c.at('ATE0');
  modem.selectSlot('B');
  await settle();
  assert.equal(c.take(), '\r\n+CPIN: NOT READY\r\n');
  assert.equal(net.attachments.length, 0);
  assert.equal(await c.at('AT+CPIN?'), '\r\n+CME ERROR: 10\r\n');
  modem.selectSlot('C');
  await settle();
  assert.equal(c.take(), '\r\n+CPIN: SIM PIN\r\n');
  const d = makeSim();
  modem.insertSim('D', d);
  modem.selectSlot('D');
  await settle();
  assert.equal(c.take(), '\r\n+CPIN: NOT READY\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n');
  assert.equal(net.of(d.imsi).detached, false);
  const st = modem.status();
  assert.equal(st.slot, 'D');
  assert.deepEqual(st.sims.map((s) => [s.slot, s.pinState]), [['A', 'READY'], ['C', 'SIM PIN'], ['D', 'READY']]);
  assert.equal(st.registration.state, 'home');
  const att = net.of(d.imsi);
  modem.removeSim('D');
  await settle();
  assert.equal(c.take(), '\r\n+CPIN: NOT READY\r\n');
  assert.equal(att.detached, true);
  assert.throws(() => modem.selectSlot('E' as never), /slot/);
  modem.close();
});

test('Quectel AT+QDSIM switches between holders A and B', async () => {
  const a = makeSim();
  const b = makeSim();
  const { c, modem } = await opened({}, [a, b]);
  await c.at('ATE0');
  assert.equal(await c.at('AT+QDSIM?'), '\r\n+QDSIM: 0\r\n\r\nOK\r\n');
  assert.match(await c.at('AT+QDSIM=1'), /^\r\nOK\r\n\r\n\+CPIN: NOT READY\r\n/);
  assert.equal(modem.slot, 'B');
  assert.equal(await c.at('AT+CIMI'), `\r\n${b.imsi}\r\n\r\nOK\r\n`);
  modem.close();
});

test('the SIM7600 has no dual-SIM command; a firmware given one (setDualSimCommand) switches holders with it like AT+QDSIM', async () => {
  const a = makeSim();
  const b = makeSim();
  const { c, modem } = await opened({ dialect: 'simcom-sim7600' }, [a, b]);
  await c.at('ATE0');
  assert.match(await c.at('AT+QDSIM?'), /ERROR/);
  modem.setDualSimCommand('+XDSIM');
  assert.equal(await c.at('AT+XDSIM?'), '\r\n+XDSIM: 0\r\n\r\nOK\r\n');
  assert.match(await c.at('AT+XDSIM=1'), /^\r\nOK\r\n/);
  assert.equal(modem.slot, 'B');
  assert.equal(await c.at('AT+XDSIM?'), '\r\n+XDSIM: 1\r\n\r\nOK\r\n');
  assert.match(await c.at('AT+XDSIM=2'), /\+CME ERROR/);
  assert.throws(() => modem.setDualSimCommand('X DSIM'), /\+XDSIM/);
  modem.close();
});

test('fault: hung modem swallows everything, ESC included; answers again when released', async () => {
  const { c, modem } = await opened();
  modem.setHung(true);
  assert.equal(await c.at('AT'), '');
  assert.equal(await c.send('\x1b'), '');
  assert.equal(modem.status().hung, true);
  modem.setHung(false);
  assert.equal(await c.at('AT'), 'AT\r\r\nOK\r\n');
  modem.close();
});

test('fault: a modem that is off cannot hang; a hung one shows no prompt and no noise (the injector is told)', async () => {
  const { c, modem, clock } = await opened({ timing: { bootMs: 1000 } });
  modem.powerCycle();
  await settle();
  assert.equal(modem.setHung(true), false, 'restarting: nothing to hang');
  assert.equal(modem.status().hung, false);
  clock.advance(1000);
  const c2 = new AtClient(modem.open());
  await settle();
  c2.take();
  assert.equal(modem.setHung(true), true);
  assert.equal(modem.stuckPrompt(), false);
  assert.equal(modem.injectGarbage(), false);
  assert.equal(await c2.send('\x1b'), '');
  assert.equal(modem.setHung(false), true);
  assert.equal(await c2.at('AT'), 'AT\r\r\nOK\r\n', 'no prompt was left behind');
  void c;
  modem.close();
});

test('fault: stuck prompt until ESC (OK) or Ctrl-Z (+CMS ERROR: 304)', async () => {
  const { c, modem } = await opened();
  await c.at('ATE0');
  modem.stuckPrompt();
  await settle();
  assert.equal(c.take(), '\r\n> ');
  assert.equal(await c.at('AT+CSQ'), '', 'the command becomes prompt data');
  assert.equal(await c.send('\x1b'), '\r\nOK\r\n');
  assert.equal(await c.at('AT'), '\r\nOK\r\n');
  modem.stuckPrompt();
  await settle();
  c.take();
  assert.equal(await c.send('\x1a'), '\r\n+CMS ERROR: 304\r\n');
  modem.close();
});

test('fault: garbage bytes and failing commands', async () => {
  const { c, modem } = await opened();
  await c.at('ATE0');
  modem.injectGarbage();
  await settle();
  const g = c.take();
  assert.equal(g.length, 16);
  assert.ok([...g].every((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) > 126), 'non-printable');
  assert.ok(![...g].some((ch) => [10, 13, 26, 27].includes(ch.charCodeAt(0))));
  modem.injectGarbage([0xff, 0x00]);
  await settle();
  assert.equal(c.take(), '\xff\x00');
  modem.failCommand('AT+CSQ', '+CME ERROR: 100', 2);
  assert.equal(await c.at('AT+CSQ'), '\r\n+CME ERROR: 100\r\n');
  assert.equal(await c.at('AT+CMEE=0;+CSQ'), '\r\n+CME ERROR: 100\r\n');
  assert.equal(await c.at('AT+CSQ'), '\r\n+CSQ: 28,99\r\n\r\nOK\r\n');
  modem.close();
});

test('fault: reset and unplug close the port; open() fails while absent; the modem comes back under a new path', async () => {
  const { c, modem, clock, net } = await opened({ timing: { bootMs: 8000 } });
  modem.reset();
  await settle();
  assert.ok(c.closedWith instanceof Error);
  assert.equal(net.attachments.length, 0);
  assert.throws(() => modem.open(), /\/dev\/ttySIM1: no such device/);
  clock.advance(7999);
  assert.throws(() => modem.open(), /no such device/);
  clock.advance(1);
  const c2 = new AtClient(modem.open());
  await settle();
  assert.match(c2.take(), /^\r\nRDY\r\n/);
  assert.equal(net.attachments.length, 1);
  modem.unplug(5000, '/dev/ttyUSB7');
  await settle();
  assert.ok(c2.closedWith instanceof Error);
  assert.equal(modem.status().present, false);
  assert.throws(() => modem.open(), /no such device/);
  clock.advance(5000);
  assert.equal(modem.devicePath, '/dev/ttyUSB7');
  const c3 = new AtClient(modem.open());
  await settle();
  assert.match(c3.take(), /RDY/);
  assert.equal(await c3.at('AT'), 'AT\r\r\nOK\r\n', 'echo back on after the restart');
  modem.powerCycle();
  await settle();
  assert.equal(modem.status().present, false);
  modem.close();
  assert.equal(modem.pendingTimers, 0, 'close() cancels the pending boot');
  clock.advance(10_000);
  assert.throws(() => modem.open(), /no such device/);
});

test('command latency: replies after timing.commandMs on the clock', async () => {
  const { c, modem, clock } = await opened({ timing: { commandMs: 5 } });
  c.port.write('AT\r');
  await settle();
  assert.equal(c.take(), 'AT\r');
  assert.equal(modem.pendingTimers, 1);
  clock.advance(5);
  await settle();
  assert.equal(c.take(), '\r\nOK\r\n');
  modem.close();
});

test('32 modems idle: no timers pending, every port answers', async () => {
  const net = new FakeNetwork();
  const clock = new TestClock();
  const modems = Array.from({ length: 32 }, (_, i) =>
    new SimulatedModem({ id: i, dialect: i % 2 ? 'simcom-sim7600' : 'quectel-ec25', imei: `86753803${String(i).padStart(7, '0')}`, sims: [makeSim(), makeSim(), makeSim(), makeSim()], network: net, clock }),
  );
  const clients = modems.map((m) => new AtClient(m.open()));
  await settle();
  for (const c of clients) {
    c.take();
    assert.equal(await c.at('AT+CSQ'), 'AT+CSQ\r\r\n+CSQ: 28,99\r\n\r\nOK\r\n');
  }
  assert.equal(clock.pending, 0);
  assert.equal(net.attachments.length, 32);
  for (const m of modems) assert.equal(m.pendingTimers, 0);
  for (const m of modems) m.close();
  assert.equal(net.attachments.length, 0, 'close() releases the attachment');
});

test('throughput: 20 000 commands through one port in well under a second', async () => {
  const { c, modem } = await opened();
  await c.at('ATE0');
  let n = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    c.port.onData(() => {
      if (++n === 20_000) resolve();
      else c.port.write('AT+CSQ\r');
    });
    c.port.write('AT+CSQ\r');
  });
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `20 000 commands took ${ms.toFixed(0)} ms`);
  modem.close();
});
