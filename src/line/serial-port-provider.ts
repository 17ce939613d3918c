/**
 * PortProvider for real hardware: a configured device path (any serial device or pty), a USB port path
 * ("1-1.3": whichever ttyUSB numbers the modem gets there), or an IMEI (search every known modem).
 * Power-cycling: de-authorise and re-authorise the USB device through sysfs (no ioctl needed), or run a
 * configured external command (for modems on a GPIO-switched power rail).
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { atInterfaceNumber, detectFamily, pcmInterfaceNumber, secondaryAtInterfaceNumber } from '../../modem-drivers/detect.js';
import type { Family } from '../../modem-drivers/types.js';
import type { AtTransport } from '../at/types.js';
import type { Logger } from '../util/log.js';
import type { AudioPortOpener, OpenedPort, PortProvider } from './port-provider.js';
import { scanUsbModems, type DiscoveryRoots, type UsbModem } from './usb-discovery.js';

const run = promisify(execFile);

export type TransportOpener = (path: string, baudRate: number) => Promise<AtTransport>;

/** Finds a modem by IMEI among the USB modems present (the line manager implements it). */
export interface ImeiLocator {
  findByImei(imei: string): Promise<UsbModem | null>;
}

export interface SerialPortProviderOptions {
  port?: string;
  usbPath?: string;
  imei?: string;
  baudRate: number;
  family: Family | 'auto';
  /** The audio port's path when configured (lines[].audio.port): used instead of the USB layout's. */
  audioPort?: string;
  reset: { usbPowerCycle: boolean; command?: string[] };
  openTransport: TransportOpener;
  /** Opens the PCM audio port (pcm-port-transport.ts in the daemon); absent: `openTransport`. */
  openAudioTransport?: TransportOpener;
  locator?: ImeiLocator;
  roots?: DiscoveryRoots;
  log: Logger;
}

/** The AT port of a USB modem: the interface the family's layout names, else interface 2, else the first. */
export function atPortOf(m: UsbModem, family: Family | 'auto' = 'auto'): string | null {
  const fam = family === 'auto' ? detectFamily({ usbVendorId: m.vendorId, usbProductId: m.productId }) : family;
  const want = atInterfaceNumber(fam, m.productId) ?? 2;
  return (m.ports.find((p) => p.interfaceNumber === want) ?? m.ports[0])?.devPath ?? null;
}

/** The second AT port of a USB modem (the interface its family's layout names), or null. */
export function secondaryAtPortOf(m: UsbModem, family: Family | 'auto' = 'auto'): string | null {
  const fam = family === 'auto' ? detectFamily({ usbVendorId: m.vendorId, usbProductId: m.productId }) : family;
  const want = secondaryAtInterfaceNumber(fam, m.productId);
  if (want === null) return null;
  return m.ports.find((p) => p.interfaceNumber === want)?.devPath ?? null;
}

/** The PCM audio port of a USB modem (the interface its family's layout names), or null. */
export function audioPortOf(m: UsbModem, family: Family | 'auto' = 'auto'): string | null {
  const fam = family === 'auto' ? detectFamily({ usbVendorId: m.vendorId, usbProductId: m.productId }) : family;
  const want = pcmInterfaceNumber(fam, m.productId);
  if (want === null) return null;
  return m.ports.find((p) => p.interfaceNumber === want)?.devPath ?? null;
}

/**
 * An AudioPortOpener that tries `open` up to `tries` times `delayMs` apart: the port a call's audio just
 * closed can still be locked for a moment when the next call (or a reopen after a dead port) opens it.
 */
export function audioPortOpener(path: string, open: () => Promise<AtTransport>, tries = 3, delayMs = 50): AudioPortOpener {
  return {
    path,
    async open() {
      for (let i = 1; ; i++) {
        try {
          return await open();
        } catch (e) {
          if (i >= tries) throw e;
          await new Promise((r) => setTimeout(r, delayMs));
        }
      }
    },
  };
}

export class SerialPortProvider implements PortProvider {
  private lastUsb: UsbModem | null = null;

  constructor(private readonly o: SerialPortProviderOptions) {}

  describe(): string {
    if (this.o.port) return this.o.port;
    if (this.o.usbPath) return `usb ${this.o.usbPath}`;
    return `imei ${this.o.imei ?? '?'}`;
  }

  async open(imei: string | null): Promise<OpenedPort> {
    let path: string;
    let usb: UsbModem | null = null;
    if (this.o.port) {
      path = this.o.port;
      if (!existsSync(path)) throw new Error(`${path}: no such device`);
      if (!statSync(path).isCharacterDevice()) throw new Error(`${path}: not a character device`);
      usb = this.usbOfDevice(path);
    } else if (this.o.usbPath) {
      usb = scanUsbModems(this.o.roots).find((m) => m.usbPath === this.o.usbPath) ?? null;
      if (!usb) throw new Error(`no USB serial device at USB path ${this.o.usbPath}`);
      const p = atPortOf(usb, this.o.family);
      if (!p) throw new Error(`USB device ${this.o.usbPath} has no serial interface`);
      path = p;
    } else {
      const want = imei ?? this.o.imei;
      if (!want || !this.o.locator) throw new Error('line has neither port, usbPath nor imei');
      usb = await this.o.locator.findByImei(want);
      if (!usb) throw new Error(`no modem with IMEI ${want} found`);
      const p = atPortOf(usb, this.o.family);
      if (!p) throw new Error(`modem with IMEI ${want} has no serial interface`);
      path = p;
    }
    this.lastUsb = usb;
    const transport = await this.o.openTransport(path, this.o.baudRate);
    const secondary = usb ? await this.openSecondary(usb, path) : null;
    const audio = this.o.audioPort ? this.configuredAudioOpener(this.o.audioPort) : usb ? this.audioOpener(usb, path) : null;
    return { transport, path, usbPath: usb?.usbPath ?? null, usbVendorId: usb?.vendorId ?? null, usbProductId: usb?.productId ?? null, secondary, audio };
  }

  /** The configured audio port, opened per call like the USB one. */
  private configuredAudioOpener(path: string): AudioPortOpener {
    const { baudRate } = this.o;
    const open = this.o.openAudioTransport ?? this.o.openTransport;
    return audioPortOpener(path, () => open(path, baudRate));
  }

  /** Opens the modem's PCM port per call (not now: the port carries nothing between calls). */
  private audioOpener(usb: UsbModem, atPath: string): AudioPortOpener | null {
    const path = audioPortOf(usb, this.o.family);
    if (!path || path === atPath) return null;
    const { baudRate } = this.o;
    const open = this.o.openAudioTransport ?? this.o.openTransport;
    return audioPortOpener(path, () => open(path, baudRate));
  }

  /** The modem's second AT port when its family names one; a port that will not open is only logged. */
  private async openSecondary(usb: UsbModem, atPath: string): Promise<{ transport: AtTransport; path: string } | null> {
    const path = secondaryAtPortOf(usb, this.o.family);
    if (!path || path === atPath) return null;
    try {
      return { transport: await this.o.openTransport(path, this.o.baudRate), path };
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message, port: path }, 'second AT port will not open; hangs during network commands are judged without it');
      return null;
    }
  }

  async hardReset(reason: string): Promise<string | null> {
    const done: string[] = [];
    const usb = this.lastUsb;
    if (this.o.reset.usbPowerCycle && usb) {
      // Writing 0 then 1 to `authorized` unbinds every interface and re-enumerates the device (Linux
      // Documentation/usb/authorization.rst); the modem comes back with fresh ttyUSB numbers.
      const f = join(usb.sysDir, 'authorized');
      try {
        await writeFile(f, '0');
        await new Promise((r) => setTimeout(r, 500));
        await writeFile(f, '1');
        done.push(`USB ${usb.usbPath} de-authorised and re-authorised`);
      } catch (e) {
        this.o.log.warn({ err: (e as Error).message, file: f }, 'USB power-cycle through sysfs failed');
      }
    }
    if (this.o.reset.command) {
      const [cmd, ...args] = this.o.reset.command;
      try {
        await run(cmd!, args, { timeout: 30_000, env: { ...process.env, CELLGATE_RESET_REASON: reason } });
        done.push(`ran ${this.o.reset.command.join(' ')}`);
      } catch (e) {
        this.o.log.error({ err: (e as Error).message, cmd: this.o.reset.command }, 'reset command failed');
      }
    }
    return done.length ? done.join('; ') : null;
  }

  private usbOfDevice(path: string): UsbModem | null {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return null;
    }
    return scanUsbModems(this.o.roots).find((m) => m.ports.some((p) => p.devPath === real || p.devPath === path)) ?? null;
  }
}
