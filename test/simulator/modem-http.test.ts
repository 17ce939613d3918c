/**
 * The data connectivity check end to end on the simulator: cellgate's Quectel and SIMCom modems (through
 * openModem, over the real AtChannel) run httpCheck against a SimulatedModem on the MobileNetwork, and
 * the simulated modem performs a real GET to an HTTP server this test starts on 127.0.0.1.
 * Also: a loopback port with nothing listening, hosts off the loopback (refused, never contacted), a SIM
 * that is not registered, two checks at once, and the simulator's loopback policy.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import { openModem } from '../../modem-drivers/modem.js';
import type { DataCheckCapability, Modem } from '../../modem-drivers/capabilities.js';
import { HttpCheckError } from '../../modem-drivers/types.js';
import { ManualClock, MobileNetwork } from '../../modem-drivers/simulator/network/index.js';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { loopbackPolicy } from '../../modem-drivers/simulator/modem/packet-data.js';
import type { SimCard } from '../../modem-drivers/simulator/types.js';

const FAMILIES = [
  { family: 'quectel', dialect: 'quectel-ec25', imei: '867538030123450' },
  { family: 'simcom', dialect: 'simcom-sim7600', imei: '862656040123453' },
] as const;

const card = (n: number): SimCard => ({
  iccid: `8986000000000000001${n}`,
  imsi: `46000123450001${n}`,
  number: `+861380000010${n}`,
  pin: null,
  puk: '12345678',
  plmn: '46000',
  smsc: '+8613800200500',
});

/** A local server: /ok answers 200 with 12 bytes, /slow after 50 ms, anything else 404. Counts requests. */
async function startServer(): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello world!');
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 50);
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** A loopback port that was free a moment ago (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const srv = await startServer();
after(() => new Promise<void>((r) => srv.server.close(() => r())));

async function bringUp(
  f: (typeof FAMILIES)[number],
  n: number,
): Promise<{ clock: ManualClock; net: MobileNetwork; modem: SimulatedModem; driver: Modem & { dataCheck: DataCheckCapability }; sim: SimCard; channel: AtChannel }> {
  const clock = new ManualClock();
  const net = new MobileNetwork({ clock, operators: [{ plmn: '46000', longName: 'CHINA MOBILE', shortName: 'CMCC' }] });
  const sim = card(n);
  const modem = new SimulatedModem({ id: n, dialect: f.dialect, imei: f.imei, sims: [sim], network: net, clock });
  await clock.advanceAsync(0);
  const channel = new AtChannel(modem.open(), { log: silentLogger(), defaultTimeoutMs: 2000 });
  const driver = openModem(f.family, channel, { log: silentLogger(), callEndGraceMs: 0 });
  assert.ok(driver.dataCheck, `${f.family} has the data check capability`);
  await driver.init();
  return { clock, net, modem, driver: { ...driver, dataCheck: driver.dataCheck }, sim, channel };
}

async function failure(p: Promise<unknown>): Promise<HttpCheckError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HttpCheckError, `expected HttpCheckError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

for (const [i, f] of FAMILIES.entries()) {
  test(`${f.family}: 200 and 404 from a local server through the simulated ${f.dialect}`, async () => {
    const { modem, driver } = await bringUp(f, i * 10 + 1);
    const before = srv.hits.length;
    const ok = await driver.dataCheck.httpCheck({ url: `${srv.base}/ok`, apn: 'CMNET', timeoutMs: 5000 });
    assert.deepEqual({ status: ok.status, bytes: ok.bytes }, { status: 200, bytes: 12 });
    assert.ok(ok.ms >= 0 && ok.ms < 5000);
    const missing = await driver.dataCheck.httpCheck({ url: `${srv.base}/nothing-here`, timeoutMs: 5000 });
    assert.deepEqual({ status: missing.status, bytes: missing.bytes }, { status: 404, bytes: 8 });
    assert.deepEqual(srv.hits.slice(before), ['/ok', '/nothing-here']);
    // A third check after the others reuses the active context (Quectel) / a fresh HTTP session (SIMCom).
    assert.equal((await driver.dataCheck.httpCheck({ url: `${srv.base}/ok`, timeoutMs: 5000 })).status, 200);
    modem.close();
  });

  test(`${f.family}: a loopback port with nothing listening is a connect failure`, async () => {
    const { modem, driver } = await bringUp(f, i * 10 + 2);
    const e = await failure(driver.dataCheck.httpCheck({ url: `http://127.0.0.1:${await closedPort()}/ok`, timeoutMs: 5000 }));
    assert.equal(e.kind, 'connect');
    assert.equal(e.code, f.family === 'quectel' ? 716 : 714);
    // the modem is usable afterwards
    assert.equal((await driver.dataCheck.httpCheck({ url: `${srv.base}/ok`, timeoutMs: 5000 })).status, 200);
    modem.close();
  });

  test(`${f.family}: hosts off the loopback are refused by the simulator (DNS / connect error), never contacted`, async () => {
    const { modem, driver } = await bringUp(f, i * 10 + 3);
    const before = srv.hits.length;
    const dns = await failure(driver.dataCheck.httpCheck({ url: 'http://www.example.com/', timeoutMs: 5000 }));
    assert.equal(dns.kind, 'dns');
    assert.equal(dns.code, f.family === 'quectel' ? 714 : 713);
    const ip = await failure(driver.dataCheck.httpCheck({ url: 'http://192.0.2.1/ok', timeoutMs: 5000 }));
    assert.equal(ip.kind, 'connect');
    assert.equal(srv.hits.length, before);
    modem.close();
  });

  test(`${f.family}: a SIM that is not registered has no data connection`, async () => {
    const { clock, net, modem, driver, sim } = await bringUp(f, i * 10 + 4);
    assert.ok(net.setRegistration(sim.imsi, 'denied'));
    await clock.advanceAsync(0);
    const e = await failure(driver.dataCheck.httpCheck({ url: `${srv.base}/ok`, apn: 'CMNET', timeoutMs: 5000 }));
    assert.equal(e.kind, 'no-data-connection');
    // back on the network, the check works again
    assert.ok(net.setRegistration(sim.imsi, null));
    await clock.advanceAsync(0);
    assert.equal((await driver.dataCheck.httpCheck({ url: `${srv.base}/ok`, timeoutMs: 5000 })).status, 200);
    modem.close();
  });

  test(`${f.family}: two checks at once run one after the other`, async () => {
    const { modem, driver } = await bringUp(f, i * 10 + 5);
    const [a, b] = await Promise.all([
      driver.dataCheck.httpCheck({ url: `${srv.base}/slow`, timeoutMs: 5000 }),
      driver.dataCheck.httpCheck({ url: `${srv.base}/ok`, timeoutMs: 5000 }),
    ]);
    assert.deepEqual([a.status, a.bytes, b.status, b.bytes], [200, 4, 200, 12]);
    modem.close();
  });
}

test('loopbackPolicy: loopback names and addresses pass; everything else is refused before any socket', () => {
  for (const u of ['http://127.0.0.1/', 'http://127.1.2.3:8080/x', 'http://localhost/', 'http://[::1]:80/']) assert.equal(loopbackPolicy(u).ok, true, u);
  const refused = (u: string) => {
    const r = loopbackPolicy(u);
    return r.ok ? 'ok' : r.failure;
  };
  assert.equal(refused('http://192.0.2.1/'), 'connect');
  assert.equal(refused('http://10.0.0.1/'), 'connect');
  assert.equal(refused('http://[2001:db8::1]/'), 'connect');
  assert.equal(refused('http://example.com/'), 'dns');
  assert.equal(refused('http://127.0.0.1.example.com/'), 'dns');
  assert.equal(refused('http://localhost.example.com/'), 'dns');
  assert.equal(refused('ftp://127.0.0.1/'), 'connect');
  assert.equal(refused('::'), 'dns');
});
