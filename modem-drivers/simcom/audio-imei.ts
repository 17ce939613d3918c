/**
 * SIMCom call audio over USB and IMEI writing.
 *  - AT+CPCMREG=1 streams 8 kHz 16-bit mono PCM on the USB audio interface (interface 4 of product
 *    0x9001, usually ttyUSB4); AT+CPCMREG=0 stops it. The module refuses AT+CPCMREG=1 while no call is
 *    connected (ERROR), so enabling belongs after the call is active: after 'call-state' reports an
 *    active call, which this family emits on `VOICE CALL: BEGIN`.
 *  - AT+SIMEI=<imei> writes, AT+SIMEI? reads back (`+SIMEI: <imei>`).
 */
import type { AudioCapability, ImeiCapability } from '../capabilities.js';
import type { AtContext } from '../generic/at-context.js';
import { InvalidArgumentError, ModemResponseError } from '../generic/errors.js';
import { imeiProblem, parseSimei } from './parse.js';

const TIMEOUTS = {
  imeiWrite: 10_000,
  /** AT+CPCMREG=1 sets up the PCM stream. */
  usbAudio: 5_000,
};

export class SimcomAudio implements AudioCapability {
  constructor(private readonly at: AtContext) {}

  /** AT+CPCMREG=1; refused (ERROR) by the module until a call is connected. */
  async enableUsbAudio(): Promise<void> {
    await this.at.execOk({ cmd: 'AT+CPCMREG=1', timeoutMs: TIMEOUTS.usbAudio });
  }

  /** AT+CPCMREG=0: stops the PCM stream (accepted with or without a call). */
  async disableUsbAudio(): Promise<void> {
    await this.at.execOk({ cmd: 'AT+CPCMREG=0', timeoutMs: TIMEOUTS.usbAudio });
  }
}

export class SimcomImei implements ImeiCapability {
  constructor(private readonly at: AtContext) {}

  /**
   * AT+SIMEI=<imei> then AT+SIMEI? to check what was stored. Re-programming an IMEI is unlawful in some
   * countries: the caller checks the configuration allows it (security.allowImeiWrite).
   */
  async write(imei: string): Promise<void> {
    const problem = imeiProblem(imei);
    if (problem) throw new InvalidArgumentError(problem);
    await this.at.execOk({ cmd: `AT+SIMEI=${imei}`, timeoutMs: TIMEOUTS.imeiWrite });
    const lines = await this.at.execOk({ cmd: 'AT+SIMEI?', prefixes: ['+SIMEI:'] });
    const stored = this.at.pick('AT+SIMEI?', lines, parseSimei);
    if (stored !== imei) throw new ModemResponseError('AT+SIMEI?', `IMEI read back as ${stored}, expected ${imei}`, lines);
  }
}
