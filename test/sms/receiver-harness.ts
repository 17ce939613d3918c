/**
 * A Line on a simulated modem (in this process, fast timing) with a message store in a temporary
 * directory and an SmsReceiver on top, for the receiver tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import type { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { NoSimSwitch } from '../../modem-drivers/sim-switch/none.js';
import type { AtChannelApi } from '../../src/at/types.js';
import { Line } from '../../src/line/line.js';
import { SimPortProvider } from '../../src/wiring/sim-port-provider.js';
import { MessageStore, type InboundMessage, type Fanout } from '../../src/store/message-store.js';
import { SmsReceiver, type SmsReceiverOptions, type StatusReportOutcome } from '../../src/sms/receiver.js';
import { silentLogger } from '../../src/util/log.js';

export const LINE_TIMING = { probeIntervalMs: 200, unresponsiveAfterMs: 3000, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };

/** An outside number (the network hands SMS to it and reports them delivered). */
export const OUTSIDE = '+8613912345678';

export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const noFanout: Fanout = () => [];

export interface Rig {
  sim: Simulator;
  modem: SimulatedModem;
  line: Line;
  store: MessageStore;
  /** The SIM's number (where outside senders text). */
  number: string;
  stored: InboundMessage[];
  reports: StatusReportOutcome[];
  receiver: SmsReceiver | null;
  /** Starts a (new) receiver on the line; the previous one must be stopped. */
  startReceiver(extra?: Partial<SmsReceiverOptions>): SmsReceiver;
  /** Messages on the modem (all memories), as the simulator counts them. */
  onModem(): number;
  /**
   * Sends a command on the line's own AT channel (to change the modem's SMS settings the way another
   * program would); resolves with whether the modem answered OK.
   */
  at(cmd: string, prefixes?: string[]): Promise<boolean>;
  /** What AT+CMGL=4 lists in the memory given (the current one by default). */
  listed(mem?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Modem `which` of a two-modem simulator: 1 is a Quectel EC25, 2 a SIMCom SIM7600. The line is
 * registered when this resolves; the receiver is not started unless `receiver` is true.
 */
export async function rig(which: 1 | 2, opts: { receiver?: boolean; receiverOptions?: Partial<SmsReceiverOptions> } = {}): Promise<Rig> {
  const sim = new Simulator({ modems: 2, timing: 'fast' });
  const modem = sim.modem(which)!;
  // The line's channel is its own; the test reaches it the way a SIM switch does (the one seam that is given it).
  let channel: AtChannelApi | null = null;
  const simSwitch = (c: { channel: AtChannelApi }) => {
    channel = c.channel;
    return new NoSimSwitch({ lineId: String(which) });
  };
  const line = new Line({ id: which, port: new SimPortProvider(() => sim.modems, modem.imei), log: silentLogger(), timing: LINE_TIMING, simSwitch });
  const dir = mkdtempSync(join(tmpdir(), 'cg-receiver-'));
  const store = MessageStore.open(dir);
  line.start();
  await until('line registered', () => line.status().lifecycle === 'registered' && line.status().sim.iccid !== null);
  const number = modem.status().sims.find((s) => s.slot === 'A')!.number!;
  const r: Rig = {
    sim,
    modem,
    line,
    store,
    number,
    stored: [],
    reports: [],
    receiver: null,
    startReceiver(extra = {}) {
      const rx = new SmsReceiver({
        line,
        store,
        fanout: noFanout,
        log: silentLogger(),
        onStored: (m) => r.stored.push(m),
        onStatusReport: (x) => r.reports.push(x),
        ...opts.receiverOptions,
        ...extra,
      });
      r.receiver = rx;
      rx.start();
      return rx;
    },
    onModem: () => modem.status().storedSms,
    async at(cmd, prefixes) {
      if (!channel) throw new Error('the line has not opened its modem yet');
      return (await channel.send({ cmd, ...(prefixes ? { prefixes } : {}) })).ok;
    },
    async listed(mem?: string) {
      return (await line.capability('sms').list(4, mem)).length;
    },
    async close() {
      await r.receiver?.stop();
      await line.stop();
      sim.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.receiver ?? true) r.startReceiver();
  return r;
}
