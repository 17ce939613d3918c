/**
 * Early media through the daemon (docs/media.md "Early media"), ringback mode 183: a SIP → GSM call to a
 * simulated party that rings for 2.5 s, then answers with a 1 kHz tone. Before the answer the caller's
 * RTP carries ringback:
 * - on the EC25 line (AT+QPCMV streams from the traffic channel), the network's own in-band ringback,
 *   450 Hz (the simulated network's, as China's);
 * - on the SIM7600 line (AT+CPCMREG=1 refused until the answer), the gateway's own ringback from
 *   `sip.media.tonePreset`, here "itu" (425 Hz), so the two are told apart.
 * After the answer both carry the party's 1 kHz.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmsDaemon } from './sms-daemon.js';
import { RtpPeer, toneShare } from './helpers/rtp-peer.js';
import { sippAudioCall } from './helpers/audio-call.js';
import { apiCalls } from './sip-calls-in-helpers.js';

/** 200 ms windows (5 Hz Goertzel resolution tells 425 from 450 Hz) labelled by the tone that fills them. */
function toneRuns(audio: Int16Array): string {
  const labels: string[] = [];
  for (let at = 0; at + 1600 <= audio.length; at += 1600) {
    const w = audio.subarray(at, at + 1600);
    const hit = [450, 425, 1000].find((hz) => toneShare(w, hz) > 0.8);
    labels.push(hit === undefined ? '.' : hit === 1000 ? 'T' : hit === 450 ? 'N' : 'L');
  }
  return labels.join('');
}

test('ringback mode 183: the caller hears the network ringback (EC25) or the gateway ringback (SIM7600) before the answer, then the party', async (t) => {
  const x = await startSmsDaemon({ modems: 2, config: { sip: { media: { symmetricRtp: false, tonePreset: 'itu' }, calls: { ringback: '183' } } } });
  t.after(() => x.stop());
  const numbers = ['13912345681', '13912345682'];
  for (const n of numbers) {
    const r = await fetch(`${x.control}/outside/rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pattern: `${n}$`, behaviour: { kind: 'answer', ringMs: 2500, audio: { toneHz: 1000 } } }) });
    assert.ok(r.ok, await r.text());
  }
  const heard = new Map<number, string>();
  for (const n of numbers) {
    const peer = await RtpPeer.open();
    t.after(() => peer.close());
    const call = await sippAudioCall(x, peer, n, 1500);
    const result = await call.done;
    assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
    const record = (await apiCalls(x.api)).find((c) => c.number === n);
    assert.ok(record?.line !== undefined, `the call to ${n} is recorded with its line`);
    const runs = toneRuns(peer.audio('alaw', 8));
    t.diagnostic(`line ${record.line}: ${runs} (N network ringback 450 Hz, L gateway ringback 425 Hz, T the party's 1 kHz, . neither)`);
    heard.set(record.line, runs);
  }
  assert.deepEqual([...heard.keys()].sort(), [1, 2], 'round robin put one call on each line');
  const before = (runs: string): string => runs.slice(0, runs.indexOf('T'));
  const ec25 = heard.get(1)!;
  const sim7600 = heard.get(2)!;
  assert.ok(ec25.includes('T') && sim7600.includes('T'), 'both calls carried the party after the answer');
  assert.match(before(ec25), /NNN/, 'EC25: the network ringback before the answer');
  assert.doesNotMatch(before(ec25), /L/);
  assert.match(before(sim7600), /LLL/, 'SIM7600: the gateway ringback before the answer');
  assert.doesNotMatch(before(sim7600), /N/);
});
