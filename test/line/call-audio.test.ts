import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioCapability, AudioGains, EchoCancellerSetting } from '../../modem-drivers/capabilities.js';
import { callAudioSettingsOf, openCallAudio, prepareCallAudio } from '../../src/line/call-audio.js';
import { lineSchema } from '../../src/config/schema-lines.js';
import { silentLogger } from '../../src/util/log.js';
import { FakeOpener } from '../media/modem-audio/fake-audio.js';

class FakeAudio implements AudioCapability {
  readonly format = { sampleRate: 8000, frameMs: 20 } as const;
  readonly gainRanges = { mic: [0, 8], speaker: [0, 8] } as const;
  readonly earlyMedia = false;
  readonly calls: string[] = [];
  refuse = new Set<string>();
  private step(name: string): Promise<void> {
    this.calls.push(name);
    return this.refuse.has(name) ? Promise.reject(new Error(`${name}: ERROR`)) : Promise.resolve();
  }
  prepare() {
    return this.step('prepare');
  }
  startCall() {
    return this.step('startCall');
  }
  stopCall() {
    return this.step('stopCall');
  }
  setGains(g: AudioGains) {
    return this.step(`setGains ${JSON.stringify(g)}`);
  }
  setEchoCanceller(e: EchoCancellerSetting) {
    return this.step(`echo ${JSON.stringify(e)}`);
  }
}

const log = silentLogger();

test('openCallAudio: start the stream, gains, echo canceller, open the port; close closes the port, then stops the stream', async () => {
  const audio = new FakeAudio();
  const opener = new FakeOpener();
  const end = await openCallAudio(audio, opener, { gains: { mic: 3, speaker: 5 }, echoCanceller: { mode: 7 } }, log);
  assert.ok(end);
  assert.deepEqual(audio.calls, ['startCall', 'setGains {"mic":3,"speaker":5}', 'echo {"mode":7}']);
  assert.equal(opener.opened.length, 1);
  await end.close();
  assert.ok(opener.last.closed);
  assert.deepEqual(audio.calls.at(-1), 'stopCall');
});

test('openCallAudio: null without an audio capability or an audio port; nothing sent then', async () => {
  const audio = new FakeAudio();
  assert.equal(await openCallAudio(undefined, new FakeOpener(), {}, log), null);
  assert.equal(await openCallAudio(audio, null, {}, log), null);
  assert.deepEqual(audio.calls, []);
});

test('openCallAudio: a refused start rejects before the port opens; a port that will not open stops the stream again', async () => {
  const audio = new FakeAudio();
  audio.refuse.add('startCall');
  const opener = new FakeOpener();
  await assert.rejects(openCallAudio(audio, opener, {}, log), /startCall: ERROR/);
  assert.equal(opener.opened.length, 0);
  const a2 = new FakeAudio();
  const o2 = new FakeOpener();
  o2.fail = true;
  await assert.rejects(openCallAudio(a2, o2, {}, log), /no such device/);
  assert.deepEqual(a2.calls, ['startCall', 'stopCall']);
});

test('openCallAudio: refused gains leave the modem its own and the call keeps its audio', async () => {
  const audio = new FakeAudio();
  audio.refuse.add('setGains {"mic":9}');
  const end = await openCallAudio(audio, new FakeOpener(), { gains: { mic: 9 } }, log);
  assert.ok(end);
  await end.close();
});

test('prepareCallAudio: false (and logged) when the modem refuses, false without audio, true otherwise', async () => {
  const audio = new FakeAudio();
  assert.equal(await prepareCallAudio(audio, log), true);
  audio.refuse.add('prepare');
  assert.equal(await prepareCallAudio(audio, log), false);
  assert.equal(await prepareCallAudio(undefined, log), false);
});

test('lines[].audio: defaults 8000 / 20, gains and echo canceller taken over; bad values refused by the schema', () => {
  const parse = (audio: unknown) => lineSchema.safeParse({ port: '/dev/ttyUSB2', audio });
  const d = parse(undefined);
  assert.ok(d.success);
  assert.deepEqual(callAudioSettingsOf(d.data.audio), { gains: {}, pcm: { sampleRate: 8000, frameMs: 20 } });
  const q = parse({ micGain: 20000, speakerGain: 8192, echoCancellerParams: [{ index: 0, value: 1 }] });
  assert.ok(q.success);
  assert.deepEqual(callAudioSettingsOf(q.data.audio), {
    gains: { mic: 20000, speaker: 8192 },
    echoCanceller: { params: [{ index: 0, value: 1 }] },
    pcm: { sampleRate: 8000, frameMs: 20 },
  });
  const s = parse({ micGain: 3, echoCancellerMode: 7, pcmSampleRate: 16000, pcmFrameMs: 40 });
  assert.ok(s.success);
  assert.deepEqual(callAudioSettingsOf(s.data.audio), { gains: { mic: 3 }, echoCanceller: { mode: 7 }, pcm: { sampleRate: 16000, frameMs: 40 } });
  for (const bad of [{ pcmSampleRate: 11025 }, { pcmFrameMs: 30 }, { micGain: -1 }, { echoCancellerMode: 8 }, { echoCancellerParams: [{ index: 51, value: 0 }] }, { gain: 1 }]) {
    assert.equal(parse(bad).success, false, JSON.stringify(bad));
  }
});
