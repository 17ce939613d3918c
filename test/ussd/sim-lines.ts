/**
 * Lines over simulated modems on one in-process simulated network (modem-drivers/simulator), for USSD
 * and own-number tests: the real Line, AtChannel and vendor driver talk to a SimulatedModem, and every
 * command a line writes is recorded.
 */
import type { AtTransport } from '../../src/at/types.js';
import { Line } from '../../src/line/line.js';
import type { OpenedPort, PortProvider } from '../../src/line/port-provider.js';
import { silentLogger } from '../../src/util/log.js';
import { realClock } from '../../modem-drivers/simulator/network/clock.js';
import { MobileNetwork } from '../../modem-drivers/simulator/network/mobile-network.js';
import type { UssdMenus } from '../../modem-drivers/simulator/network/ussd-service.js';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { FAST_TIMING, SIM_OPERATORS, simCard, simImei } from '../../modem-drivers/simulator/simulator.js';
import type { SimCard, Timing } from '../../modem-drivers/simulator/types.js';

export const LINE_TIMING = { probeIntervalMs: 200, unresponsiveAfterMs: 3000, commandTimeoutMs: 2000, reopenDelayMs: 50, simRetryMs: 100, refreshEvery: 50 };

/** Opens a simulated modem's port and records every command line written to it. */
export class RecordingProvider implements PortProvider {
  readonly written: string[] = [];
  constructor(readonly modem: SimulatedModem) {}
  describe(): string {
    return `simulated modem ${this.modem.imei}`;
  }
  async open(): Promise<OpenedPort> {
    const t = this.modem.open();
    const written = this.written;
    const transport: AtTransport = {
      write(data) {
        for (const l of String(data).split('\r')) if (l.trim() !== '') written.push(l.trim());
        t.write(data);
      },
      onData: (l) => t.onData(l),
      onClose: (l) => t.onClose(l),
      close: () => t.close(),
    };
    return { transport, path: this.modem.devicePath, usbPath: null, usbVendorId: 0x2c7c, usbProductId: 0x0125 };
  }
  async hardReset(): Promise<string | null> {
    return null;
  }
  /** Commands written so far that start with `prefix`. */
  commands(prefix: string): string[] {
    return this.written.filter((c) => c.startsWith(prefix));
  }
}

export interface SimLines {
  net: MobileNetwork;
  modems: SimulatedModem[];
  lines: Line[];
  providers: RecordingProvider[];
  getLine(id: number): Line | undefined;
  stop(): Promise<void>;
}

export async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * One line per SIM card (line ids 1..n), each on its own simulated EC25 (odd) or SIM7600 (even), all
 * registered when this resolves. `timing` overrides the simulator's fast timing (e.g. `ussdMs`).
 */
export async function simLines(opts: { sims?: SimCard[]; menus?: UssdMenus; timing?: Partial<Timing> } = {}): Promise<SimLines> {
  const sims = opts.sims ?? [simCard(1, 0)];
  const clock = realClock();
  const timing: Timing = { ...FAST_TIMING, registrationMs: 20, bootMs: 20, ...opts.timing };
  const net = new MobileNetwork({ clock, timing, operators: [...SIM_OPERATORS], ...(opts.menus ? { ussdMenus: opts.menus } : {}) });
  const modems = sims.map((sim, i) => {
    const dialect = i % 2 === 0 ? 'quectel-ec25' : 'simcom-sim7600';
    return new SimulatedModem({ id: i + 1, dialect, imei: simImei(i + 1, dialect), sims: [sim], network: net, clock, timing });
  });
  const providers = modems.map((m) => new RecordingProvider(m));
  const lines = providers.map((p, i) => new Line({ id: i + 1, port: p, log: silentLogger(), timing: LINE_TIMING }));
  for (const l of lines) l.start();
  const stop = async () => {
    await Promise.all(lines.map((l) => l.stop()));
    for (const m of modems) m.close();
    net.close();
  };
  // Registered, and settled: right after start-up a line may still go through its bring-up once more
  // (a late boot URC) or see a registration URC of another domain for a moment.
  let changedAt = Date.now();
  const onChange = () => (changedAt = Date.now());
  for (const l of lines) l.on('lifecycle', onChange);
  try {
    await until('lines registered', () => lines.every((l) => l.status().lifecycle === 'registered') && Date.now() - changedAt >= 150);
  } catch (e) {
    await stop();
    throw e;
  }
  for (const l of lines) l.off('lifecycle', onChange);
  return { net, modems, lines, providers, getLine: (id) => lines.find((l) => l.id === id), stop };
}
