/**
 * Echo return loss through the gateway (issue "Voice", build point 5): a SIP → GSM call to a simulated
 * outside party that echoes like a handset (100 ms later, `ECHO_LOSS_DB` quieter); the SIP side sends a
 * 1 kHz tone at about −12 dBFS and measures what comes back. ERL = sent level − returned level.
 *
 * The simulated modem has no echo canceller, so the figure is the party's own loss plus whatever the
 * gateway's two G.711 passes, jitter buffer and modem framing add or take: it shows the path is level
 * true (no gain, no clipping). On hardware, the modem's echo canceller (lines[].audio.echoCancellerMode / echoCancellerParams)
 * adds its own loss on top, which this bench cannot show.
 */
import { startSmsDaemon } from '../test/e2e/sms-daemon.js';
import { RtpPeer } from '../test/e2e/helpers/rtp-peer.js';
import { sippAudioCall, until } from '../test/e2e/helpers/audio-call.js';
import { g711Decode } from '../src/media/codec/g711.js';

const ECHO_LOSS_DB = 12;
const ECHO_DELAY_MS = 100;
const NUMBER = '13900003001';

function levelDb(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return 10 * Math.log10(sum / samples.length / (32768 * 32768));
}

async function main(): Promise<void> {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { media: { symmetricRtp: false } } } });
  const peer = await RtpPeer.open();
  try {
    const rule = await fetch(`${x.control}/outside/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pattern: `${NUMBER}$`, behaviour: { kind: 'answer', audio: { echo: { delayMs: ECHO_DELAY_MS, lossDb: ECHO_LOSS_DB } } } }),
    });
    if (rule.status !== 200) throw new Error(`outside rule refused: ${rule.status} ${await rule.text()}`);
    const call = await sippAudioCall(x, peer, NUMBER, 5000);
    await until('the gateway’s RTP', () => peer.gateway !== null, 10_000);
    const tone = Int16Array.from({ length: 8000 * 3 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
    const from = peer.received.length;
    await peer.send(peer.gateway!, tone);
    await new Promise((r) => setTimeout(r, 500));
    call.kill();
    const back = peer.received.slice(from).filter((r) => r.packet.payloadType === 8);
    const audio = new Int16Array(back.length * 160);
    back.forEach((r, i) => audio.set(g711Decode('PCMA', r.packet.payload).subarray(0, 160), i * 160));
    // The steady middle second of the echo, away from its start and end.
    const steady = audio.subarray(8000, 16000);
    const sent = levelDb(tone.subarray(8000, 16000));
    const returned = levelDb(steady);
    const erl = sent - returned;
    console.log(`echo-return-loss: a SIP → GSM call to a simulated party echoing ${ECHO_DELAY_MS} ms later and ${ECHO_LOSS_DB} dB quieter; 1 kHz sent at ${sent.toFixed(1)} dBFS`);
    console.log(`  echo return loss measured at the SIP side: ${erl.toFixed(1)} dB (the party's own ${ECHO_LOSS_DB} dB; the gateway path adds ${(erl - ECHO_LOSS_DB).toFixed(1)} dB)  target: the path adds no gain (|difference| ≤ 1 dB) ${Math.abs(erl - ECHO_LOSS_DB) <= 1 ? 'ok' : 'MISSED'}`);
    console.log('  (the simulated modem has no echo canceller; on hardware the modem’s canceller adds its loss on top)');
  } finally {
    peer.close();
    await x.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
