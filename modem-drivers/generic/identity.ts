/** Identity capability: AT+CGMI / +CGMM / +CGMR / +CGSN (TS 27.007 §5.1-§5.4). */
import { firstOf, runQuery, type SeqStep } from '../../src/at/sequence.js';
import type { IdentityCapability } from '../capabilities.js';
import type { ModemIdentity } from '../types.js';
import { firstValue, type AtContext } from './at-context.js';
import { ModemResponseError } from './errors.js';
import { parseIdentityText, parseImei } from './parse.js';

/** AT+CGSN (TS 27.007 §5.4) answers the bare IMEI; AT+CGSN=1 answers `+CGSN: "<imei>"`. */
export const GENERIC_IMEI_STEPS: readonly SeqStep<string>[] = [
  { cmd: { cmd: 'AT+CGSN', bare: true }, on: firstOf((r) => firstValue(r.lines, parseImei)), optional: true },
  { cmd: { cmd: 'AT+CGSN=1', prefixes: ['+CGSN:'] }, on: firstOf((r) => firstValue(r.lines, parseImei)) },
];

export class GenericIdentity implements IdentityCapability {
  constructor(private readonly at: AtContext) {}

  async identity(): Promise<ModemIdentity> {
    const text = async (cmd: string, prefix: string) => {
      const lines = await this.at.execOk({ cmd, bare: true });
      const r = parseIdentityText(lines, prefix);
      if (!r.ok) throw new ModemResponseError(cmd, r.error, lines);
      return r.value;
    };
    const manufacturer = await text('AT+CGMI', '+CGMI:');
    const model = await text('AT+CGMM', '+CGMM:');
    const revision = await text('AT+CGMR', '+CGMR:');
    const imei = await runQuery(this.at.channel, 'IMEI', GENERIC_IMEI_STEPS);
    return { manufacturer, model, revision, imei };
  }
}
