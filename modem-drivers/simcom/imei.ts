/**
 * SIMCom IMEI writing: AT+SIMEI=<imei> writes, AT+SIMEI? reads back (`+SIMEI: <imei>`). (Call audio:
 * audio.ts.)
 */
import type { ImeiCapability } from '../capabilities.js';
import type { AtContext } from '../generic/at-context.js';
import { InvalidArgumentError, ModemResponseError } from '../generic/errors.js';
import { imeiProblem, parseSimei } from './parse.js';

const TIMEOUTS = {
  imeiWrite: 10_000,
};

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
