/**
 * cellgate's own Quectel and SIMCom modems (through their family descriptors) over the real AtChannel, talking
 * to simulated modems: bring-up, identity, SIM, network, SMS out and in, status reports, calls, USSD,
 * IMEI write, USB audio and a reset with the port closing and coming back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { openQuectelModem, type QuectelModem } from '../../modem-drivers/quectel/modem.js';
import { openSimcomModem, type SimcomModem } from '../../modem-drivers/simcom/modem.js';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { FakeNetwork, TestClock, makeSim, settle } from './modem-fakes.js';

const FAMILIES = [
  { family: 'quectel', dialect: 'quectel-ec25', imei: '867538030123450', model: 'EC25', manufacturer: 'Quectel' },
  { family: 'simcom', dialect: 'simcom-sim7600', imei: '862656040123453', model: 'SIMCOM_SIM7600G-H', manufacturer: 'SIMCOM INCORPORATED' },
] as const;

const DELIVER_TPDU = '040BC87238880900F10000993092516195800AE8329BFD4697D9EC37';
const REPORT_TPDU = '060C0A919471000090521051210000005210512100500000';

function connect(modem: SimulatedModem, family: 'quectel' | 'simcom') {
  const channel = new AtChannel(modem.open(), { log: silentLogger(), defaultTimeoutMs: 2000 });
  const opts = { log: silentLogger(), callEndGraceMs: 0 };
  const driver: QuectelModem | SimcomModem = family === 'quectel' ? openQuectelModem(channel, opts) : openSimcomModem(channel, opts);
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  return { channel, driver, events };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.fail(`timed out waiting for ${what}`);
}

for (const f of FAMILIES) {
  test(`${f.family}: init, identity, SIM, network, SMS, calls, USSD, IMEI, reset against a simulated ${f.dialect}`, async () => {
    const net = new FakeNetwork();
    const clock = new TestClock();
    const sim = makeSim({ iccid: '89860318740211234567', plmn: '46000' });
    const modem = new SimulatedModem({ id: 1, dialect: f.dialect, imei: f.imei, sims: [sim], network: net, clock });
    let { channel, driver, events } = connect(modem, f.family);
    let d = driver;
    await settle();
    if (f.family === 'quectel') assert.ok(events.some((e) => e.type === 'modem-ready'));
    assert.ok(events.some((e) => e.type === 'sim-state' && e.state === 'READY'));

    await d.init();
    await d.sms.init();
    assert.deepEqual(await d.identity.identity(), { manufacturer: f.manufacturer, model: f.model, revision: f.family === 'quectel' ? 'EC25EFAR06A06M4G' : 'LE20B04SIM7600G22', imei: f.imei });
    assert.equal(await d.sim.state(), 'READY');
    assert.equal(await d.sim.iccid(), sim.iccid);
    assert.equal(await d.sim.imsi(), sim.imsi);
    assert.equal(await d.sim.ownNumber(), sim.number);
    assert.equal(await d.sms.serviceCentre(), sim.smsc);
    const regs = await d.netreg.registration();
    assert.deepEqual(regs.map((r) => [r.domain, r.stat, r.rat]), [['cs', 'home', '4G'], ['ps', 'home', '4G'], ['eps', 'home', '4G']]);
    assert.deepEqual(await d.netreg.operator(), { mode: 'auto', name: 'CHINA MOBILE', plmn: '46000', rat: '4G' });
    assert.deepEqual(await d.netreg.signal(), { rssi: 28, dbm: -57, ber: 99 });
    assert.equal(await d.netreg.volte(), true);
    const att = net.of(sim.imsi);

    // SMS out
    const mr = await d.sms.send('0001000B916407281553F8000005E8329BFD06', 18);
    assert.equal(mr, 1);
    assert.equal(att.submitted.length, 1);

    // SMS in: stored in ME and announced with +CMTI
    events.length = 0;
    att.events.sms(Uint8Array.from(Buffer.from(DELIVER_TPDU, 'hex')), '+27381000015');
    await until(() => events.some((e) => e.type === 'sms-stored'), 'sms-stored');
    assert.deepEqual(events.find((e) => e.type === 'sms-stored'), { type: 'sms-stored', mem: 'ME', index: 0 });
    assert.deepEqual(await d.sms.read(0), { index: 0, stat: 0, pdu: '07917283010010F5' + DELIVER_TPDU });
    assert.equal((await d.sms.list(4)).length, 1);
    await d.sms.delete(0);
    assert.equal(await d.sms.read(0), null);

    // status report (+CNMI <ds>=2)
    events.length = 0;
    att.events.statusReport(Uint8Array.from(Buffer.from(REPORT_TPDU, 'hex')), '+491710760000');
    await until(() => events.some((e) => e.type === 'status-report-stored'), 'status-report-stored');
    assert.deepEqual(events.find((e) => e.type === 'status-report-stored'), { type: 'status-report-stored', mem: 'SR', index: 0 });
    if (d.family === 'quectel') {
      assert.equal((await d.statusReports.read(0))?.pdu, '0791947101670000' + REPORT_TPDU);
      await d.statusReports.delete(0);
    }

    // outgoing call, answered, remote hang-up
    events.length = 0;
    await d.voicecall.dial('10086');
    const leg = att.dialled[0]!;
    leg.set('active');
    if (d.family === 'simcom') {
      await until(() => events.some((e) => e.type === 'call-state'), 'call-state');
      const cs = events.find((e) => e.type === 'call-state');
      assert.ok(cs?.type === 'call-state' && cs.calls[0]?.state === 'active');
    } else assert.equal((await d.voicecall.list())[0]?.state, 'active');
    await d.audio.startCall();
    leg.set('ended', 'normal');
    await until(() => events.some((e) => e.type === 'call-ended'), 'call-ended');
    assert.deepEqual(events.filter((e) => e.type === 'call-ended'), [{ type: 'call-ended', reason: 'NO CARRIER' }]);
    assert.equal(await d.voicecall.endCause(), 'Normal call clearing');

    // incoming call, answered, local hang-up
    events.length = 0;
    const mt = att.ring('+8613900139000');
    await until(() => events.some((e) => e.type === 'clip'), 'clip');
    assert.deepEqual(events.slice(0, 2), [{ type: 'ring' }, { type: 'clip', number: '+8613900139000', numberType: 145 }]);
    await d.voicecall.answer();
    assert.equal(mt.state, 'active');
    await d.voicecall.hangup();
    assert.equal(mt.state, 'ended');
    assert.equal(modem.pendingTimers, 0);

    // USSD
    events.length = 0;
    await d.ussd.send('*100#');
    await until(() => events.some((e) => e.type === 'ussd'), 'ussd');
    assert.deepEqual(events.find((e) => e.type === 'ussd'), { type: 'ussd', m: 0, str: 'Balance for *100#: 12,50 EUR', dcs: 15 });
    await d.ussd.cancel();

    // IMEI write, then reset: the port closes, the modem comes back with the new IMEI on the network
    await d.imei.write('490154203237518');
    await d.reset.reset();
    await until(() => channel.isClosed, 'port closed by the reset');
    assert.throws(() => modem.open(), /no such device/);
    clock.advance(0);
    d.dispose();
    ({ channel, driver, events } = connect(modem, f.family));
    d = driver;
    await settle();
    if (f.family === 'quectel') assert.ok(events.some((e) => e.type === 'modem-ready'));
    await d.init();
    assert.equal((await d.identity.identity()).imei, '490154203237518');
    assert.equal(net.of(sim.imsi).imei, '490154203237518');
    await channel.close();
    modem.close();
  });
}

test('simcom: AT+CPCMREG=1 before the call is connected is refused', async () => {
  const net = new FakeNetwork();
  const modem = new SimulatedModem({ id: 3, dialect: 'simcom-sim7600', imei: '862656040123453', sims: [makeSim()], network: net, clock: new TestClock() });
  const { channel, driver } = connect(modem, 'simcom');
  await driver.init();
  await assert.rejects(driver.audio.startCall(), /ERROR/);
  await channel.close();
  modem.close();
});

test('quectel: PIN entry through the driver; wrong PUK keeps the SIM blocked', async () => {
  const net = new FakeNetwork();
  const sim = makeSim({ pin: '1234', puk: '12345678' });
  const modem = new SimulatedModem({ id: 4, dialect: 'quectel-ec25', imei: '867538030123450', sims: [sim], network: net, clock: new TestClock() });
  const { channel, driver } = connect(modem, 'quectel');
  await driver.init();
  assert.equal(await driver.sim.state(), 'SIM PIN');
  for (const pin of ['0000', '0001', '0002']) await assert.rejects(driver.sim.enterPin(pin));
  assert.equal(await driver.sim.state(), 'SIM PUK');
  await assert.rejects(driver.sim.enterPuk('87654321', '4321'));
  await driver.sim.enterPuk('12345678', '4321');
  assert.equal(await driver.sim.state(), 'READY');
  assert.equal(net.attachments.length, 1);
  await channel.close();
  modem.close();
});
