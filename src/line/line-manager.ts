/**
 * Builds the lines from the configuration, adds lines for USB modems nobody configured (when
 * modems.autoDetect is on), finds modems again by IMEI after they re-enumerate, and answers the web
 * layer's questions. Lines run independently: one line's failure never touches another.
 */
import { AtChannel } from '../at/channel.js';
import { validateConfig, type Config, type ConfigInput, type LineConfig } from '../config/schema.js';
import type { Logger } from '../util/log.js';
import { createSimSwitch } from '../../modem-drivers/sim-switch/index.js';
import { modemUsbVendorIds } from '../../modem-drivers/families.js';
import { callAudioSettingsOf } from './call-audio.js';
import { Line, type LineOptions, type LineTiming } from './line.js';
import { simSwitchConfigOf } from './sim-switch-config.js';
import type { PortProvider } from './port-provider.js';
import { atPortOf, SerialPortProvider, type ImeiLocator, type TransportOpener } from './serial-port-provider.js';
import { openPcmTransport } from './pcm-port-transport.js';
import { openSerialTransport } from './serial-transport.js';
import { scanUsbModems, type DiscoveryRoots, type UsbModem } from './usb-discovery.js';
import type { LineStatus, SlotId } from './types.js';

/** Every vendor id a family's descriptor claims a USB product of. */
const MODEM_VENDORS = modemUsbVendorIds();

/** USB devices of the modem vendors cellgate knows (other USB serial devices, e.g. SIM boards, are left alone). */
export function findUsbModems(roots?: DiscoveryRoots): UsbModem[] {
  return scanUsbModems(roots).filter((m) => MODEM_VENDORS.has(m.vendorId));
}

export interface LineManagerOptions {
  config: Config;
  log: Logger;
  openTransport?: TransportOpener;
  /** Opens modems' PCM audio ports; default the non-blocking PCM transport, or `openTransport` when that is given (tests). */
  openAudioTransport?: TransportOpener;
  roots?: DiscoveryRoots;
  /** Overrides how a configured line gets its port (tests, simulated modems). */
  portFor?: (line: LineConfig) => PortProvider | null;
  /** Lines that exist besides the configured ones (simulated modems in demo mode). */
  extraLines?: ExtraLine[];
  /** Called for every line after it is created and before it starts (to attach listeners). */
  onLine?: (line: Line) => void;
  /** The SIM policy's slot choice for a line at bring-up (null: no usable slot). */
  chooseSlot?: (lineId: number, available: readonly SlotId[]) => SlotId | null;
  timing?: Partial<LineTiming>;
}

/** A line entry with every default the schema gives (for lines the configuration does not list). */
export function lineConfig(entry: NonNullable<ConfigInput['lines']>[number]): LineConfig {
  const r = validateConfig({ lines: [entry] });
  if (!r.ok) throw new Error(`internal line entry rejected: ${JSON.stringify(r.errors)}`);
  return r.value.lines[0]!;
}

export interface ExtraLine {
  config: LineConfig;
  port: PortProvider;
  /** For a `simulated` SIM switch: tells the simulated modem which card to use. */
  onSlotSelect?: (slot: SlotId) => void;
}

export class LineManager implements ImeiLocator {
  private readonly lines = new Map<number, Line>();
  private readonly openTransport: TransportOpener;
  private readonly openAudioTransport: TransportOpener;

  constructor(private readonly o: LineManagerOptions) {
    this.openTransport = o.openTransport ?? openSerialTransport;
    this.openAudioTransport = o.openAudioTransport ?? o.openTransport ?? (process.platform === 'linux' ? openPcmTransport : openSerialTransport);
  }

  /** Creates and starts every line. Returns once they are started (not once modems are up). */
  async start(): Promise<void> {
    const cfg = this.o.config;
    for (const lc of cfg.lines) this.add(lc, this.providerFor(lc));
    if (cfg.modems.autoDetect) {
      const claimed = new Set(cfg.lines.flatMap((l) => [l.usbPath, l.port].filter((x): x is string => !!x)));
      let next = Math.max(0, ...cfg.lines.map((l) => l.id ?? 0), ...(this.o.extraLines ?? []).map((x) => x.config.id ?? 0)) + 1;
      for (const m of findUsbModems(this.o.roots)) {
        if (claimed.has(m.usbPath) || m.ports.some((p) => claimed.has(p.devPath))) continue;
        if (cfg.lines.some((l) => l.imei && !l.port && !l.usbPath)) {
          // An IMEI-only line may want this modem: ask it before giving the modem a line of its own.
          const imei = await this.imeiOf(m).catch(() => null);
          if (imei && cfg.lines.some((l) => l.imei === imei)) continue;
        }
        const lc = lineConfig({ id: next++, usbPath: m.usbPath });
        this.o.log.info({ line: lc.id, usbPath: m.usbPath, vendor: m.vendorId.toString(16), product: m.productId.toString(16) }, 'modem found on USB; added as a line');
        this.add(lc, this.providerFor(lc));
      }
    }
    for (const x of this.o.extraLines ?? []) this.add(x.config, x.port, x.onSlotSelect);
    if (this.lines.size === 0) this.o.log.warn('no lines: no modem configured and none found on USB');
    for (const l of this.lines.values()) {
      this.o.onLine?.(l);
      l.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.lines.values()].map((l) => l.stop()));
  }

  list(): LineStatus[] {
    return [...this.lines.values()].sort((a, b) => a.id - b.id).map((l) => l.status());
  }

  get(id: number): Line | undefined {
    return this.lines.get(id);
  }

  all(): Line[] {
    return [...this.lines.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Searches the USB modems that no connected line holds for one with this IMEI (AT+CGSN on its AT
   * port). A line's own last USB path counts as free: it is disconnected while it searches.
   */
  async findByImei(imei: string): Promise<UsbModem | null> {
    const held = new Set(this.all().map((l) => l.status().modem.usbPath).filter((x): x is string => !!x));
    for (const m of findUsbModems(this.o.roots)) {
      if (held.has(m.usbPath)) continue;
      const got = await this.imeiOf(m).catch(() => null);
      if (got === imei) return m;
    }
    return null;
  }

  /** Asks a modem for its IMEI. Not cached: a modem swapped into the same socket must be asked again. */
  private async imeiOf(m: UsbModem): Promise<string | null> {
    const path = atPortOf(m);
    if (!path) return null;
    const t = await this.openTransport(path, 115200);
    const ch = new AtChannel(t, { log: this.o.log, name: path, defaultTimeoutMs: 1500 });
    try {
      await ch.send({ cmd: 'ATE0' });
      const lines = await ch.exec({ cmd: 'AT+CGSN' });
      return lines.map((l) => l.replace(/^\+CGSN:\s*/, '').replace(/"/g, '').trim()).find((l) => /^\d{15}$/.test(l)) ?? null;
    } finally {
      await ch.close().catch(() => {});
    }
  }

  private providerFor(lc: LineConfig): PortProvider {
    const custom = this.o.portFor?.(lc);
    if (custom) return custom;
    return new SerialPortProvider({
      ...(lc.port ? { port: lc.port } : {}),
      ...(lc.usbPath ? { usbPath: lc.usbPath } : {}),
      ...(lc.imei ? { imei: lc.imei } : {}),
      baudRate: lc.baudRate,
      family: lc.family,
      ...(lc.audio.port ? { audioPort: lc.audio.port } : {}),
      reset: { usbPowerCycle: lc.reset.usbPowerCycle, ...(lc.reset.command ? { command: lc.reset.command } : {}) },
      openTransport: this.openTransport,
      openAudioTransport: this.openAudioTransport,
      locator: this,
      ...(this.o.roots ? { roots: this.o.roots } : {}),
      log: this.o.log.child({ line: lc.id }),
    });
  }

  private add(lc: LineConfig, port: PortProvider, onSlotSelect?: (slot: SlotId) => void): void {
    const cfg = this.o.config;
    const id = lc.id!;
    // The schema refuses imeiWrite unless security.allowImeiWrite is true; checked again here on purpose.
    const iw = lc.imeiWrite;
    const imeiFor =
      !cfg.security.allowImeiWrite || iw.mode === 'off'
        ? null
        : (slot: SlotId) => (iw.mode === 'per-line' ? iw.imei ?? null : iw.perSim?.[slot] ?? null);
    const sw = lc.simSwitch;
    // A switch that is not part of the modem keeps its state across the line's connections; the modem's
    // own dual-SIM command is reached through each connection's channel.
    let shared: ReturnType<typeof createSimSwitch> | null = null;
    const opts: LineOptions = {
      id,
      ...(lc.name ? { name: lc.name } : {}),
      enabled: lc.enabled,
      port,
      log: this.o.log,
      family: lc.family,
      imei: lc.imei ?? null,
      pins: lc.pins,
      operator: lc.operator.mode === 'manual' && lc.operator.plmn ? { mode: 'manual', plmn: lc.operator.plmn } : { mode: 'auto' },
      imeiFor,
      audio: callAudioSettingsOf(lc.audio),
      dataCheck: { intervalMinutes: lc.dataCheck.intervalMinutes, ...(lc.dataCheck.url ? { url: lc.dataCheck.url } : {}), ...(lc.dataCheck.apn ? { apn: lc.dataCheck.apn } : {}) },
      simSwitch:
        sw.backend === 'none'
          ? null
          : ({ channel, family }) => {
              if (sw.backend === 'dual-sim') {
                return createSimSwitch(simSwitchConfigOf(sw, family, id), { lineId: String(id), log: this.o.log, channel });
              }
              shared ??= createSimSwitch(simSwitchConfigOf(sw, family, id), { lineId: String(id), log: this.o.log, ...(onSlotSelect ? { onSelect: onSlotSelect } : {}) });
              return shared;
            },
      ...(this.o.chooseSlot ? { chooseSlot: (available: readonly SlotId[]) => this.o.chooseSlot!(id, available) } : {}),
      timing: {
        probeIntervalMs: cfg.modems.probeIntervalMs,
        unresponsiveAfterMs: cfg.modems.unresponsiveAfterMs,
        commandTimeoutMs: cfg.modems.commandTimeoutMs,
        ...this.o.timing,
      },
    };
    this.lines.set(id, new Line(opts));
  }
}

