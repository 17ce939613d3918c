/**
 * UssdService over real Lines: against the simulated network (menus, cancel, UCS2, own number, slow
 * replies, timeouts) and against a scripted modem for what the simulator does not do (reply before OK,
 * packed / hex / UCS2 hex strings, refusals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import { encodeUssd } from '../../src/gsm/ussd.js';
import { bytesToHex } from '../../src/gsm/hex.js';
import { encodeUcs2 } from '../../src/gsm/ucs2.js';
import { extractNumberAfterMarker } from '../../src/sms/own-number-text.js';
import { silentLogger } from '../../src/util/log.js';
import { MIN_USSD_TIMEOUT_SEC, UssdError, UssdService, type Timers } from '../../src/ussd/ussd-service.js';
import { UNKNOWN_SERVICE_TEXT } from '../../modem-drivers/simulator/network/ussd-service.js';
import { simCard } from '../../modem-drivers/simulator/simulator.js';
import type { FakePort } from '../helpers/fake-port.js';
import { MiniModem, MiniModemProvider } from '../helpers/mini-modem.js';
import { LINE_TIMING, simLines, until } from './sim-lines.js';

function service(getLine: (id: number) => Line | undefined, over: Partial<ConstructorParameters<typeof UssdService>[0]> = {}) {
  return new UssdService({ getLine, config: { timeoutSec: 30 }, log: silentLogger(), ...over });
}

// ---------------------------------------------------------------------------------------------------
// Against the simulated network

test('simulator: *100# balance; *123# menu, answer "1" → balance; the commands on the wire', async () => {
  const s = await simLines();
  const u = service(s.getLine);
  for (const l of s.lines) u.attach(l);
  try {
    const bal = await u.send(1, '*100#');
    assert.deepEqual(bal, { state: 'done', text: 'Balance: 42.50 CNY, valid until 2027-01-31', m: 0, dcs: 15, reason: null });
    assert.equal(u.session(1).state, 'idle');

    const menu = await u.send(1, '*123#');
    assert.equal(menu.state, 'menu');
    assert.equal(menu.text, '1. Balance\n2. Data bundle', 'the two-line menu arrives whole');
    assert.equal(u.session(1).state, 'menu');
    assert.equal(u.session(1).openedBy, 'user');
    const done = await u.reply(1, '1');
    assert.equal(done.state, 'done');
    assert.equal(done.text, 'Balance: 42.50 CNY, valid until 2027-01-31');
    assert.equal(u.session(1).state, 'idle');
    assert.deepEqual(s.providers[0]!.commands('AT+CUSD'), ['AT+CUSD=1,"*100#",15', 'AT+CUSD=1,"*123#",15', 'AT+CUSD=1,"1",15']);
  } finally {
    u.close();
    await s.stop();
  }
});

test('simulator: cancel sends AT+CUSD=2 and the network has closed the dialogue ("1" is then an unknown code)', async () => {
  const s = await simLines();
  const u = service(s.getLine);
  try {
    assert.equal((await u.send(1, '*123#')).state, 'menu');
    const after = await u.cancel(1);
    assert.equal(after.state, 'idle');
    assert.deepEqual(s.providers[0]!.commands('AT+CUSD=2'), ['AT+CUSD=2']);
    await assert.rejects(u.reply(1, '1'), (e: unknown) => e instanceof UssdError && e.code === 'no-menu');
    // Had the network kept the menu, "1" would choose "Balance"; closed, it is a new (unknown) code.
    const r = await u.send(1, '1');
    assert.equal(r.text, UNKNOWN_SERVICE_TEXT);
  } finally {
    u.close();
    await s.stop();
  }
});

test('simulator: a new code while a menu is open closes the menu first (AT+CUSD=2, then AT+CUSD=1)', async () => {
  const s = await simLines();
  const u = service(s.getLine);
  try {
    assert.equal((await u.send(1, '*123#')).state, 'menu');
    const r = await u.send(1, '*100#');
    assert.equal(r.state, 'done');
    assert.deepEqual(s.providers[0]!.commands('AT+CUSD'), ['AT+CUSD=1,"*123#",15', 'AT+CUSD=2', 'AT+CUSD=1,"*100#",15']);
  } finally {
    u.close();
    await s.stop();
  }
});

test('simulator: a reply in Chinese comes as UCS2 hex (dcs 72) and is decoded', async () => {
  const s = await simLines({ menus: { '*200#': { text: '尊敬的客户，您的余额为 10.00 元' } } });
  const u = service(s.getLine);
  try {
    const r = await u.send(1, '*200#');
    assert.equal(r.dcs, 72);
    assert.equal(r.text, '尊敬的客户，您的余额为 10.00 元');
  } finally {
    u.close();
    await s.stop();
  }
});

test('simulator: *#100# tells the own number; the marker "Your number is" finds it', async () => {
  // Slot D of an odd modem holds no number on the SIM (AT+CNUM is empty): the network still knows it.
  const sim = simCard(1, 3);
  assert.equal(sim.number, null);
  const s = await simLines({ sims: [sim] });
  const u = service(s.getLine);
  try {
    assert.equal(s.lines[0]!.status().sim.number, null);
    const r = await u.send(1, '*#100#');
    assert.equal(r.state, 'done');
    assert.match(r.text ?? '', /^Your number is \+\d+$/);
    assert.equal(extractNumberAfterMarker(r.text!, 'Your number is'), s.net.numberOf(sim.imsi));
  } finally {
    u.close();
    await s.stop();
  }
});

test('simulator: a reply long after the OK is waited for (the request is accepted meanwhile)', async () => {
  const s = await simLines({ timing: { ussdMs: 1500 } });
  const u = service(s.getLine);
  try {
    const started = Date.now();
    const p = u.send(1, '*100#', { timeoutMs: 5000 });
    await until('OK of AT+CUSD=1', () => u.session(1).request?.accepted === true);
    assert.equal(u.session(1).state, 'waiting');
    const r = await p;
    assert.equal(r.state, 'done');
    assert.ok(Date.now() - started >= 1400, 'resolved with the late reply');
  } finally {
    u.close();
    await s.stop();
  }
});

test('simulator: no reply in time → timeout, AT+CUSD=2 closes it, the "+CUSD: 2" that follows is ignored, the next request works', async () => {
  const s = await simLines({ timing: { ussdMs: 60_000 } });
  const u = service(s.getLine);
  try {
    const r = await u.send(1, '*100#', { timeoutMs: 300 });
    assert.deepEqual(r, { state: 'timeout', text: null, m: null, dcs: null, reason: 'no reply from the network in time' });
    await until('AT+CUSD=2', () => s.providers[0]!.commands('AT+CUSD=2').length === 1);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(u.session(1).state, 'idle');
    assert.equal(u.session(1).last?.state, 'timeout', 'the echo did not replace the outcome');
    s.net.setTiming(s.modems[0]!.imei, { ussdMs: 50 });
    assert.equal((await u.send(1, '*100#', { timeoutMs: 3000 })).state, 'done');
  } finally {
    u.close();
    await s.stop();
  }
});

test('simulator: a network-initiated menu (unsolicited +CUSD: 1) can be answered', async () => {
  const s = await simLines();
  const u = service(s.getLine);
  for (const l of s.lines) u.attach(l);
  try {
    // Result codes are presented once AT+CUSD=1 was given (TS 27.007 §7.15 <n>=1); the driver's init
    // does not enable it, the first request does.
    assert.equal((await u.send(1, '*100#')).state, 'done');
    const sim = simCard(1, 0);
    assert.ok(s.net.pushUssd(sim.imsi, { text: 'Rate us: 1 good, 2 bad', options: { '1': { text: 'Thanks!' }, '2': { text: 'Sorry' } } }));
    await until('menu', () => u.session(1).state === 'menu');
    assert.equal(u.session(1).openedBy, 'network');
    assert.equal(u.session(1).last?.text, 'Rate us: 1 good, 2 bad');
    const r = await u.reply(1, '1');
    assert.deepEqual([r.state, r.text], ['done', 'Thanks!']);
  } finally {
    u.close();
    await s.stop();
  }
});

// ---------------------------------------------------------------------------------------------------
// Against a scripted modem

/** A registered line on a MiniModem whose AT+CUSD answers `script` gives. */
async function scripted(script: (cmd: string, p: FakePort) => void) {
  const modem = new MiniModem({ imei: '861234567890123' });
  const line = new Line({ id: 1, port: new MiniModemProvider(modem), log: silentLogger(), timing: LINE_TIMING });
  line.start();
  await until('registered', () => line.status().lifecycle === 'registered');
  const port = modem.port!;
  const base = port.responder;
  port.responder = (cmd, p) => (cmd.toUpperCase().startsWith('AT+CUSD') ? script(cmd, p) : base(cmd, p));
  return { modem, line, port, stop: () => line.stop() };
}

test('scripted: the reply before the OK of AT+CUSD=1', async () => {
  const m = await scripted((cmd, p) => {
    if (cmd.startsWith('AT+CUSD=1')) p.send('\r\n+CUSD: 0,"Balance: 3.20 USD",15\r\n\r\nOK\r\n');
    else p.reply();
  });
  const u = service(() => m.line);
  try {
    assert.deepEqual(await u.send(1, '*100#'), { state: 'done', text: 'Balance: 3.20 USD', m: 0, dcs: 15, reason: null });
    assert.equal(u.session(1).state, 'idle');
  } finally {
    u.close();
    await m.stop();
  }
});

test('scripted: GSM 7-bit packed hex, UCS2 hex, 8-bit hex and a language-prefixed UCS2 reply are decoded', async () => {
  const replies = [
    { str: encodeUssd('Your balance is 7.50 EUR')!, dcs: 15, want: 'Your balance is 7.50 EUR' },
    { str: bytesToHex(encodeUcs2('余额 12 元')), dcs: 72, want: '余额 12 元' },
    { str: bytesToHex(Buffer.from('Saldo: 9,99', 'latin1')), dcs: 0x44, want: 'Saldo: 9,99' },
    // TS 23.038 §5 DCS 0x11: "en" packed in two octets, then UCS2.
    { str: 'E532' + bytesToHex(encodeUcs2('Hi ☺')), dcs: 0x11, want: 'Hi ☺' },
  ];
  let i = 0;
  const m = await scripted((cmd, p) => {
    if (!cmd.startsWith('AT+CUSD=1')) return p.reply();
    const r = replies[i++]!;
    p.reply();
    setTimeout(() => p.send(`\r\n+CUSD: 0,"${r.str}",${r.dcs}\r\n`), 20);
  });
  const u = service(() => m.line);
  try {
    for (const r of replies) {
      const got = await u.send(1, '*100#');
      assert.equal(got.text, r.want, `dcs ${r.dcs}`);
      assert.equal(got.dcs, r.dcs);
    }
  } finally {
    u.close();
    await m.stop();
  }
});

class ManualTimers implements Timers {
  readonly set: { fn: () => void; ms: number; live: boolean }[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { fn, ms, live: true };
    this.set.push(t);
    return t;
  }
  clearTimeout(h: unknown): void {
    (h as { live: boolean }).live = false;
  }
  fire(): void {
    for (const t of this.set.filter((x) => x.live)) {
      t.live = false;
      t.fn();
    }
  }
}

test('default timeout: at least 15 s whatever ussd.timeoutSec says; when it passes, AT+CUSD=2 closes the dialogue', async () => {
  const m = await scripted((cmd, p) => p.reply()); // OK, and the network never answers
  const timers = new ManualTimers();
  const u = service(() => m.line, { timers, config: { timeoutSec: 5 } });
  const u30 = service(() => m.line, { config: { timeoutSec: 30 } });
  try {
    assert.equal(MIN_USSD_TIMEOUT_SEC, 15);
    assert.equal(u.defaultTimeoutMs, 15_000);
    assert.equal(u30.defaultTimeoutMs, 30_000);
    const p = u.send(1, '*100#');
    await until('OK', () => u.session(1).request?.accepted === true);
    assert.deepEqual(timers.set.map((t) => t.ms), [15_000]);
    timers.fire();
    assert.equal((await p).state, 'timeout');
    await until('AT+CUSD=2', () => m.port.received.includes('AT+CUSD=2'));
  } finally {
    u.close();
    await m.stop();
  }
});

test('busy, refused, not ready, unknown line, bad code, line lost', async () => {
  let refuse = false;
  const m = await scripted((cmd, p) => (refuse && cmd.startsWith('AT+CUSD=1') ? p.reply([], '+CME ERROR: 30') : p.reply()));
  const u = service((id) => (id === 1 ? m.line : undefined));
  try {
    const first = u.send(1, '*100#', { timeoutMs: 10_000 });
    await assert.rejects(u.send(1, '*101#'), (e: unknown) => e instanceof UssdError && e.code === 'busy' && /still waiting/.test(e.message));
    const cancelled = await u.cancel(1);
    assert.equal(cancelled.state, 'idle');
    assert.deepEqual(await first, { state: 'terminated', text: null, m: null, dcs: null, reason: 'cancelled' });

    refuse = true;
    const r = await u.send(1, '*100#');
    assert.equal(r.state, 'error');
    assert.match(r.reason ?? '', /refused.*CME ERROR: 30/);
    refuse = false;

    await assert.rejects(u.send(2, '*100#'), (e: unknown) => e instanceof UssdError && e.code === 'no-line');
    await assert.rejects(u.send(1, '*100#"; AT+CFUN=0'), (e: unknown) => e instanceof UssdError && e.code === 'invalid');
    await assert.rejects(u.send(1, ''), (e: unknown) => e instanceof UssdError && e.code === 'invalid');
    await assert.rejects(u.send(1, '*100#', { timeoutMs: -1 }), (e: unknown) => e instanceof UssdError && e.code === 'invalid');

    // The line loses its modem while a request waits: the request ends as an error at once.
    const waiting = u.send(1, '*100#', { timeoutMs: 10_000 });
    await until('accepted', () => u.session(1).request?.accepted === true);
    m.modem.powerCycle();
    const lost = await waiting;
    assert.equal(lost.state, 'error');
    assert.match(lost.reason ?? '', /lost its modem connection/);
    await assert.rejects(u.send(1, '*100#'), (e: unknown) => e instanceof UssdError && e.code === 'not-ready');
  } finally {
    u.close();
    await m.stop();
  }
});
