import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openModemAudioEnd, type PortModemAudioEnd } from '../../../src/media/modem-audio/modem-audio-end.js';
import { bytesToSamples, samplesToBytes, type PortPcmFormat } from '../../../src/media/modem-audio/pcm-format.js';
import { FakeOpener, ManualClock, rms, tone } from './fake-audio.js';

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
};

async function start(format: PortPcmFormat = { sampleRate: 8000, frameMs: 20 }, early = false) {
  const clock = new ManualClock();
  const opener = new FakeOpener();
  const end: PortModemAudioEnd = await openModemAudioEnd({ opener, format, clock, early });
  clock.advance(0); // the writer's first grid point is now (t = 0)
  const frames: Int16Array[] = [];
  end.onFrame((f) => frames.push(f));
  return { clock, opener, end, frames };
}

test('8 kHz / 20 ms: reads in odd chunks become 160-sample frames; the clock writes each source frame as 320 bytes, silence on underrun', async () => {
  const { clock, opener, end, frames } = await start();
  const sent = tone(1000, 8000, 480);
  const bytes = samplesToBytes(sent);
  opener.last.send(bytes.subarray(0, 333));
  opener.last.send(bytes.subarray(333, 641));
  opener.last.send(bytes.subarray(641));
  assert.equal(frames.length, 3);
  assert.deepEqual(Int16Array.from(frames.flatMap((f) => [...f])), sent);

  let n = 0;
  end.setSource(() => (n++ < 3 ? Int16Array.from({ length: 160 }, (_, i) => n * 1000 + i) : null));
  clock.advance(100); // the tick at 0 ran at open (no source yet: silence), then 20..100: 6 in all
  const w = opener.last.written;
  assert.equal(w.length, 6);
  assert.ok(w.every((b) => b.length === 320));
  assert.ok(bytesToSamples(w[0]!).every((v) => v === 0));
  assert.equal(bytesToSamples(w[1]!)[5], 1005);
  assert.equal(bytesToSamples(w[3]!)[5], 3005);
  assert.ok(bytesToSamples(w[4]!).every((v) => v === 0), 'silence after the source ran dry');
  const s = end.stats();
  assert.equal(s.framesOut, 6);
  assert.equal(s.framesIn, 3);
  assert.equal(s.underruns, 3);
  await end.close();
});

test('16 kHz / 40 ms: a port frame of 1280 bytes becomes two 20 ms frames at 8 kHz; the clock writes one 1280-byte frame every other tick', async () => {
  const { clock, opener, end, frames } = await start({ sampleRate: 16000, frameMs: 40 });
  for (let f = 0; f < 4; f++) {
    opener.last.send(samplesToBytes(tone(1000, 16000, 640, 8000, f * 640)));
    clock.advance(40);
  }
  assert.equal(frames.length, 8);
  assert.ok(frames.every((f) => f.length === 160));
  const level = rms(Int16Array.from(frames.slice(2).flatMap((f) => [...f])));
  assert.ok(Math.abs(level - 8000 / Math.SQRT2) < 200, `1 kHz level after 16→8 kHz: ${level}`);
  end.setSource(() => tone(1000, 8000, 160, 8000));
  clock.advance(40); // ticks at 0..200: 11 in all, one port frame for each two
  const w = opener.last.written;
  assert.equal(w.length, 5);
  assert.ok(w.every((b) => b.length === 1280), `writes of ${w.map((b) => b.length)}`);
  await end.close();
});

test('reads beyond real time are dropped and counted as overruns (a burst after a stall adds no delay)', async () => {
  const { clock, opener, end, frames } = await start();
  opener.last.send(Buffer.alloc(320 * 20));
  assert.equal(frames.length, 5);
  assert.equal(end.stats().overruns, 15);
  clock.advance(40);
  opener.last.send(Buffer.alloc(320 * 4));
  assert.equal(frames.length, 7, 'two ticks gave two frames of credit');
  await end.close();
});

test('a stall of the process: the writer clock skips the missed ticks and counts them (frames written + skipped = the time written)', async () => {
  const { clock, opener, end } = await start();
  end.setSource(() => tone(1000, 8000, 160));
  clock.lateness = () => 300;
  clock.advance(20); // the tick at 20 runs; the next wake-up comes 300 ms late
  clock.lateness = () => 0;
  opener.last.send(Buffer.alloc(320)); // the port is alive
  clock.advance(320);
  const s = end.stats();
  assert.equal(s.skippedTicks, 15, 'ticks 40..320 skipped but the last one');
  assert.equal(s.framesOut, 3);
  assert.equal(s.framesOut + s.skippedTicks, 340 / 20 + 1);
  await end.close();
});

test('a port silent for 1 s is reopened; audio on the new port continues the call; recoveries counted', async () => {
  const { clock, opener, end, frames } = await start();
  for (let i = 0; i < 25; i++) {
    opener.last.send(Buffer.alloc(320));
    clock.advance(20);
  }
  clock.advance(1000);
  await settle();
  assert.equal(opener.opened.length, 2);
  assert.ok(opener.opened[0]!.closed, 'the dead port was closed first');
  assert.equal(end.stats().recoveries, 1);
  assert.equal(end.currentState, 'running');
  const before = frames.length;
  clock.advance(20);
  opener.last.send(Buffer.alloc(320));
  assert.equal(frames.length, before + 1);
  clock.advance(100);
  assert.ok(opener.last.written.length > 0, 'writes go to the new port');
  await end.close();
});

test('opened early (for the ringback), silence is no dead port until the first byte or the answer', async () => {
  const a = await start(undefined, true);
  a.clock.advance(3000);
  await settle();
  assert.equal(a.opener.opened.length, 1, 'a modem that streams only from the answer is left alone');
  a.end.armDeadWatch();
  a.clock.advance(900);
  await settle();
  assert.equal(a.opener.opened.length, 1, 'the watch counts from the answer');
  a.clock.advance(200);
  await settle();
  assert.equal(a.opener.opened.length, 2, 'silent 1 s after the answer: reopened');
  await a.end.close();

  const b = await start(undefined, true);
  b.opener.last.send(Buffer.alloc(320));
  b.clock.advance(1020);
  await settle();
  assert.equal(b.opener.opened.length, 2, 'once the modem streamed, silence is a dead port again');
  await b.end.close();
});

test('a port that stays silent is reopened 3 times, then onDead; the clock stops', async () => {
  const { clock, opener, end } = await start();
  const dead: string[] = [];
  end.onDead((r) => dead.push(r));
  for (let i = 0; i < 6; i++) {
    clock.advance(1020);
    await settle();
  }
  assert.equal(opener.opened.length, 4, 'the first open and 3 reopens');
  assert.deepEqual(dead.length, 1);
  assert.match(dead[0]!, /no audio from the modem for 1000 ms; reopened 3 times/);
  assert.equal(end.currentState, 'dead');
  assert.equal(clock.pending, 0);
  assert.ok(opener.opened.every((p) => p.closed));
  await end.close();
  assert.equal(end.currentState, 'closed');
});

test('an unplugged port is reopened at once; a reopen that fails ends in onDead', async () => {
  const { clock, opener, end } = await start();
  const dead: string[] = [];
  end.onDead((r) => dead.push(r));
  opener.last.unplug();
  await settle();
  assert.equal(opener.opened.length, 2);
  assert.equal(end.stats().recoveries, 1);
  opener.fail = true;
  opener.last.unplug();
  await settle();
  assert.equal(dead.length, 1);
  assert.match(dead[0]!, /reopening failed: fake-audio: no such device/);
  clock.advance(100);
  assert.equal(clock.pending, 0);
  await end.close();
});

test('close() stops the clock and closes the port; a second close is harmless; a source or listener that throws changes nothing', async () => {
  const { clock, opener, end } = await start();
  end.onFrame(() => {
    throw new Error('listener');
  });
  end.setSource(() => {
    throw new Error('source');
  });
  opener.last.send(Buffer.alloc(320));
  clock.advance(40);
  assert.equal(end.stats().underruns, 3);
  await end.close();
  await end.close();
  assert.ok(opener.last.closed);
  assert.equal(clock.pending, 0);
  clock.advance(100);
  assert.equal(opener.last.written.length, 3);
});

test('a port that cannot be opened rejects the open', async () => {
  const opener = new FakeOpener();
  opener.fail = true;
  await assert.rejects(openModemAudioEnd({ opener, format: { sampleRate: 8000, frameMs: 20 }, clock: new ManualClock() }), /no such device/);
});
