/**
 * Where a line gets its AT port from, and how it power-cycles its modem. The line only knows this
 * interface; serial hardware, pseudo-terminals and in-process fakes each provide one.
 */
import type { AtTransport } from '../at/types.js';

export interface OpenedPort {
  transport: AtTransport;
  /** Device path or another description of what was opened. */
  path: string;
  usbPath: string | null;
  usbVendorId: number | null;
  usbProductId: number | null;
  /**
   * A second port of the same modem that answers AT (the family descriptor's `secondaryAtInterface`), or
   * null: the watchdog probes the modem there while the AT port waits for the network (decision 0016).
   */
  secondary?: { transport: AtTransport; path: string } | null;
  /**
   * The modem's PCM audio port (the family descriptor's `audioInterface`), opened per call by the call's
   * audio, or null when the modem has none.
   */
  audio?: AudioPortOpener | null;
}

/** Opens a modem's audio port: raw PCM bytes both ways over the same byte-stream shape as the AT port. */
export interface AudioPortOpener {
  /** Device path or another description, for logs. */
  readonly path: string;
  /** Rejects with a clear message when the port cannot be opened (held, unplugged). */
  open(): Promise<AtTransport>;
}

export interface PortProvider {
  /** For logs and the API: "/dev/ttyUSB2", "usb 1-1.3", "imei 861234567890123". */
  describe(): string;
  /**
   * Opens the AT port. `imei` is the identity the line last saw (or was configured with), so a provider
   * that has to search can find the modem again after it re-enumerated under other ttyUSB numbers.
   * Rejects with a clear message when the modem is not there.
   */
  open(imei: string | null): Promise<OpenedPort>;
  /**
   * Power-cycles the modem by means outside AT (USB de-authorise/authorise, an external command).
   * Resolves with a description of what was done, or null when the provider has no such means.
   */
  hardReset(reason: string): Promise<string | null>;
}
