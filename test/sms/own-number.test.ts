/**
 * OwnNumberDiscovery (manual §5.11) with fake lines, a fake USSD service and a fake outbound queue that
 * delivers SMS between lines; the store is the real MessageStore where restarts matter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { MessageStore, type InboundMessage } from '../../src/store/message-store.js';
import type { OwnNumberConfig } from '../../src/config/schema-messaging.js';
import { OwnNumberDiscovery, OwnNumberError, sameNumber, type OwnNumberStore } from '../../src/sms/own-number.js';
import { buildDiscoveryText } from '../../src/sms/own-number-text.js';
import type { UssdResult } from '../../src/ussd/ussd-session.js';
import type { Timers } from '../../src/ussd/ussd-service.js';
import { silentLogger } from '../../src/util/log.js';
import { tempDir } from '../store/temp-dir.js';

const SECRET = 'correct horse battery staple';
const T0 = Date.parse('2026-03-01T08:00:00Z');

class FakeLine extends EventEmitter {
  lifecycle = 'probe';
  constructor(
    readonly id: number,
    public iccid: string | null,
    public simNumber: string | null,
    /** The number the network knows (what a receiver sees as the sender). */
    readonly msisdn: string,
  ) {
    super();
  }
  status() {
    return { lifecycle: this.lifecycle, sim: { iccid: this.iccid, number: this.simNumber } };
  }
  register(): void {
    this.lifecycle = 'registered';
    this.emit('lifecycle', 'registered');
  }
  drop(): void {
    this.lifecycle = 'probe';
    this.emit('lifecycle', 'probe');
  }
}

class MemStore implements OwnNumberStore {
  readonly rows = new Map<string, { number: string; method: string; learnedAt: number }>();
  ownNumber(iccid: string) {
    return this.rows.get(iccid);
  }
  setOwnNumber(iccid: string, number: string, method: string): void {
    this.rows.set(iccid, { number, method, learnedAt: T0 });
  }
}

/** Timers 1000 times faster: a 15 s step timeout lasts 15 ms. */
const FAST: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms / 1000),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

function config(over: Partial<OwnNumberConfig> = {}): OwnNumberConfig {
  return { ussd: null, smsQuery: null, discovery: { enabled: false, secret: null }, timeoutSec: 15, ...over };
}

function inbound(line: number, sender: string, text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return { id: 'm1', line: String(line), slot: 'A', iccid: null, recipient: null, sender, text, parts: 1, received: 1, partial: false, sentAt: null, receivedAt: T0, command: null, ...over };
}

interface Rig {
  disc: OwnNumberDiscovery;
  lines: FakeLine[];
  store: OwnNumberStore;
  ussdCalls: { line: number; code: string; timeoutMs: number | undefined }[];
  sms: { line: number; to: string; text: string }[];
  consumed: boolean[];
}

function rig(o: {
  lines: FakeLine[];
  config: OwnNumberConfig;
  store?: OwnNumberStore;
  ussd?: (line: number, code: string) => UssdResult;
  /** Delivers SMS sent to a line's number to that line (through onInbound), as the network would. */
  deliver?: boolean;
  now?: () => number;
  retryAfterMs?: number;
}): Rig {
  const ussdCalls: Rig['ussdCalls'] = [];
  const sms: Rig['sms'] = [];
  const consumed: boolean[] = [];
  const store = o.store ?? new MemStore();
  const disc: OwnNumberDiscovery = new OwnNumberDiscovery({
    config: o.config,
    store,
    lines: () => o.lines,
    ussd: {
      send: async (line, code, opts) => {
        ussdCalls.push({ line, code, timeoutMs: opts.timeoutMs });
        return o.ussd ? o.ussd(line, code) : { state: 'timeout', text: null, m: null, dcs: null, reason: 'no reply' };
      },
      cancel: async () => ({}),
    },
    sendSms: async (line, to, text) => {
      sms.push({ line, to, text });
      if (o.deliver) {
        const from = o.lines.find((l) => l.id === line)!;
        const target = o.lines.find((l) => l.msisdn === to);
        if (target) setTimeout(() => consumed.push(disc.onInbound(inbound(target.id, from.msisdn, text))), 2);
      }
      return `msg-${sms.length}`;
    },
    log: silentLogger(),
    timers: FAST,
    startDelayMs: 0,
    ...(o.now ? { now: o.now } : {}),
    ...(o.retryAfterMs !== undefined ? { retryAfterMs: o.retryAfterMs } : {}),
  });
  for (const l of o.lines) disc.attach(l);
  return { disc, lines: o.lines, store, ussdCalls, sms, consumed };
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const ICCID1 = '89860012345678901231';
const ICCID2 = '89860012345678901249';

test('the SIM holds its number: stored as method "sim", nobody is asked', async () => {
  const line = new FakeLine(1, ICCID1, '+8613800000001', '+8613800000001');
  const r = rig({ lines: [line], config: config({ ussd: { code: '*#100#', marker: 'is' }, discovery: { enabled: true, secret: SECRET } }) });
  line.register();
  await until('stored', () => r.store.ownNumber(ICCID1) !== undefined);
  assert.equal(r.store.ownNumber(ICCID1)?.method, 'sim');
  assert.equal(r.store.ownNumber(ICCID1)?.number, '+8613800000001');
  const st = r.disc.status(1);
  assert.deepEqual([st.iccid, st.number, st.method, st.step], [ICCID1, '+8613800000001', 'sim', null]);
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(r.ussdCalls.length, 0);
  assert.equal(r.sms.length, 0);
  r.disc.close();
});

test('via USSD: the number after the marker in the reply', async () => {
  const line = new FakeLine(1, ICCID1, null, '+8613912345678');
  const r = rig({
    lines: [line],
    config: config({ ussd: { code: '*123#', marker: '您的号码是' }, timeoutSec: 20 }),
    ussd: () => ({ state: 'done', text: '尊敬的客户，您的号码是13912345678。', m: 0, dcs: 72, reason: null }),
  });
  line.register();
  await until('stored', () => r.store.ownNumber(ICCID1) !== undefined);
  assert.deepEqual(r.store.ownNumber(ICCID1), { number: '13912345678', method: 'ussd', learnedAt: T0 });
  assert.deepEqual(r.ussdCalls, [{ line: 1, code: '*123#', timeoutMs: 20_000 }]);
  assert.equal(r.disc.status(1).lastAttempt?.ok, true);
  r.disc.close();
});

test('via SMS query after the USSD step failed: the reply from replyFrom on that line is consumed', async () => {
  const line = new FakeLine(1, ICCID1, null, '+8613912345678');
  const other = new FakeLine(2, ICCID2, '+8613800000002', '+8613800000002');
  const r = rig({
    lines: [line, other],
    config: config({ ussd: { code: '*123#', marker: '您的号码是' }, smsQuery: { to: '1234', text: 'cxhm', replyFrom: '1234001', marker: '您的号码是' } }),
    ussd: () => ({ state: 'done', text: 'Unknown service code', m: 0, dcs: 15, reason: null }),
  });
  line.register();
  await until('query sent', () => r.sms.length === 1);
  assert.deepEqual(r.sms[0], { line: 1, to: '1234', text: 'cxhm' });
  assert.equal(r.disc.status(1).step, 'sms-query');
  assert.equal(r.disc.status(1).lastAttempt?.steps[0]?.step, 'ussd');
  // Not the reply: another sender, another line, no marker.
  assert.equal(r.disc.onInbound(inbound(1, '10086', '您的号码是13900000000')), false);
  assert.equal(r.disc.onInbound(inbound(2, '1234001', '您的号码是13900000000')), false);
  assert.equal(r.disc.onInbound(inbound(1, '1234001', '欢迎使用')), false);
  // The reply.
  assert.equal(r.disc.onInbound(inbound(1, '1234001', '尊敬的客户，您的号码是 13912345678，感谢使用')), true);
  await until('stored', () => r.store.ownNumber(ICCID1) !== undefined);
  assert.deepEqual(r.store.ownNumber(ICCID1), { number: '13912345678', method: 'sms-query', learnedAt: T0 });
  // Nothing waits any more: the same text now goes to the user.
  assert.equal(r.disc.onInbound(inbound(1, '1234001', '您的号码是13912345678')), false);
  r.disc.close();
});

test('via discovery between two lines: line 2 texts line 1, line 1 learns the sender number for the ICCID inside', async () => {
  const known = new FakeLine(1, ICCID1, '+8613800000001', '+8613800000001');
  const unknown = new FakeLine(2, ICCID2, null, '+8613800000002');
  const r = rig({ lines: [known, unknown], config: config({ discovery: { enabled: true, secret: SECRET } }), deliver: true });
  known.register();
  unknown.register();
  await until('learned', () => r.store.ownNumber(ICCID2) !== undefined);
  assert.deepEqual(r.store.ownNumber(ICCID2), { number: '+8613800000002', method: 'discovery', learnedAt: T0 });
  assert.equal(r.sms.length, 1);
  assert.deepEqual([r.sms[0]!.line, r.sms[0]!.to], [2, '+8613800000001']);
  assert.match(r.sms[0]!.text, /^CG#/);
  assert.ok(!r.sms[0]!.text.includes(ICCID2), 'the ICCID travels encrypted');
  await until('consumed', () => r.consumed.length === 1);
  assert.deepEqual(r.consumed, [true], 'the discovery SMS is not forwarded');
  await until('job over', () => r.disc.status(2).step === null && r.disc.status(2).lastAttempt?.ok === true);
  assert.equal(r.disc.status(2).method, 'discovery');
  r.disc.close();
});

test('forged, altered, foreign-secret and stale discovery texts are ignored (not consumed, nothing learned)', () => {
  const line = new FakeLine(1, ICCID1, '+8613800000001', '+8613800000001');
  let now = T0;
  const r = rig({ lines: [line], config: config({ discovery: { enabled: true, secret: SECRET } }), now: () => now });
  const good = buildDiscoveryText(ICCID2, SECRET, T0)!;
  const foreign = buildDiscoveryText(ICCID2, 'another secret entirely', T0)!;
  const old = buildDiscoveryText(ICCID2, SECRET, T0 - 2 * 86400_000)!;
  const flipped = good.slice(0, 5) + (good[5] === 'A' ? 'B' : 'A') + good.slice(6);
  for (const text of [foreign, old, flipped, 'CG#AAAA.1.AAAAAAAAAAAAA', `CG#${ICCID2}`]) {
    assert.equal(r.disc.onInbound(inbound(1, '+8613999999999', text)), false, text);
  }
  assert.equal(r.store.ownNumber(ICCID2), undefined);
  // From a sender that is no phone number: consumed (it is ours) but not learned.
  assert.equal(r.disc.onInbound(inbound(1, 'BANK', good)), true);
  assert.equal(r.store.ownNumber(ICCID2), undefined);
  // The genuine one, a minute later, with an advertisement appended by the operator.
  now = T0 + 60_000;
  assert.equal(r.disc.onInbound(inbound(1, '+8613800000002', `${good} [Ad: 5 GB for 10 CNY]`)), true);
  assert.equal(r.store.ownNumber(ICCID2)?.number, '+8613800000002');
  // A replay from another number does not change what was learned (but is still not forwarded).
  assert.equal(r.disc.onInbound(inbound(1, '+8613666666666', good)), true);
  assert.equal(r.store.ownNumber(ICCID2)?.number, '+8613800000002');
  // Discovery disabled: the text is an ordinary SMS.
  const off = rig({ lines: [line], config: config() });
  assert.equal(off.disc.onInbound(inbound(1, '+8613800000002', good)), false);
  r.disc.close();
  off.disc.close();
});

test('learned numbers are stored per ICCID: after a restart (new store handle, new instance) nobody is asked again', async (t) => {
  const dir = tempDir(t);
  const line = new FakeLine(1, ICCID1, null, '+8613912345678');
  const cfg = config({ ussd: { code: '*123#', marker: 'number is' } });
  {
    const store = MessageStore.open(dir);
    const r = rig({ lines: [line], config: cfg, store, ussd: () => ({ state: 'done', text: 'Your number is +8613912345678', m: 0, dcs: 15, reason: null }) });
    line.register();
    await until('stored', () => store.ownNumber(ICCID1) !== undefined);
    assert.equal(r.ussdCalls.length, 1);
    r.disc.close();
    store.close();
  }
  {
    const store = MessageStore.open(dir);
    const moved = new FakeLine(3, ICCID1.toLowerCase(), null, '+8613912345678'); // the SIM, now in another line
    const r = rig({ lines: [moved], config: cfg, store });
    moved.register();
    await r.disc.learnNow(3);
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(r.ussdCalls.length, 0, 'not asked again');
    const st = r.disc.status(3);
    assert.deepEqual([st.number, st.method], ['+8613912345678', 'ussd']);
    r.disc.close();
    store.close();
  }
});

test('automatic attempts are spaced out; learnNow asks at once; a line that is not registered cannot learn', async () => {
  const line = new FakeLine(1, ICCID1, null, '+8613912345678');
  const r = rig({ lines: [line], config: config({ ussd: { code: '*123#', marker: 'number is' } }), retryAfterMs: 3600_000 });
  line.register();
  await until('first attempt over', () => r.disc.status(1).lastAttempt !== null && r.disc.status(1).step === null && r.ussdCalls.length === 1);
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(r.disc.status(1).lastAttempt?.ok, false);
  assert.match(r.disc.status(1).lastAttempt?.steps[0]?.detail ?? '', /timeout/);
  line.drop();
  line.register(); // a modem restart: too soon to ask again
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(r.ussdCalls.length, 1);
  const st = await r.disc.learnNow(1);
  assert.equal(r.ussdCalls.length, 2);
  assert.equal(st.number, null);
  line.drop();
  await assert.rejects(r.disc.learnNow(1), (e: unknown) => e instanceof OwnNumberError && e.code === 'not-ready');
  await assert.rejects(r.disc.learnNow(9), (e: unknown) => e instanceof OwnNumberError && e.code === 'no-line');
  r.disc.close();
});

test('discovery with no known line yet is tried again when a line with a known number registers', async () => {
  const known = new FakeLine(1, ICCID1, '+8613800000001', '+8613800000001');
  const unknown = new FakeLine(2, ICCID2, null, '+8613800000002');
  const r = rig({ lines: [known, unknown], config: config({ discovery: { enabled: true, secret: SECRET } }), deliver: true, retryAfterMs: 3600_000 });
  unknown.register();
  await until('first attempt failed', () => r.disc.status(2).lastAttempt?.steps.length === 1);
  assert.match(r.disc.status(2).lastAttempt!.steps[0]!.detail, /no other registered line has a known number/);
  assert.equal(r.sms.length, 0);
  known.register();
  await until('learned', () => r.store.ownNumber(ICCID2)?.number === '+8613800000002');
  assert.equal(r.sms.length, 1);
  r.disc.close();
});

test('manual number: stored as "manual", ends an attempt, never replaced by what is learned later', async () => {
  const known = new FakeLine(1, ICCID1, '+8613800000001', '+8613800000001');
  const unknown = new FakeLine(2, ICCID2, null, '+8613800000002');
  const r = rig({ lines: [known, unknown], config: config({ discovery: { enabled: true, secret: SECRET } }) }); // SMS not delivered
  known.register();
  unknown.register();
  await until('discovery sent', () => r.sms.length === 1 && r.disc.status(2).step === 'discovery');
  assert.deepEqual(r.disc.setManual(` ${ICCID2.toLowerCase()} `, '+8613800000099'), { iccid: ICCID2, number: '+8613800000099', method: 'manual' });
  await until('attempt over', () => r.disc.status(2).step === null);
  assert.deepEqual([r.disc.status(2).number, r.disc.status(2).method], ['+8613800000099', 'manual']);
  // The discovery SMS arrives late: it does not replace the operator's number.
  assert.equal(r.disc.onInbound(inbound(1, '+8613800000002', r.sms[0]!.text)), true);
  assert.equal(r.store.ownNumber(ICCID2)?.number, '+8613800000099');
  assert.throws(() => r.disc.setManual('not an iccid', '+861'), (e: unknown) => e instanceof OwnNumberError && e.code === 'invalid');
  assert.throws(() => r.disc.setManual(ICCID2, 'call me'), (e: unknown) => e instanceof OwnNumberError && /number: expected/.test(e.message));
  r.disc.close();
});

test('no way configured: nothing is sent; discovery without a secret says so', async () => {
  const known = new FakeLine(1, ICCID1, '+8613800000001', '+8613800000001');
  const unknown = new FakeLine(2, ICCID2, null, '+8613800000002');
  const r = rig({ lines: [known, unknown], config: config({ discovery: { enabled: true, secret: null } }) });
  known.register();
  unknown.register();
  await until('attempt over', () => r.disc.status(2).lastAttempt?.steps.length === 1);
  assert.match(r.disc.status(2).lastAttempt!.steps[0]!.detail, /needs ownNumber\.discovery\.secret/);
  assert.equal(r.sms.length, 0);
  r.disc.close();
});

test('sameNumber: national and international forms match, short codes only exactly', () => {
  assert.equal(sameNumber('13800138000', '+8613800138000'), true);
  assert.equal(sameNumber('1234001', '1234001'), true);
  assert.equal(sameNumber('1234001', '+861234001'), true);
  assert.equal(sameNumber('1234', '01234'), false);
  assert.equal(sameNumber('10086', '10010'), false);
  assert.equal(sameNumber('', ''), false);
});

test('onInbound never throws on odd messages', () => {
  const line = new FakeLine(1, ICCID1, '+8613800000001', '+8613800000001');
  const r = rig({ lines: [line], config: config({ discovery: { enabled: true, secret: SECRET } }) });
  for (const m of [inbound(1, '', ''), { ...inbound(1, 'x', 'y'), text: null as unknown as string }, { ...inbound(1, 'x', 'y'), sender: 5 as unknown as string }]) {
    assert.equal(r.disc.onInbound(m), false);
  }
  r.disc.close();
});
