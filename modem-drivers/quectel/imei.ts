/**
 * Quectel IMEI writing: AT+EGMR=1,7,"<imei>" writes, AT+EGMR=0,7 reads back (`+EGMR: "<imei>"`).
 * (Call audio: audio.ts.)
 */
import type { ImeiCapability } from '../capabilities.js';
import type { AtContext } from '../generic/at-context.js';
import { InvalidArgumentError, ModemResponseError } from '../generic/errors.js';
import { imeiProblem, parseEgmrImei } from './parse.js';

const TIMEOUTS = {
  /** AT+EGMR writes NV memory. */
  imeiWrite: 10_000,
};

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
