/**
 * The silence rule on its own (src/line/watchdog.ts), on a fake channel and a hand-driven clock: a
 * modem is condemned only when an owed answer met silence for unresponsiveAfterMs, never for a slow
 * answer while bytes come in, and never while nothing is owed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Watchdog, type WatchdogTimers, type WatchedSecondary } from '../../src/line/watchdog.js';

/** A clock and timers that only move when the test says so. */
class ManualTime implements WatchdogTimers {
  now = 1_000_000;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get timers(): number {
    return this.pending.size;
  }

  /** Moves the clock forward, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.pending.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
    }
    this.now = end;
  }
}

class FakeChannel {
  rxChunks = 0;
  lastRxAt = 0;
  current: { cmd?: string; network: boolean } | null = null;
  constructor(private readonly time: ManualTime) {}
  inFlight() {
    return this.current;
  }
  /** The modem says something. */
  rx(): void {
    this.rxChunks++;
    this.lastRxAt = this.time.now;
  }
}

function rig(unresponsiveAfterMs = 8000) {
  const time = new ManualTime();
  const channel = new FakeChannel(time);
  const verdicts: number[] = [];
  const dog = new Watchdog(channel, { unresponsiveAfterMs, since: time.now, now: () => time.now, onSilent: (ms) => verdicts.push(ms), timers: time });
  return { time, channel, dog, verdicts };
}

test('nothing owed: no timer runs and no verdict, however long the silence', () => {
  const { time, dog, verdicts } = rig();
  time.advance(60_000);
  assert.equal(time.timers, 0);
  assert.equal(dog.watching, false);
  assert.deepEqual(verdicts, []);
});

test('an owed answer and total silence: condemned unresponsiveAfterMs after the modem last spoke', () => {
  const { time, channel, dog, verdicts } = rig();
  channel.rx();
  time.advance(3000);
  channel.current = { network: false };
  dog.owe();
  assert.equal(dog.watching, true);
  time.advance(4900);
  assert.deepEqual(verdicts, [], 'not before 8 s of silence');
  time.advance(200);
  assert.equal(verdicts.length, 1);
  assert.ok(verdicts[0]! >= 8000 && verdicts[0]! < 8200, `silent for ${verdicts[0]} ms`);
  time.advance(60_000);
  assert.equal(verdicts.length, 1, 'one verdict only');
});

test('a command owed right after the modem spoke still gets half the limit (at most 4 s) to be answered', () => {
  const { time, channel, dog, verdicts } = rig(2000);
  time.advance(1900);
  channel.rx();
  time.advance(1990); // the modem spoke 1.99 s ago: 2 s of silence would be reached in 10 ms
  channel.current = { network: false };
  dog.owe();
  time.advance(500);
  assert.deepEqual(verdicts, [], 'the command has had less than 1 s');
  time.advance(600);
  assert.equal(verdicts.length, 1);
});

test('an answer clears the debt; a slow modem that keeps talking is never condemned', () => {
  const { time, channel, dog, verdicts } = rig();
  for (let i = 0; i < 20; i++) {
    channel.current = { network: false };
    dog.owe();
    time.advance(5000);
    channel.rx(); // answered after 5 s: slow, not silent
    channel.current = null;
  }
  time.advance(60_000);
  assert.deepEqual(verdicts, []);
  assert.equal(dog.watching, false, 'no timer once nothing is owed');
});

test('a command written after the answer to an earlier one is owed from its own start', () => {
  const { time, channel, dog, verdicts } = rig();
  channel.current = { network: false };
  dog.owe();
  time.advance(1000);
  channel.rx(); // the first command is answered …
  dog.owe(); // … and the next written at once, which is never answered
  time.advance(7900);
  assert.deepEqual(verdicts, [], '8 s from the last byte not reached yet');
  time.advance(300);
  assert.equal(verdicts.length, 1);
});

test('a command waiting for the network (ATD, AT+CMGS) is not owed by the modem itself', () => {
  const { time, channel, dog, verdicts } = rig();
  channel.current = { network: false };
  dog.owe();
  time.advance(100);
  channel.rx();
  channel.current = { network: true }; // the one still running waits for the network
  time.advance(60_000);
  assert.deepEqual(verdicts, []);
});

test('stop() ends the watch: no verdict after the connection closed', () => {
  const { time, channel, dog, verdicts } = rig();
  channel.current = { network: false };
  dog.owe();
  dog.stop();
  time.advance(60_000);
  assert.deepEqual(verdicts, []);
  assert.equal(time.timers, 0);
  dog.owe();
  assert.equal(time.timers, 0, 'a stopped watchdog does not arm again');
});

/** The modem's second AT port: answers each probe at once unless the modem is hung (or it never answers). */
class FakeSecondary implements WatchedSecondary {
  rxChunks = 0;
  lastRxAt = 0;
  probes = 0;
  hung = false;
  constructor(private readonly time: ManualTime) {}
  get proven(): boolean {
    return this.rxChunks > 0;
  }
  probe(): void {
    this.probes++;
    if (this.hung) return;
    this.rxChunks++;
    this.lastRxAt = this.time.now;
  }
}

function rigWithSecondary(unresponsiveAfterMs = 8000, secondaryAnswers = true) {
  const time = new ManualTime();
  const channel = new FakeChannel(time);
  const secondary = new FakeSecondary(time);
  secondary.hung = !secondaryAnswers;
  const verdicts: number[] = [];
  const suspicions: { at: number; detail: string | null }[] = [];
  const since = time.now;
  const dog = new Watchdog(channel, {
    unresponsiveAfterMs,
    since,
    now: () => time.now,
    onSilent: (ms) => verdicts.push(ms),
    onSuspect: (detail) => suspicions.push({ at: time.now - since, detail }),
    secondary,
    timers: time,
  });
  dog.proveSecondary();
  return { time, channel, secondary, dog, verdicts, suspicions, since };
}

/** AT+CMGS written, its `> ` prompt answered, the PDU sent: now the modem waits for the network. */
function cmgsWaiting(r: { channel: FakeChannel; dog: Watchdog }): void {
  r.channel.current = { cmd: 'AT+CMGS=23', network: true };
  r.dog.networkSent();
  r.channel.rx(); // "> "
}

test('second port: a modem that hangs while AT+CMGS waits is suspect, then condemned within the limit', () => {
  const r = rigWithSecondary();
  assert.equal(r.secondary.probes, 1, 'the second port is asked once to prove it answers');
  assert.equal(r.secondary.proven, true);
  r.time.advance(1000);
  cmgsWaiting(r);
  const hungAt = r.time.now - r.since;
  r.secondary.hung = true; // neither port answers from now on
  r.time.advance(3500);
  assert.ok(r.secondary.probes >= 2, 'probed while the network command runs');
  assert.deepEqual(r.verdicts, []);
  assert.equal(r.suspicions.length, 0, 'not suspect while the modem spoke less than 4 s ago');
  r.time.advance(1600);
  assert.equal(r.suspicions.length, 1, 'suspect once an owed probe is late');
  assert.ok(r.suspicions[0]!.at - hungAt <= 5100, `suspect ${r.suspicions[0]!.at - hungAt} ms after the modem last spoke`);
  assert.match(r.suspicions[0]!.detail ?? '', /not answered for \d+ s \(nor on its second AT port\) while AT\+CMGS=23 is in flight/);
  r.time.advance(3000);
  assert.equal(r.verdicts.length, 1, 'condemned while AT+CMGS is still in flight');
  assert.ok(r.verdicts[0]! >= 8000 && r.verdicts[0]! <= 8300, `silent for ${r.verdicts[0]} ms`);
});

test('second port: a long network command (ATD, a minute) on a live modem is never suspect', () => {
  const r = rigWithSecondary();
  r.channel.current = { cmd: 'ATD+8613912345678;', network: true };
  r.dog.networkSent();
  r.time.advance(60_000);
  assert.deepEqual(r.verdicts, []);
  assert.deepEqual(r.suspicions, []);
  assert.ok(r.secondary.probes >= 20, `probed ${r.secondary.probes} times`);
  r.channel.rx(); // OK
  r.channel.current = null;
  const probes = r.secondary.probes;
  r.time.advance(30_000);
  assert.equal(r.secondary.probes, probes, 'no probes once the command ended');
  assert.equal(r.time.timers, 0, 'no timer runs when nothing is owed');
});

test('second port: a hang during ATD is found too (probes, not the command, are judged)', () => {
  const r = rigWithSecondary();
  r.channel.current = { cmd: 'ATD+8613912345678;', network: true };
  r.dog.networkSent();
  r.time.advance(2000);
  r.secondary.hung = true;
  r.time.advance(10_000);
  assert.equal(r.verdicts.length, 1);
  assert.ok(r.verdicts[0]! <= 10_000, `silent for ${r.verdicts[0]} ms`);
});

test('a suspicion ends as soon as the modem speaks again', () => {
  const r = rigWithSecondary();
  cmgsWaiting(r);
  r.secondary.hung = true;
  r.time.advance(5500);
  assert.equal(r.suspicions.length, 1);
  assert.equal(r.dog.isSuspect, true);
  r.secondary.hung = false;
  r.channel.rx(); // the network answered: +CMGS: 12 / OK
  r.channel.current = null;
  r.time.advance(300);
  assert.deepEqual(r.suspicions.map((s) => s.detail === null), [false, true]);
  assert.equal(r.dog.isSuspect, false);
  r.time.advance(60_000);
  assert.deepEqual(r.verdicts, []);
});

test('no second port: AT+CMGS silent after its prompt is condemned within the limit (the fallback rule)', () => {
  const { time, channel, dog, verdicts } = rig();
  time.advance(1000);
  cmgsWaiting({ channel, dog });
  time.advance(7900);
  assert.deepEqual(verdicts, []);
  time.advance(300);
  assert.equal(verdicts.length, 1);
  assert.ok(verdicts[0]! >= 8000 && verdicts[0]! <= 8300, `silent for ${verdicts[0]} ms`);
});

test('no second port: AT+CMGS that hangs before its prompt is condemned too', () => {
  const { time, channel, dog, verdicts } = rig();
  channel.rx();
  channel.current = { cmd: 'AT+CMGS=23', network: true };
  dog.networkSent();
  time.advance(8300);
  assert.equal(verdicts.length, 1);
});

test('no second port: ATD and AT+COPS= stay exempt (silence is normal while they run)', () => {
  for (const cmd of ['ATD+8613912345678;', 'AT+COPS=1,2,"46000"', 'AT+CFUN=1,1']) {
    const { time, channel, dog, verdicts } = rig();
    channel.current = { cmd, network: true };
    dog.networkSent();
    time.advance(60_000);
    assert.deepEqual(verdicts, [], cmd);
  }
});

test('a second port that never answered is not trusted: its silence condemns nothing, AT+CMGS falls back', () => {
  const r = rigWithSecondary(8000, false);
  assert.equal(r.secondary.proven, false);
  r.channel.current = { cmd: 'ATD+8613912345678;', network: true };
  r.dog.networkSent();
  r.time.advance(60_000);
  assert.deepEqual(r.verdicts, [], 'ATD: exempt without a proven second port');
  assert.ok(r.secondary.probes > 1, 'still asked, so that it can prove itself');
  r.channel.rx();
  cmgsWaiting(r);
  r.time.advance(8300);
  assert.equal(r.verdicts.length, 1, 'AT+CMGS: the fallback rule');
});
