/**
 * SIMCom's own SIM and network queries, plugged into the generic capabilities: AT+CICCID for the ICCID
 * (SIM7500_SIM7600 Series AT Command Manual V1.x §4.3) and AT+CNSMOD? / AT+CPSI? for the access
 * technology when +COPS? reported no <AcT>. VoLTE: no SIMCom query was found documented for the SIM7600
 * (AT+CEVOLTE is reported missing on SIM7600 firmware), so the generic AT+CIREG? is used.
 */
import { firstOf, type SeqStep } from '../../src/at/sequence.js';
import type { Rat } from '../types.js';
import { firstValue, type AtContext } from '../generic/at-context.js';
import { GENERIC_ICCID_STEPS } from '../generic/sim.js';
import { cnsmodToRat, parseCiccid, parseCnsmod, parseCpsi } from './parse.js';

/** AT+CICCID → `+ICCID: <iccid>`, before the generic fallbacks. */
export const SIMCOM_ICCID_STEPS: readonly SeqStep<string>[] = [
  { cmd: { cmd: 'AT+CICCID', prefixes: ['+ICCID:'] }, on: firstOf((r) => firstValue(r.lines, parseCiccid)), optional: true },
  ...GENERIC_ICCID_STEPS,
];

/** Access technology now in use: AT+CNSMOD? first, AT+CPSI? second; null when neither tells. */
export async function simcomNetworkMode(at: AtContext): Promise<Rat | null> {
  const c = await at.channel.send({ cmd: 'AT+CNSMOD?', prefixes: ['+CNSMOD:'] });
  if (c.ok) {
    const stat = firstValue(c.lines, parseCnsmod);
    if (stat !== undefined) return cnsmodToRat(stat);
  }
  const p = await at.channel.send({ cmd: 'AT+CPSI?', prefixes: ['+CPSI:'] });
  if (p.ok) {
    const info = firstValue(p.lines, parseCpsi);
    if (info) return info.rat;
  }
  return null;
}
