/**
 * The silence rule on its own (src/line/watchdog.ts), on a fake channel and a hand-driven clock: a
 * modem is condemned only when an owed answer met silence for unresponsiveAfterMs, never for a slow
 * answer while bytes come in, and never while nothing is owed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Watchdog, type WatchdogTimers } from '../../src/line/watchdog.js';

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
  current: { network: boolean } | null = null;
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
