/**
 * Outside parties' audio (modem-drivers/simulator/network/party-audio.ts) heard through a modem's PCM
 * port: echo with delay and loss, file playback, recording, and the control API that sets them up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlApi } from '../../modem-drivers/simulator/control-api.js';
import { recordingOf } from '../../modem-drivers/simulator/network/party-audio.js';
import { readPcm, wavFile } from '../../modem-drivers/simulator/network/wav.js';
import { toneFrames } from '../../modem-drivers/simulator/network/tone.js';
import type { CallLeg } from '../../modem-drivers/simulator/types.js';
import { callWithPcm, PcmHost, rampFrame, rig, run, samples, type Rig } from './audio-harness.js';

const NUMBER = '+8613900003333';

async function quiet(r: Rig): Promise<PcmHost> {
  await r.at.at('AT+QGPSCFG="outport","none"');
  return new PcmHost(r.modem.openAudio());
}

function indexOf(hay: Int16Array, needle: Int16Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

test('echo with a delay and a loss: the frames come back that much later and that much quieter', async () => {
  const r = await rig('quectel');
  r.sim.network.outside.addRule(NUMBER, { kind: 'answer', audio: { echo: { delayMs: 100, lossDb: 6 } } });
  const host = await quiet(r);
  await callWithPcm(r, NUMBER);
  host.take();
  const sent: Buffer[] = [];
  await run(r, 40 * 20, (i) => {
    const f = i === 0 ? rampFrame(7) : Buffer.alloc(320);
    sent.push(f);
    host.port.write(f);
  });
  const got = samples(host.take());
  const gain = Math.pow(10, -6 / 20);
  const expected = Int16Array.from(samples(rampFrame(7)), (s) => Math.round(s * gain));
  const at = indexOf(got, expected);
  assert.ok(at >= 0, 'the attenuated frame came back');
  const delayMs = at / 8;
  assert.ok(delayMs >= 100 && delayMs <= 120, `echo path delay ${delayMs} ms (100 ms party + up to one port frame)`);
  r.sim.close();
});

test('a recording party keeps what it heard, sample-exact, bounded by maxMs', async () => {
  const r = await rig('simcom');
  r.sim.network.outside.addRule(NUMBER, { kind: 'answer', audio: { record: { maxMs: 400 } } });
  let party: CallLeg | null = null;
  r.sim.network.outside.onCall((leg) => (party = leg));
  const host = new PcmHost(r.modem.openAudio());
  await callWithPcm(r, NUMBER);
  const sent: Buffer[] = [];
  await run(r, 30 * 20, (i) => {
    const f = rampFrame(i + 1);
    sent.push(f);
    host.port.write(f);
  });
  assert.ok(party);
  const rec = recordingOf(party)!;
  const heard = rec.samples();
  assert.equal(heard.length, 20 * 160, '400 ms kept');
  assert.deepEqual(Array.from(heard), Array.from(samples(Buffer.concat(sent)).subarray(0, 20 * 160)));
  assert.equal(rec.framesNotKept, 10);
  assert.equal(host.take().every((b) => b === 0), true, 'the recording party itself is silent');
  r.sim.close();
});

test('a party plays a WAV file in a loop; a raw s16le file plays once with loop false', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'party-play-'));
  try {
    const clip = samples(Buffer.concat([rampFrame(11), rampFrame(12), rampFrame(13)]));
    writeFileSync(join(dir, 'clip.wav'), wavFile(clip));
    writeFileSync(join(dir, 'clip.raw'), Buffer.concat([rampFrame(11), rampFrame(12), rampFrame(13)]));
    for (const [file, loop] of [['clip.wav', true], ['clip.raw', false]] as const) {
      const r = await rig('quectel');
      // It rings for 100 ms: the port follows the call from then on and hears the party's first frame.
      r.sim.network.outside.addRule(NUMBER, { kind: 'answer', ringMs: 100, audio: { play: join(dir, file), loop } });
      const host = await quiet(r);
      // PCM on before the call (the EC25 allows it).
      await r.at.at('AT+QPCMV=1,0');
      await r.at.at(`ATD${NUMBER};`);
      await run(r, 500);
      const got = samples(host.take());
      const first = indexOf(got, clip);
      assert.ok(first >= 0, `${file} is heard`);
      const second = indexOf(got.subarray(first + clip.length), clip);
      if (loop) assert.equal(second, 0, 'looped without a gap');
      else {
        assert.equal(second, -1, 'played once');
        assert.ok(got.subarray(first + clip.length).every((s) => s === 0), 'then silence');
      }
      r.sim.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('control API: a rule with a recording party, the recording fetched as PCM and as WAV; bad rules are 400', async () => {
  const r = await rig('quectel');
  const api = await startControlApi(r.sim, { port: 0 });
  const post = (path: string, body: unknown) =>
    fetch(api.url + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  try {
    let res = await post('/outside/rules', { number: NUMBER, behaviour: { kind: 'answer', audio: { echo: true, record: true } } });
    assert.equal(res.status, 200, await res.text());
    for (const bad of [
      { number: NUMBER, behaviour: { kind: 'answer', audio: { play: '/nonexistent/file.wav' } } },
      { number: NUMBER, behaviour: { kind: 'answer', audio: { toneHz: 0 } } },
      { number: NUMBER, behaviour: { kind: 'sing' } },
      { pattern: '(', behaviour: { kind: 'busy' } },
      { number: NUMBER, pattern: 'x', behaviour: { kind: 'busy' } },
    ]) {
      res = await post('/outside/rules', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(((await res.json()) as { error: string }).error, /\w/);
    }
    const host = await quiet(r);
    await callWithPcm(r, NUMBER);
    const sent: Buffer[] = [];
    await run(r, 10 * 20, (i) => {
      const f = rampFrame(i + 1);
      sent.push(f);
      host.port.write(f);
    });
    const calls = (await (await fetch(api.url + '/calls')).json()) as { calls: { id: number; to: string }[] };
    const id = calls.calls.find((c) => c.to === NUMBER)!.id;
    const pcm = Buffer.from(await (await fetch(`${api.url}/calls/${id}/recording?format=pcm`)).arrayBuffer());
    assert.deepEqual(pcm, Buffer.concat(sent));
    const wavRes = await fetch(`${api.url}/calls/${id}/recording`);
    assert.equal(wavRes.headers.get('content-type'), 'audio/wav');
    const wav = readPcm(Buffer.from(await wavRes.arrayBuffer()));
    assert.ok('samples' in wav);
    assert.deepEqual(Array.from(wav.samples), Array.from(samples(Buffer.concat(sent))));
    assert.equal((await fetch(`${api.url}/calls/${id}/recording?format=mp3`)).status, 400);
    assert.equal((await fetch(`${api.url}/calls/999/recording`)).status, 404);
    assert.equal((await post('/outside/rules/clear', {})).status, 200);
  } finally {
    await api.close();
    r.sim.close();
  }
});

test('control API: an outside caller with its own audio (POST /calls audio); the modem shows its port counters', async () => {
  const r = await rig('quectel');
  const api = await startControlApi(r.sim, { port: 0 });
  try {
    const host = await quiet(r);
    const own = r.modem.status().sims.find((x) => x.slot === r.modem.slot)!.number!;
    const res = await fetch(api.url + '/calls', {
      method: 'POST',
      body: JSON.stringify({ from: '+8613912345678', to: own, audio: { toneHz: 1000 } }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 200, await res.text());
    await r.clock.advanceAsync(10);
    assert.match(await r.at.at('ATA'), /OK/);
    assert.match(await r.at.at('AT+QPCMV=1,0'), /OK/);
    await run(r, 200);
    const got = samples(host.take());
    assert.ok(indexOf(got, toneFrames(1000)[0]!) >= 0, 'the 1 kHz tone is on the port');
    const status = (await (await fetch(`${api.url}/modems/${r.modem.id}`)).json()) as { audio: { framesOut: number } | null };
    assert.ok(status.audio && status.audio.framesOut >= 9, JSON.stringify(status.audio));
    const bad = await fetch(api.url + '/calls', { method: 'POST', body: JSON.stringify({ from: '+8613912345678', to: own, audio: { play: 42 } }) });
    assert.equal(bad.status, 400);
  } finally {
    await api.close();
    r.sim.close();
  }
});
