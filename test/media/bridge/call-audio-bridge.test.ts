import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallAudioBridge, type FrameDigitDetector } from '../../../src/media/bridge/call-audio-bridge.js';
import { FRAME_SAMPLES, type DtmfDigit, type ModemAudioEnd, type ModemAudioStats, type RtpEnd, type RtpEndStats } from '../../../src/media/audio-contract.js';

const frame = (v: number): Int16Array => new Int16Array(FRAME_SAMPLES).fill(v);

/** A modem end whose clock the test turns by hand. */
class FakeModem implements ModemAudioEnd {
  frameListener: ((f: Int16Array) => void) | null = null;
  source: (() => Int16Array | null) | null = null;
  deadListener: ((r: string) => void) | null = null;
  written: (Int16Array | null)[] = [];
  closed = 0;
  onFrame(l: (f: Int16Array) => void): void {
    this.frameListener = l;
  }
  setSource(s: (() => Int16Array | null) | null): void {
    this.source = s;
  }
  onDead(l: (r: string) => void): void {
    this.deadListener = l;
  }
  stats(): ModemAudioStats {
    return { framesIn: 0, framesOut: 0, underruns: 0, overruns: 0, recoveries: 0, skippedTicks: 0 };
  }
  async close(): Promise<void> {
    this.closed++;
  }
  tick(): void {
    this.written.push(this.source ? this.source() : null);
  }
}

class FakeRtp implements RtpEnd {
  sendsTelephoneEvents = true;
  sent: Int16Array[] = [];
  digitsSent: DtmfDigit[] = [];
  queue: Int16Array[] = [];
  digitListener: ((d: DtmfDigit) => void) | null = null;
  timeoutListener: (() => void) | null = null;
  closed = 0;
  silences: number[] = [];
  sendFrame(f: Int16Array): void {
    this.sent.push(f);
  }
  sendSilence(levelDbov: number): void {
    this.silences.push(levelDbov);
  }
  nextFrame(): Int16Array {
    return this.queue.shift() ?? frame(0);
  }
  sendDigit(d: DtmfDigit): boolean {
    if (!this.sendsTelephoneEvents) return false;
    this.digitsSent.push(d);
    return true;
  }
  onDigit(l: (d: DtmfDigit) => void): void {
    this.digitListener = l;
  }
  onTimeout(l: () => void): void {
    this.timeoutListener = l;
  }
  stats(): RtpEndStats {
    return { packetsSent: 0, packetsReceived: 0, packetsLost: 0, jitterMs: 0, concealedFrames: 0, droppedPackets: 0, bufferMs: 0, remoteReport: null };
  }
  close(): void {
    this.closed++;
  }
}

const tone = (d: DtmfDigit, ms: number): Int16Array[] => Array.from({ length: ms / 20 }, () => frame(1000 + d.charCodeAt(0)));

function setup(extra: Partial<ConstructorParameters<typeof CallAudioBridge>[0]> = {}) {
  const modem = new FakeModem();
  const rtp = new FakeRtp();
  const events: string[] = [];
  const bridge = new CallAudioBridge({
    rtp,
    modem,
    digitTone: tone,
    onRtpTimeout: () => events.push('rtp-timeout'),
    onModemDead: (r) => events.push(`dead ${r}`),
    ...extra,
  });
  return { modem, rtp, bridge, events };
}

test('frames flow both ways: modem frames go to RTP, each tick plays the jitter buffer to the modem', () => {
  const { modem, rtp } = setup();
  modem.frameListener!(frame(7));
  assert.deepEqual(rtp.sent.map((f) => f[0]), [7]);
  rtp.queue.push(frame(3), frame(4));
  modem.tick();
  modem.tick();
  modem.tick();
  assert.deepEqual(modem.written.map((f) => f?.[0]), [3, 4, 0]);
});

test('a digit keyed in-band to GSM replaces the RTP audio for its frames, and the jitter buffer keeps its clock', () => {
  const { modem, rtp, bridge } = setup();
  rtp.queue.push(frame(1), frame(2), frame(3), frame(4), frame(5), frame(6));
  bridge.keyToGsm('5');
  for (let i = 0; i < 6; i++) modem.tick();
  const toneValue = 1000 + '5'.charCodeAt(0);
  assert.deepEqual(modem.written.map((f) => f?.[0]), [toneValue, toneValue, toneValue, toneValue, toneValue, 6]);
  assert.equal(rtp.queue.length, 0, 'the buffer was drained one frame per tick while the tone played');
});

test('a digit keyed to GSM uses AT+VTS when the line has it', async () => {
  const keyed: string[] = [];
  const { modem, bridge } = setup({ vts: async (d) => void keyed.push(d) });
  bridge.keyToGsm('#');
  modem.tick();
  assert.deepEqual(keyed, ['#']);
  assert.equal(modem.written[0]?.[0], 0, 'no tone in the audio');
});

test('RFC 4733 and SIP INFO digits reach the sip-digit listeners; modem reports and detector finds reach the gsm-digit listeners', () => {
  const detector: FrameDigitDetector = { push: (f) => (f[0] === 99 ? ['9'] : []) };
  const { modem, rtp, bridge } = setup({ detector });
  const fromSip: string[] = [];
  const fromGsm: string[] = [];
  bridge.onSipDigit((d) => fromSip.push(d));
  bridge.onGsmDigit((d) => fromGsm.push(d));
  rtp.digitListener!('1');
  bridge.digitFromSip('2');
  bridge.digitFromGsm('*');
  modem.frameListener!(frame(99));
  assert.deepEqual(fromSip, ['1', '2']);
  assert.deepEqual(fromGsm, ['*', '9']);
  assert.equal(rtp.sent.length, 1, 'the detected frame still went to RTP');
});

test('a digit to SIP goes as RFC 4733 when negotiated, else in-band in place of the modem audio', () => {
  const { modem, rtp, bridge } = setup();
  bridge.sendDigitToSip('4');
  assert.deepEqual(rtp.digitsSent, ['4']);
  rtp.sendsTelephoneEvents = false;
  bridge.sendDigitToSip('8');
  for (let i = 0; i < 6; i++) modem.frameListener!(frame(1));
  const toneValue = 1000 + '8'.charCodeAt(0);
  assert.deepEqual(rtp.sent.map((f) => f[0]), [toneValue, toneValue, toneValue, toneValue, toneValue, 1]);
});

test('RTP timeout and a dead modem port are reported while open, not after close; close is idempotent', async () => {
  const { modem, rtp, bridge, events } = setup();
  rtp.timeoutListener!();
  modem.deadListener!('no bytes for 1 s');
  await bridge.close();
  await bridge.close();
  rtp.timeoutListener!();
  modem.deadListener!('again');
  assert.deepEqual(events, ['rtp-timeout', 'dead no bytes for 1 s']);
  assert.equal(rtp.closed, 1);
  assert.equal(modem.closed, 1);
  modem.tick();
  assert.equal(modem.written.at(-1), null, 'the source was removed: the modem writes silence');
});

test('a throwing digit listener does not stop the others', () => {
  const errors: string[] = [];
  const { rtp, bridge } = setup({ onError: (what) => errors.push(what) });
  const got: string[] = [];
  bridge.onSipDigit(() => {
    throw new Error('boom');
  });
  bridge.onSipDigit((d) => got.push(d));
  rtp.digitListener!('3');
  assert.deepEqual(got, ['3']);
  assert.deepEqual(errors, ['digit listener']);
});

test('voice activity: frames the detector calls silent go out as silence (comfort noise), the others as audio; tones always go', () => {
  const { modem, rtp, bridge } = setup({ vad: (f) => ({ active: f[0] !== 0, levelDbov: -70 }) });
  modem.frameListener!(frame(0));
  modem.frameListener!(frame(9));
  bridge.sendDigitToSip('1');
  rtp.sendsTelephoneEvents = false;
  bridge.sendDigitToSip('2');
  modem.frameListener!(frame(0));
  assert.deepEqual(rtp.silences, [-70]);
  assert.deepEqual(rtp.sent.map((f) => f[0]), [9, 1000 + '2'.charCodeAt(0)], 'an in-band tone is sent even over silence');
});
