/**
 * A second call on a simulated modem (TS 27.007 §7.12 +CCWA, §7.13 +CHLD): with call waiting off in the
 * network the second caller hears busy; with AT+CCWA=1,1,1 it waits (+CCWA), AT+CHLD=2 holds the first
 * and accepts it, +CLCC lists both (held = <stat> 1), its caller's hang-up leaves the held call, and
 * AT+CHLD=2 takes that back; AT+CHLD=0 turns a waiting caller down (busy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, MobileNetwork } from '../../modem-drivers/simulator/network/index.js';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { AtClient, settle, numberedSim } from './modem-fakes.js';

const card = numberedSim;

async function rig() {
  const clock = new ManualClock();
  const net = new MobileNetwork({ clock, operators: [{ plmn: '46000', longName: 'CHINA MOBILE', shortName: 'CMCC' }] });
  const modems = [1, 2, 3, 4].map((n) => new SimulatedModem({ id: n, dialect: 'quectel-ec25', imei: `86753803012345${n}`, sims: [card(n)], network: net, clock }));
  await clock.advanceAsync(0);
  const [a, b, c, d] = modems.map((m) => new AtClient(m.open())) as [AtClient, AtClient, AtClient, AtClient];
  await settle();
  for (const x of [a, b, c, d]) {
    x.take();
    await x.at('ATE0');
    assert.match(await x.at('AT+CREG?'), /\+CREG: 0,1/);
  }
  const step = async () => {
    await clock.advanceAsync(0);
    await settle();
  };
  /** B calls A and A answers. */
  const firstCall = async () => {
    assert.equal(await b.at('ATD+8613800000001;'), '\r\nOK\r\n');
    await step();
    assert.match(a.take(), /RING/);
    assert.equal(await a.at('ATA'), '\r\nOK\r\n');
    await step();
  };
  const close = () => {
    for (const m of modems) m.close();
    net.close();
  };
  return { clock, net, modems, a, b, c, d, step, firstCall, close };
}

test('call waiting off (the default): a second caller hears busy, the first call goes on', async () => {
  const r = await rig();
  await r.firstCall();
  assert.equal(await r.c.at('ATD+8613800000001;'), '\r\nOK\r\n');
  await r.step();
  assert.equal(r.c.take(), '\r\nBUSY\r\n');
  assert.equal(r.a.take(), '');
  assert.equal(await r.a.at('AT+CLCC'), '\r\n+CLCC: 1,1,0,0,0,"+8613800000002",145\r\n\r\nOK\r\n');
  r.close();
});

test('AT+CCWA=1,1,1: +CCWA, AT+CHLD=2 holds and accepts, +CLCC lists both, the held call is taken back after the second ends', async () => {
  const r = await rig();
  assert.equal(await r.a.at('AT+CCWA=1,1,1'), '\r\nOK\r\n');
  assert.equal(await r.a.at('AT+CCWA=1,2'), '\r\n+CCWA: 1,1\r\n\r\nOK\r\n');
  await r.firstCall();
  assert.equal(await r.c.at('ATD+8613800000001;'), '\r\nOK\r\n');
  await r.step();
  assert.equal(r.a.take(), '\r\n+CCWA: "+8613800000003",145,1\r\n');
  assert.equal(await r.a.at('AT+CLCC'), '\r\n+CLCC: 1,1,0,0,0,"+8613800000002",145\r\n+CLCC: 2,1,5,0,0,"+8613800000003",145\r\n\r\nOK\r\n');
  assert.equal(await r.a.at('AT+CHLD=2'), '\r\nOK\r\n');
  await r.step();
  assert.equal(await r.a.at('AT+CLCC'), '\r\n+CLCC: 1,1,1,0,0,"+8613800000002",145\r\n+CLCC: 2,1,0,0,0,"+8613800000003",145\r\n\r\nOK\r\n');
  // A third caller while two calls are up hears busy.
  assert.equal(await r.d.at('ATD+8613800000001;'), '\r\nOK\r\n');
  await r.step();
  assert.equal(r.d.take(), '\r\nBUSY\r\n');
  assert.equal(r.a.take(), '');
  // The second caller hangs up: NO CARRIER, the first call stays held until AT+CHLD=2 takes it back.
  assert.equal(await r.c.at('ATH'), '\r\nOK\r\n');
  await r.step();
  assert.equal(r.a.take(), '\r\nNO CARRIER\r\n');
  assert.equal(await r.a.at('AT+CLCC'), '\r\n+CLCC: 1,1,1,0,0,"+8613800000002",145\r\n\r\nOK\r\n');
  assert.equal(await r.a.at('AT+CHLD=2'), '\r\nOK\r\n');
  assert.equal(await r.a.at('AT+CLCC'), '\r\n+CLCC: 1,1,0,0,0,"+8613800000002",145\r\n\r\nOK\r\n');
  // C calls again and waits; AT+CHLD=1 releases B and accepts C; ATH ends the call left.
  assert.equal(await r.c.at('ATD+8613800000001;'), '\r\nOK\r\n');
  await r.step();
  assert.equal(r.a.take(), '\r\n+CCWA: "+8613800000003",145,1\r\n');
  assert.equal(await r.a.at('AT+CHLD=1'), '\r\nOK\r\n');
  await r.step();
  assert.equal(await r.a.at('AT+CLCC'), '\r\n+CLCC: 2,1,0,0,0,"+8613800000003",145\r\n\r\nOK\r\n');
  assert.equal(r.b.take(), '\r\nNO CARRIER\r\n');
  assert.equal(await r.a.at('ATH'), '\r\nOK\r\n');
  await r.step();
  assert.equal(await r.a.at('AT+CLCC'), '\r\nOK\r\n');
  r.close();
});

test('AT+CHLD=0 turns the waiting caller down (busy); AT+CCWA=0,0,1 turns waiting off again', async () => {
  const r = await rig();
  assert.equal(await r.a.at('AT+CCWA=1,1,1'), '\r\nOK\r\n');
  await r.firstCall();
  assert.equal(await r.c.at('ATD+8613800000001;'), '\r\nOK\r\n');
  await r.step();
  r.a.take();
  assert.equal(await r.a.at('AT+CHLD=0'), '\r\nOK\r\n');
  await r.step();
  assert.equal(r.c.take(), '\r\nBUSY\r\n');
  assert.equal(await r.a.at('AT+CCWA=0,0,1'), '\r\nOK\r\n');
  assert.equal(await r.c.at('ATD+8613800000001;'), '\r\nOK\r\n');
  await r.step();
  assert.equal(r.c.take(), '\r\nBUSY\r\n');
  assert.equal(await r.a.at('AT+CHLD=0'), '\r\n+CME ERROR: 3\r\n');
  r.close();
});
