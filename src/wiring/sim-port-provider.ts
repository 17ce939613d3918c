/**
 * The app's wiring between the simulator and the lines (the lines never import the simulator).
 * PortProvider for a simulated modem in this process (demo mode, tests, benchmarks). It finds the modem
 * by IMEI like the USB provider does, so a simulated "USB disappearance" that brings the modem back under
 * another device path is handled the same way as on hardware.
 */
import type { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import type { AudioPortOpener, OpenedPort, PortProvider } from '../line/port-provider.js';

const USB_IDS: Record<string, [number, number]> = {
  'quectel-ec25': [0x2c7c, 0x0125],
  'simcom-sim7600': [0x1e0e, 0x9001],
};

export class SimPortProvider implements PortProvider {
  constructor(
    private readonly modems: () => readonly SimulatedModem[],
    private readonly imei: string,
  ) {}

  describe(): string {
    return `simulated modem ${this.imei}`;
  }

  async open(imei: string | null): Promise<OpenedPort> {
    const want = imei ?? this.imei;
    const m = this.modems().find((x) => x.imei === want) ?? this.modems().find((x) => x.imei === this.imei);
    if (!m) throw new Error(`no simulated modem with IMEI ${want}`);
    const transport = m.open(); // throws "<path>: no such device" while unplugged or booting
    const [vid, pid] = USB_IDS[m.dialect] ?? [null, null];
    // The second AT port (the USB 'modem' interface) of the EC25 / SIM7600, as on hardware.
    let secondary: OpenedPort['secondary'] = null;
    try {
      secondary = { transport: m.openSecondary(), path: `${m.devicePath}.2` };
    } catch {
      secondary = null; // held by an earlier connection not yet closed: judged without it
    }
    // The PCM audio port, opened per call; the modem throws "busy" while it is held and "no such device"
    // while it is away, and the opener passes that on as its rejection.
    const audio: AudioPortOpener = {
      path: m.audioPath,
      open: async () => m.openAudio(),
    };
    return { transport, path: m.devicePath, usbPath: null, usbVendorId: vid, usbProductId: pid, secondary, audio };
  }

  async hardReset(): Promise<string | null> {
    const m = this.modems().find((x) => x.imei === this.imei);
    if (!m) return null;
    m.powerCycle();
    return `power-cycled simulated modem ${m.id}`;
  }
}
