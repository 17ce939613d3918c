import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallAudioSession, nextCallAudioState, type CallAudioState, type LineAudio } from '../../../src/media/bridge/call-audio-session.js';
import type { UpdatableRtpEnd } from '../../../src/media/bridge/updatable-rtp-end.js';
import { FRAME_SAMPLES, type DtmfDigit, type ModemAudioEnd } from '../../../src/media/audio-contract.js';

const frame = (v: number): Int16Array => new Int16Array(FRAME_SAMPLES).fill(v);

function fakeRtp() {
  const rtp = {
    sent: [] as number[],
    queue: [] as Int16Array[],
    digitListeners: [] as ((d: DtmfDigit) => void)[],
    closed: 0,
    updated: 0,
    sendsTelephoneEvents: true,
    sendFrame: (f: Int16Array) => void rtp.sent.push(f[0]!),
    nextFrame: () => rtp.queue.shift() ?? frame(0),
    sendDigit: () => true,
    onDigit: (l: (d: DtmfDigit) => void) => void rtp.digitListeners.push(l),
    onTimeout: () => undefined,
    stats: () => ({ packetsSent: 0, packetsReceived: 0, packetsLost: 0, jitterMs: 0, concealedFrames: 0, droppedPackets: 0, bufferMs: 0, remoteReport: null }),
    close: () => void rtp.closed++,
    update: () => void rtp.updated++,
  };
  return rtp;
}

function fakeModem(): ModemAudioEnd & { source: (() => Int16Array | null) | null; closed: number } {
  const m = {
    source: null as (() => Int16Array | null) | null,
    closed: 0,
    onFrame: () => undefined,
    setSource: (s: (() => Int16Array | null) | null) => void (m.source = s),
    onDead: () => undefined,
    stats: () => ({ framesIn: 0, framesOut: 0, underruns: 0, overruns: 0, recoveries: 0, skippedTicks: 0 }),
    close: async () => void m.closed++,
  };
  return m;
}

function setup(lineId: number | null, openLine: (id: number, progress: { alerting(): void }) => Promise<LineAudio | null>) {
  const rtp = fakeRtp();
  const events: string[] = [];
  let tick: (() => void) | null = null;
  let clockRunning = false;
  const session = new CallAudioSession(
    {
      rtp: rtp as unknown as UpdatableRtpEnd,
      events: { sipDigit: (d) => events.push(`sip ${d}`), gsmDigit: (d) => events.push(`gsm ${d}`), failed: (r) => events.push(`failed ${r}`) },
      openLine,
      detector: () => ({ push: (f) => (f[0] === 55 ? ['5'] : []) }),
      digitTone: () => [],
      dialTone: () => () => frame(425),
      ringbackTone: () => () => frame(450),
      localClock: (onTick) => {
        tick = onTick;
        return { begin: () => void (clockRunning = true), stop: () => void (clockRunning = false) };
      },
      rtpTimeoutSec: 30,
      onError: (what) => events.push(`error ${what}`),
    },
    lineId,
  );
  return { rtp, events, session, tick: () => tick?.(), running: () => clockRunning };
}

test('local (two-stage): the dial tone plays on our clock, in-band and RFC 4733 digits reach the call', () => {
  const s = setup(null, async () => null);
  assert.equal(s.session.state, 'local');
  assert.ok(s.running());
  s.rtp.queue.push(frame(55));
  s.tick();
  s.tick();
  assert.deepEqual(s.rtp.sent, [425, 425], 'the dial tone went to SIP');
  s.rtp.digitListeners.forEach((l) => l('9'));
  assert.deepEqual(s.events, ['sip 5', 'sip 9']);
});

test('attaching a line stops the local clock and bridges the same RTP end to the modem', async () => {
  const modem = fakeModem();
  let released = 0;
  const line: LineAudio = { modem, modemDetects: true, onModemKey: () => () => undefined, release: () => void released++ };
  const s = setup(null, async () => line);
  s.session.attachLine(2);
  assert.equal(s.session.state, 'attaching');
  assert.equal(s.running(), false);
  await new Promise((r) => setImmediate(r));
  assert.equal(s.session.state, 'bridged');
  s.rtp.queue.push(frame(3));
  assert.equal(modem.source?.()?.[0], 3, 'the modem plays the jitter buffer');
  s.rtp.digitListeners.forEach((l) => l('1'));
  assert.deepEqual(s.events, ['sip 1'], 'an RFC 4733 digit reported once, by the bridge');
  await s.session.close();
  assert.equal(modem.closed, 1);
  assert.equal(released, 1);
  assert.equal(s.rtp.closed, 1);
});

test('a line without modem audio leaves the call RTP-only; closing while the port opens lets it go', async () => {
  const s = setup(1, async () => null);
  await new Promise((r) => setImmediate(r));
  assert.equal(s.session.state, 'rtp-only');
  await s.session.close();
  assert.equal(s.rtp.closed, 1);

  const modem = fakeModem();
  let resolve!: (l: LineAudio) => void;
  const t = setup(1, () => new Promise((r) => (resolve = r)));
  await t.session.close();
  resolve({ modem, modemDetects: false, onModemKey: () => () => undefined, release: () => undefined });
  await new Promise((r) => setImmediate(r));
  assert.equal(modem.closed, 1, 'the late port was closed');
  assert.equal(t.session.state, 'closed');
});

test('a line alerting without early media: our ringback plays until the modem audio opens, then the bridge', async () => {
  const modem = fakeModem();
  let progress!: { alerting(): void };
  let open!: (l: LineAudio) => void;
  const s = setup(1, (_id, p) => {
    progress = p;
    return new Promise((r) => (open = r));
  });
  assert.equal(s.session.state, 'attaching');
  assert.equal(s.running(), false, 'no tone before the GSM call alerts');
  progress.alerting();
  progress.alerting();
  assert.ok(s.running());
  s.tick();
  s.tick();
  assert.deepEqual(s.rtp.sent, [450, 450], 'the ringback went to SIP');
  open({ modem, modemDetects: true, onModemKey: () => () => undefined, release: () => undefined });
  await new Promise((r) => setImmediate(r));
  assert.equal(s.session.state, 'bridged');
  assert.equal(s.running(), false, 'the ringback stops when the modem audio opens');
  await s.session.close();
});

test('a line whose audio fails to open stops our ringback and goes on RTP-only', async () => {
  let progress!: { alerting(): void };
  const s = setup(1, (_id, p) => {
    progress = p;
    return new Promise((_r, reject) => setImmediate(() => reject(new Error('port gone'))));
  });
  progress.alerting();
  assert.ok(s.running());
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(s.session.state, 'rtp-only');
  assert.equal(s.running(), false);
  assert.deepEqual(s.events, ['error opening the line audio']);
  await s.session.close();
});

test('call audio states: every illegal edge throws', () => {
  const states: CallAudioState[] = ['local', 'attaching', 'bridged', 'rtp-only', 'closed'];
  assert.equal(nextCallAudioState('local', 'attach'), 'attaching');
  assert.throws(() => nextCallAudioState('bridged', 'attach'));
  assert.throws(() => nextCallAudioState('local', 'modem-opened'));
  for (const st of states) assert.equal(nextCallAudioState(st, 'close'), 'closed');
});
