/**
 * Quectel call audio over USB and IMEI writing.
 *  - AT+QPCMV=1,<port> ("Voice over USB and UAC" application note): port 0 sends 8 kHz 16-bit mono PCM
 *    over the USB NMEA interface (interface 1, usually ttyUSB1), 2 uses the USB audio class sound card
 *    (needs AT+QCFG="usbcfg" with UAC enabled); 1 (reportedly the UART) is not used. Not kept across
 *    restarts.
 *  - AT+EGMR=1,7,"<imei>" writes, AT+EGMR=0,7 reads back (`+EGMR: "<imei>"`).
 */
import type { AudioCapability, ImeiCapability } from '../capabilities.js';
import type { AtContext } from '../generic/at-context.js';
import { InvalidArgumentError, ModemResponseError } from '../generic/errors.js';
import { imeiProblem, parseEgmrImei } from './parse.js';

const TIMEOUTS = {
  /** AT+EGMR writes NV memory. */
  imeiWrite: 10_000,
  /** AT+QPCMV sets up the PCM path. */
  usbAudio: 5_000,
};

export class QuectelAudio implements AudioCapability {
  constructor(
    private readonly at: AtContext,
    /** <port> of AT+QPCMV=1,<port>: 0 PCM over the USB NMEA interface, 2 the USB audio class card. */
    private readonly port: 0 | 2,
  ) {}

  /** AT+QPCMV=1,<port>. */
  async enableUsbAudio(): Promise<void> {
    await this.at.execOk({ cmd: `AT+QPCMV=1,${this.port}`, timeoutMs: TIMEOUTS.usbAudio });
  }

  /** AT+QPCMV=0: voice back to the module's own audio path. */
  async disableUsbAudio(): Promise<void> {
    await this.at.execOk({ cmd: 'AT+QPCMV=0', timeoutMs: TIMEOUTS.usbAudio });
  }
}

export class QuectelImei implements ImeiCapability {
  constructor(private readonly at: AtContext) {}

  /**
   * AT+EGMR=1,7,"<imei>" then AT+EGMR=0,7 to check what was stored. The new IMEI is used by the network
   * side after the next restart. Re-programming an IMEI is unlawful in some countries: the caller checks
   * the configuration allows it (security.allowImeiWrite).
   */
  async write(imei: string): Promise<void> {
    const problem = imeiProblem(imei);
    if (problem) throw new InvalidArgumentError(problem);
    await this.at.execOk({ cmd: `AT+EGMR=1,7,"${imei}"`, timeoutMs: TIMEOUTS.imeiWrite });
    const lines = await this.at.execOk({ cmd: 'AT+EGMR=0,7', prefixes: ['+EGMR:'] });
    const stored = this.at.pick('AT+EGMR=0,7', lines, parseEgmrImei);
    if (stored !== imei) throw new ModemResponseError('AT+EGMR=0,7', `IMEI read back as ${stored}, expected ${imei}`, lines);
  }
}
