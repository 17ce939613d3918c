/**
 * The fixtures/{quectel/ec25,simcom/sim7600}/http-*.txt transcripts that need no HTTP server replayed against
 * the simulated modems, with the test as the host (`# data:` lines are host bytes, see
 * test/drivers/quectel-http.test.ts). The success transcripts name a documentation address the simulator
 * refuses (loopback only), so the GETs themselves are covered end to end in modem-http.test.ts instead.
 * Normalised: the address in `+QIACT:` (the simulator derives it from the IMEI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import type { Dialect } from '../../modem-drivers/simulator/modem/dialect.js';
import { parseTranscript, repoRoot } from '../helpers/transcript.js';
import { AtClient, FakeNetwork, TestClock, makeSim, settle } from './modem-fakes.js';

interface Scenario {
  file: string;
  dialect: Dialect;
  registered: boolean;
  prep: string[];
}

const SCENARIOS: Scenario[] = [
  { file: 'quectel/ec25/http-dns-error.txt', dialect: 'quectel-ec25', registered: true, prep: ['ATE0', 'AT+CMEE=1', 'AT+QIACT=1'] },
  { file: 'quectel/ec25/http-no-network.txt', dialect: 'quectel-ec25', registered: false, prep: ['ATE0', 'AT+CMEE=1'] },
  { file: 'simcom/sim7600/http-dns-error.txt', dialect: 'simcom-sim7600', registered: true, prep: ['ATE0', 'AT+CMEE=1'] },
  { file: 'simcom/sim7600/http-no-network.txt', dialect: 'simcom-sim7600', registered: false, prep: ['ATE0', 'AT+CMEE=1'] },
];

const normalise = (s: string) => s.replace(/(\+QIACT: \d+,1,\d+),"[0-9.]+"/g, '$1,"<ip>"');

for (const sc of SCENARIOS) {
  test(`replay ${sc.file} on a simulated ${sc.dialect}`, async () => {
    const path = join(repoRoot(), 'fixtures', sc.file);
    const t = parseTranscript(readFileSync(path, 'utf8'), path);
    const steps: { host: string; modem: string }[] = [];
    for (const s of t.steps) {
      const text = s.data.toString('latin1');
      if (s.dir === 'host') steps.push({ host: text, modem: '' });
      else steps[steps.length - 1]!.modem += text;
    }
    const net = new FakeNetwork();
    if (!sc.registered) net.initial = { state: 'denied', rat: null, rssi: 20 };
    const clock = new TestClock();
    const modem = new SimulatedModem({ id: 1, dialect: sc.dialect, imei: '490154203237518', sims: [makeSim()], network: net, clock });
    const c = new AtClient(modem.open());
    await settle();
    c.take();
    for (const cmd of sc.prep) assert.match(await c.at(cmd), /OK/, cmd);
    for (const [i, s] of steps.entries()) {
      c.take();
      c.port.write(Buffer.from(s.host, 'latin1'));
      await settle();
      assert.equal(normalise(c.take()), normalise(s.modem), `step ${i} ${JSON.stringify(s.host)}`);
    }
    modem.close();
  });
}

test('Quectel AT+QHTTPURL on the simulator: CONNECT, data not echoed, URCs held until OK, input timeout', async () => {
  const net = new FakeNetwork();
  const clock = new TestClock();
  const sim = makeSim();
  const modem = new SimulatedModem({ id: 1, dialect: 'quectel-ec25', imei: '490154203237518', sims: [sim], network: net, clock });
  const c = new AtClient(modem.open());
  await settle();
  c.take();
  await c.at('AT+CMEE=1'); // echo still on: the command is echoed, the data is not
  await c.at('AT+QINDCFG="csq",1');
  assert.equal(await c.at('AT+QHTTPURL=19,5'), 'AT+QHTTPURL=19,5\r\r\nCONNECT\r\n');
  c.port.write(Buffer.from('http://127.0.0.1', 'latin1'));
  await settle();
  assert.equal(c.take(), '');
  net.of(sim.imsi).signal(12); // a URC in data state waits for the final result
  await settle();
  assert.equal(c.take(), '');
  c.port.write(Buffer.from('/x\r', 'latin1')); // the CR is the 19th byte, part of the data
  await settle();
  assert.equal(c.take(), '\r\n+CME ERROR: 711\r\n\r\n+QIND: "csq",12,99\r\n', 'a URL ending in CR is not a URL; then the held URC');
  assert.equal(await c.at('AT+QHTTPURL=18,5'), 'AT+QHTTPURL=18,5\r\r\nCONNECT\r\n');
  c.port.write(Buffer.from('http://127.0.0.1/x', 'latin1'));
  await settle();
  assert.equal(c.take(), '\r\nOK\r\n');
  assert.equal(await c.at('AT+QHTTPURL?'), 'AT+QHTTPURL?\r\r\n+QHTTPURL: http://127.0.0.1/x\r\n\r\nOK\r\n');
  assert.equal(await c.at('AT+QHTTPURL=18,5'), 'AT+QHTTPURL=18,5\r\r\nCONNECT\r\n');
  c.port.write(Buffer.from('http://', 'latin1'));
  await settle();
  clock.advance(5000);
  await settle();
  assert.equal(c.take(), '\r\n+CME ERROR: 702\r\n', 'the URL did not arrive within <timeout>');
  assert.equal(await c.at('AT'), 'AT\r\r\nOK\r\n', 'back in command state');
  assert.equal(modem.pendingTimers, 0);
  modem.close();
});
