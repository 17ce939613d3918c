/**
 * The command sequences third-party AT software sends (recorded from gammu 1.42.0, smstools3 3.1.21 and
 * Kannel 1.4.5 against the cellgate peer fake modem; /work/shared/peers/at-sequences/*.txt), replayed
 * against both simulated modems. Each command must get the kind of answer the recorded exchange shows
 * (OK, ERROR, the `> ` prompt, information lines of the right shape).
 *
 * Where the simulated modems answer differently from the peer fake modem, as a real EC25 / SIM7600 does:
 *  - `<ESC><CR>` (gammu): the fake answered ERROR; a line without the AT prefix is ignored here (V.250
 *    §5.2.1). gammu reads and discards whatever comes back.
 *  - `AT+IFC=2,2` (Kannel): the fake answered ERROR; both modules implement +IFC, so OK here.
 *  - `AT+CMEE=1;+CREG=2` (smstools3): the fake acted on the first command only; here both run, so the
 *    following `AT+CREG?` reports <n>=2 with location.
 *  - `AT+CSCA?` after gammu's `AT+CSCS="HEX"`: the address comes hex-encoded, as TS 27.007 §5.5 says.
 *  - Kannel's MO case: the fake kept the SMS at "SM" index 1; here indexes start at 0, so the stored SMS
 *    is read with AT+CMGR=0 / deleted with AT+CMGD=0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePdu } from '../../src/gsm/index.js';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import type { Dialect } from '../../modem-drivers/simulator/modem/dialect.js';
import { AtClient, FakeNetwork, TestClock, lines, makeSim, settle } from './modem-fakes.js';

type Expect = 'OK' | 'ERROR' | 'none' | 'prompt' | RegExp[];
type Step = [cmd: string, expect: Expect];

const GAMMU_PROBE: Step[] = [
  ['\x1b', 'none'],
  ['AT', 'OK'],
  ['ATE1', 'OK'],
  ['AT+MODE=2', 'ERROR'],
  ['AT+CMEE=1', 'OK'],
  ['AT+CSCS?', [/^\+CSCS: "(GSM|IRA)"$/]],
  ['AT+CSCS=?', [/^\+CSCS: \(.*"HEX".*\)$/]],
  ['AT+CSCS="HEX"', 'OK'],
  ['AT+CSCS?', [/^\+CSCS: "HEX"$/]],
  ['AT+CGMM', [/^(EC25|SIMCOM_SIM7600G-H)$/]],
  ['AT+CGMI', [/^(Quectel|SIMCOM INCORPORATED)$/]],
  ['AT+CPROT=?', 'ERROR'],
  ['AT+SYNCML=?', 'ERROR'],
  ['AT$TSSPCSW=?', 'ERROR'],
  ['AT+CHUP=?', 'OK'],
  ['\x1b', 'none'],
  ['AT', 'OK'],
  ['ATE1', 'OK'],
  ['AT+MODE=2', 'ERROR'],
  ['AT+CMEE=1', 'OK'],
  ['AT+CSCS?', [/^\+CSCS: "HEX"$/]],
  ['AT+CSCS=?', [/^\+CSCS: \(/]],
  ['AT+CGMI', [/^(Quectel|SIMCOM INCORPORATED)$/]],
  ['AT+CPROT=?', 'ERROR'],
  ['AT+SYNCML=?', 'ERROR'],
  ['AT$TSSPCSW=?', 'ERROR'],
  ['AT+CHUP=?', 'OK'],
  ['AT+CGMR', [/^(\+CGMR: )?(EC25EFAR06A06M4G|LE20B04SIM7600G22)$/]],
  ['AT+CFUN=1', 'OK'],
];

/** gammu-identify.txt */
const GAMMU_IDENTIFY: Step[] = [
  ...GAMMU_PROBE,
  ['AT+CGMI', [/^(Quectel|SIMCOM INCORPORATED)$/]],
  ['AT+CGMM', [/^(EC25|SIMCOM_SIM7600G-H)$/]],
  ['AT+CGMR', [/EC25EFAR06A06M4G|LE20B04SIM7600G22/]],
  ['AT+CGSN', [/^\d{15}$/]],
  ['AT+CIMI', [/^\d{15}$/]],
];

/** gammu-sendsms.txt ("hi" to 123; gammu puts the SMSC it read into the PDU) */
const GAMMU_SENDSMS: Step[] = [
  ...GAMMU_PROBE,
  // "+491710760000" in HEX (GSM 7-bit codes of the characters)
  ['AT+CSCA?', [/^\+CSCA: "2B343931373130373630303030",145$/]],
  ['AT+CMGF=0', 'OK'],
  ['AT+CMGS=12', 'prompt'],
  ['07919471016700001100038121F30000FF02E834\x1a', [/^\+CMGS: \d+$/]],
];

const KANNEL_START: Step[] = [
  ['AT', 'OK'],
  ['ATZ', 'OK'],
  ['AT', 'OK'],
  ['AT', 'OK'],
  ['AT&F', 'OK'],
  ['ATE0', 'OK'],
  ['ATI', [/./]],
  ['AT+CSMS=?', [/^\+CSMS: \(0,1\)$/]],
  ['ATZ', 'OK'],
  ['AT', 'OK'],
  ['AT&F', 'OK'],
  ['ATE0', 'OK'],
  ['AT+IFC=2,2', 'OK'],
  ['AT+CPIN?', [/^\+CPIN: READY$/]],
  ['AT+CMGF=0', 'OK'],
  ['AT+CSMS=?', [/^\+CSMS: \(0,1\)$/]],
  ['AT+CNMI=1,2,0,1,0', 'OK'],
];

const KANNEL_SEND: Step[] = [
  ['AT+CMGS=23', 'prompt'],
  ['001100038121F30000A70EE834C82C7FB741EBB0DB5D6603\x1a', [/^\+CMGS: \d+$/]],
];

/** kannel-at-startup-sendsms.txt */
const KANNEL: Step[] = [
  ...KANNEL_START,
  ['AT+CPMS="SM"', [/^\+CPMS: 0,\d+,0,\d+,0,\d+$/]],
  ['AT+CPMS?', [/^\+CPMS: "SM",0,\d+,"SM",0,\d+,"SM",0,\d+$/]],
  ...KANNEL_SEND,
];

/** smstools3-sendsms.txt */
const SMSTOOLS_START: Step[] = [
  ['AT', 'OK'],
  ['ATE0', 'OK'],
  ['AT+CMEE=1;+CREG=2', 'OK'],
  ['AT+CPIN?', [/^\+CPIN: READY$/]],
  ['AT+CSQ', [/^\+CSQ: 28,99$/]],
  ['AT+CREG?', [/^\+CREG: 2,1,"[0-9A-F]{4}","[0-9A-F]{8}",7$/]],
  ['AT+CMGF=0', 'OK'],
  ['AT+CGSN', [/^\d{15}$/]],
  ['AT+CIMI', [/^\d{15}$/]],
];
const SMSTOOLS: Step[] = [
  ...SMSTOOLS_START,
  ['AT', 'OK'],
  ['ATE0', 'OK'],
  ['AT+CMEE=1;+CREG=2', 'OK'],
  ['AT+CSQ', [/^\+CSQ: 28,99$/]],
  ['AT+CREG?', [/^\+CREG: 2,1,/]],
  ['AT+CMGF=0', 'OK'],
  ['AT+CMGS=24', 'prompt'],
  ['001100039121F30000FF10E834C82C7FB741F3F69CFE7EB3E7\x1a', [/^\+CMGS: \d+$/]],
];

function setup(dialect: Dialect) {
  const net = new FakeNetwork();
  const sim = makeSim({ smsc: '+491710760000' });
  const modem = new SimulatedModem({ id: 9, dialect, imei: '490154203237518', sims: [sim], network: net, clock: new TestClock() });
  return { net, sim, modem };
}

/** Sends each command (CR-terminated unless it is prompt data) and checks the kind of answer. */
async function play(c: AtClient, steps: Step[], name: string): Promise<void> {
  let echo = true;
  let prompt = false;
  for (const [cmd, exp] of steps) {
    const wire = prompt ? cmd : `${cmd}\r`;
    let reply = await c.send(wire);
    if (echo && reply.startsWith(wire)) reply = reply.slice(wire.length);
    if (/^ATE[01]/.test(cmd)) echo = cmd[3] === '1';
    if (/^AT(Z|&F)$/.test(cmd)) echo = true;
    const where = `${name}: ${JSON.stringify(cmd)} got ${JSON.stringify(reply)}`;
    prompt = false;
    if (exp === 'none') assert.equal(reply, '', where);
    else if (exp === 'prompt') {
      assert.equal(reply, '\r\n> ', where);
      prompt = true;
    } else if (exp === 'OK' || exp === 'ERROR') assert.equal(reply, `\r\n${exp}\r\n`, where);
    else {
      const l = lines(reply);
      assert.equal(l.at(-1), 'OK', where);
      for (const [i, re] of exp.entries()) assert.match(l[i] ?? '', re, where);
    }
  }
}

for (const dialect of ['quectel-ec25', 'simcom-sim7600'] as const) {
  test(`${dialect}: gammu identify sequence`, async () => {
    const { modem } = setup(dialect);
    const c = new AtClient(modem.open());
    await settle();
    c.take();
    await play(c, GAMMU_IDENTIFY, 'gammu identify');
    modem.close();
  });

  test(`${dialect}: gammu sendsms sequence; the SMS-SUBMIT reaches the network with gammu's SMSC`, async () => {
    const { modem, net, sim } = setup(dialect);
    const c = new AtClient(modem.open());
    await settle();
    c.take();
    await play(c, GAMMU_SENDSMS, 'gammu sendsms');
    const sent = net.of(sim.imsi).submitted;
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.smsc, '+491710760000');
    const d = decodePdu(Buffer.from(sent[0]!.tpdu).toString('hex'), { withSmsc: false, direction: 'mo' });
    assert.ok(d.type === 'submit');
    assert.equal(d.destination.number, '123');
    assert.equal(d.text, 'hi');
    modem.close();
  });

  test(`${dialect}: smstools3 start-up and sendsms sequence`, async () => {
    const { modem, net, sim } = setup(dialect);
    const c = new AtClient(modem.open());
    await settle();
    c.take();
    await play(c, SMSTOOLS, 'smstools3');
    const d = decodePdu(Buffer.from(net.of(sim.imsi).submitted[0]!.tpdu).toString('hex'), { withSmsc: false, direction: 'mo' });
    assert.ok(d.type === 'submit' && d.text === 'hi from smstools' && d.destination.number === '+123');
    modem.close();
  });

  test(`${dialect}: Kannel AT2 start-up and sendsms sequence`, async () => {
    const { modem, net, sim } = setup(dialect);
    const c = new AtClient(modem.open());
    await settle();
    c.take();
    await play(c, KANNEL, 'kannel');
    const d = decodePdu(Buffer.from(net.of(sim.imsi).submitted[0]!.tpdu).toString('hex'), { withSmsc: false, direction: 'mo' });
    assert.ok(d.type === 'submit' && d.text === 'hi from kannel');
    modem.close();
  });

  test(`${dialect}: Kannel with a stored MO SMS: +CMGR, +CMGD, then +CMT for a new one (+CNMI=1,2)`, async () => {
    const { modem, net, sim } = setup(dialect);
    // the MO SMS of kannel-at-with-mo.txt, stored before Kannel starts
    const pdu = '0791947101670000040A91947100009000006211223100000018CD27085D66B3DF20B3FCDD0699C3EB32A8FD2697DB';
    const tpdu = Uint8Array.from(Buffer.from(pdu.slice(16), 'hex'));
    net.of(sim.imsi).events.sms(tpdu, '+491710760000');
    const c = new AtClient(modem.open());
    await settle();
    c.take();
    await play(
      c,
      [
        ...KANNEL_START,
        ['AT+CPMS="SM"', [/^\+CPMS: 1,\d+,1,\d+,1,\d+$/]],
        ['AT+CPMS?', [/^\+CPMS: "SM",1,\d+,"SM",1,\d+,"SM",1,\d+$/]],
      ],
      'kannel mo',
    );
    assert.equal(await c.at('AT+CMGR=0'), `\r\n+CMGR: 0,,39\r\n${pdu}\r\n\r\nOK\r\n`);
    assert.equal(await c.at('AT+CMGD=0'), '\r\nOK\r\n');
    // numeric on the EC25 (default +CMEE=1), verbose on the SIM7600 (default +CMEE=2)
    assert.match(await c.at('AT+CMGR=0'), /^\r\n\+CMS ERROR: (321|invalid memory index)\r\n$/);
    net.of(sim.imsi).events.sms(tpdu, '+491710760000');
    await settle();
    assert.equal(c.take(), `\r\n+CMT: ,39\r\n${pdu}\r\n`);
    await play(c, KANNEL_SEND.map(([a, b]) => [a, b]), 'kannel mo send');
    modem.close();
  });
}
