/**
 * The simulated modem's second AT port (the USB 'modem' interface of the EC25 / SIM7600): it answers AT
 * while the main port waits for the network, and shares the modem's fate (hang, restart).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { AtClient, FakeNetwork, TestClock, makeSim, settle } from './modem-fakes.js';

async function opened(dialect: 'quectel-ec25' | 'simcom-sim7600' = 'quectel-ec25') {
  const modem = new SimulatedModem({ id: 1, dialect, imei: '867538030123450', sims: [makeSim()], network: new FakeNetwork(), clock: new TestClock() });
  const main = new AtClient(modem.open());
  const second = new AtClient(modem.openSecondary());
  await settle();
  main.take();
  return { modem, main, second };
}

test('second port: answers AT (with its own echo), ATE0, ATI; other commands belong to the main port', async () => {
  const { modem, main, second } = await opened();
  assert.equal(await second.at('AT'), 'AT\r\r\nOK\r\n');
  assert.equal(await second.at('ATE0'), 'ATE0\r\r\nOK\r\n');
  assert.equal(await second.at('AT'), '\r\nOK\r\n');
  assert.equal(await main.at('AT'), 'AT\r\r\nOK\r\n', 'the main port keeps its own echo');
  assert.equal(await second.at('ATI'), '\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK\r\n');
  assert.equal(await second.at('AT+CSQ'), '\r\nERROR\r\n');
  assert.throws(() => modem.openSecondary(), /busy/);
  modem.close();
});

test('second port: answers while the main port waits at the > prompt of AT+CMGS', async () => {
  const { modem, main, second } = await opened('simcom-sim7600');
  await main.at('AT+CMGF=0');
  assert.match(await main.at('AT+CMGS=23'), /> $/);
  assert.equal(await second.at('AT'), 'AT\r\r\nOK\r\n');
  assert.equal(main.take(), '', 'nothing of it on the main port');
  modem.close();
});

test('second port: a hung modem answers on neither port; released, both answer again', async () => {
  const { modem, main, second } = await opened();
  modem.setHung(true);
  assert.equal(await second.at('AT'), '');
  assert.equal(await main.at('AT'), '');
  modem.setHung(false);
  assert.equal(await second.at('AT'), 'AT\r\r\nOK\r\n');
  assert.equal(await main.at('AT'), 'AT\r\r\nOK\r\n');
  modem.close();
});

test('second port: a restart closes it with the main port; it opens again once the modem is back', async () => {
  const { modem, second } = await opened();
  modem.reset();
  await settle();
  assert.ok(second.closedWith !== null, 'closed by the restart');
  assert.throws(() => modem.openSecondary(), /no such device/);
  modem.close();
});
