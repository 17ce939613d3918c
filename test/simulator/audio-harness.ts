/** Shared set-up for the audio port tests: a simulator on a manual clock, a host on a modem's AT and PCM ports. */
import { ManualClock } from '../../modem-drivers/simulator/network/clock.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import type { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import type { AtTransport } from '../../src/at/types.js';
import { AtClient, settle } from './modem-fakes.js';

export interface Rig {
  clock: ManualClock;
  sim: Simulator;
  modem: SimulatedModem;
  at: AtClient;
}

/** Modem 1 is an EC25, modem 2 a SIM7600; both registered, ATE0. */
export async function rig(which: 'quectel' | 'simcom', opts: { pcmFrameMs?: 20 | 40 } = {}): Promise<Rig> {
  const clock = new ManualClock();
  const sim = new Simulator({ modems: 2, timing: 'zero', clock, ...(opts.pcmFrameMs ? { simcomPcmFrameMs: opts.pcmFrameMs } : {}) });
  const modem = sim.modem(which === 'quectel' ? 1 : 2)!;
  const at = new AtClient(modem.open());
  await clock.advanceAsync(10);
  await at.at('ATE0');
  at.take();
  return { clock, sim, modem, at };
}

/** The host's end of a PCM port: everything it received, as bytes. */
export class PcmHost {
  private chunks: Buffer[] = [];
  closed = false;
  constructor(readonly port: AtTransport) {
    port.onData((b) => this.chunks.push(Buffer.from(b)));
    port.onClose(() => (this.closed = true));
  }
  take(): Buffer {
    const b = Buffer.concat(this.chunks);
    this.chunks = [];
    return b;
  }
}

/** Dials `number` and turns PCM on the dialect's way; resolves once the call is active. */
export async function callWithPcm(r: Rig, number: string): Promise<void> {
  await r.at.at(`ATD${number};`);
  await r.clock.advanceAsync(10);
  const c = r.modem.status().call;
  if (c?.state !== 'active') throw new Error(`call not active: ${JSON.stringify(c)}`);
  const on = r.modem.dialect === 'quectel-ec25' ? 'AT+QPCMV=1,0' : 'AT+CPCMREG=1';
  const reply = await r.at.at(on);
  if (!reply.includes('OK')) throw new Error(`${on}: ${reply}`);
}

/** Advances the clock by `ms` in 20 ms steps, letting port bytes reach the host after each step. */
export async function run(r: Rig, ms: number, each?: (step: number) => void): Promise<void> {
  for (let t = 0, i = 0; t < ms; t += 20, i++) {
    each?.(i);
    await r.clock.advanceAsync(20);
  }
  await settle();
}

export function samples(b: Buffer): Int16Array {
  const out = new Int16Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(i * 2);
  return out;
}

/** A recognisable 20 ms frame: a ramp starting at `seed`. */
export function rampFrame(seed: number, samplesPerFrame = 160): Buffer {
  const b = Buffer.alloc(samplesPerFrame * 2);
  for (let i = 0; i < samplesPerFrame; i++) b.writeInt16LE(((seed * 997 + i * 13) % 60000) - 30000, i * 2);
  return b;
}
