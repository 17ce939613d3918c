/**
 * Quectel's own SIM and network queries, plugged into the generic capabilities: AT+QCCID for the ICCID
 * (§5.7), AT+QSPN for the operator name (§6.10), AT+QNWINFO for the access technology (§6.9) and
 * AT+QCFG="ims" for VoLTE; each falls back to the TS 27.007 way when it gives no answer.
 */
import { firstOf, type SeqStep } from '../../src/at/sequence.js';
import { firstValue, type AtContext } from '../generic/at-context.js';
import type { NetregVendorQueries } from '../generic/netreg.js';
import { GENERIC_ICCID_STEPS } from '../generic/sim.js';
import { parseQccid, parseQcfgIms, parseQnwinfo, parseQspn, type QnwInfo } from './parse.js';

/** AT+QCCID → `+QCCID: <iccid>` (EC25&EC21 AT Commands Manual V1.3 §5.7), before the generic fallbacks. */
export const QUECTEL_ICCID_STEPS: readonly SeqStep<string>[] = [
  { cmd: { cmd: 'AT+QCCID', prefixes: ['+QCCID:'] }, on: firstOf((r) => firstValue(r.lines, parseQccid)), optional: true },
  ...GENERIC_ICCID_STEPS,
];

/** AT+QNWINFO: access technology, operator, band, channel; null when refused or unreadable. */
export async function quectelNetworkInfo(at: AtContext): Promise<QnwInfo | null> {
  const r = await at.channel.send({ cmd: 'AT+QNWINFO', prefixes: ['+QNWINFO:'] });
  if (!r.ok) return null;
  return firstValue(r.lines, parseQnwinfo) ?? null;
}

export function quectelNetregQueries(at: AtContext): NetregVendorQueries {
  return {
    /** AT+QSPN full network name (short name if the full one is empty); null sends the +COPS way. */
    operatorName: async () => {
      const r = await at.channel.send({ cmd: 'AT+QSPN', prefixes: ['+QSPN:'] });
      if (!r.ok) return null;
      const s = firstValue(r.lines, parseQspn);
      return s?.fullName ?? s?.shortName ?? null;
    },
    accessTechnology: async () => (await quectelNetworkInfo(at))?.rat ?? null,
    /** `+QCFG: "ims",<value>,<VoLTE_state>`; firmware answering without the state falls back to AT+CIREG?. */
    volte: async () => {
      const r = await at.channel.send({ cmd: 'AT+QCFG="ims"', prefixes: ['+QCFG:'] });
      if (!r.ok) return null;
      return firstValue(r.lines, parseQcfgIms)?.volte ?? null;
    },
  };
}
