/** SIM capability: TS 27.007 §8.3 +CPIN, the ICCID, §5.6 +CIMI, §7.1 +CNUM. */
import { firstOf, runQuery, type SeqStep } from '../../src/at/sequence.js';
import type { SimCapability } from '../capabilities.js';
import type { SimState } from '../types.js';
import { firstValue, type AtContext } from './at-context.js';
import { describeFinal } from './error-codes.js';
import { InvalidArgumentError } from './errors.js';
import { iccidFromEf, parseCnum, parseCpin, parseCrsm, parseIccid, parseImsi, simStateOfCme, simStateOfCmeText, type ParseResult } from './parse.js';

/**
 * AT+CCID and AT+ICCID are widespread but not in TS 27.007; the standard way is reading EF_ICCID
 * (2FE2 = 12258) with restricted SIM access, READ BINARY (176) of 10 bytes (TS 27.007 §8.18). A vendor
 * puts its own command in front of these.
 */
export const GENERIC_ICCID_STEPS: readonly SeqStep<string>[] = [
  { cmd: { cmd: 'AT+CCID', prefixes: ['+CCID:'], bare: true }, on: firstOf((r) => firstValue(r.lines, parseIccid)), optional: true },
  { cmd: { cmd: 'AT+ICCID', prefixes: ['+ICCID:'], bare: true }, on: firstOf((r) => firstValue(r.lines, parseIccid)), optional: true },
  { cmd: { cmd: 'AT+CRSM=176,12258,0,0,10', prefixes: ['+CRSM:'] }, on: firstOf((r) => firstValue(r.lines, iccidFromCrsm)) },
];

export class GenericSim implements SimCapability {
  constructor(
    private readonly at: AtContext,
    private readonly iccidSteps: readonly SeqStep<string>[] = GENERIC_ICCID_STEPS,
  ) {}

  /**
   * AT+CPIN? (TS 27.007 §8.3). Without a SIM most modems answer +CME ERROR 10 rather than a +CPIN line;
   * the error code (or verbose text) is mapped to a state.
   */
  async state(): Promise<SimState> {
    const r = await this.at.channel.send({ cmd: 'AT+CPIN?', prefixes: ['+CPIN:'], timeoutMs: this.at.timeouts.pin });
    if (r.ok) {
      for (const l of r.lines) {
        const s = parseCpin(l);
        if (s.ok) return s.value;
      }
      return 'UNKNOWN';
    }
    if (r.final.kind === 'CME ERROR') {
      const s = r.final.code !== null ? simStateOfCme(r.final.code) : r.final.text !== null ? simStateOfCmeText(r.final.text) : undefined;
      return s ?? 'UNKNOWN';
    }
    return 'UNKNOWN';
  }

  async enterPin(pin: string): Promise<void> {
    if (!/^\d{4,8}$/.test(pin)) throw new InvalidArgumentError('PIN must be 4 to 8 digits');
    await this.at.execOk({ cmd: `AT+CPIN="${pin}"`, secret: true, timeoutMs: this.at.timeouts.pin });
  }

  /** AT+CPIN="<puk>","<newpin>" (TS 27.007 §8.3): unblocks the SIM and sets a new PIN. */
  async enterPuk(puk: string, newPin: string): Promise<void> {
    if (!/^\d{8}$/.test(puk)) throw new InvalidArgumentError('PUK must be 8 digits');
    if (!/^\d{4,8}$/.test(newPin)) throw new InvalidArgumentError('new PIN must be 4 to 8 digits');
    await this.at.execOk({ cmd: `AT+CPIN="${puk}","${newPin}"`, secret: true, timeoutMs: this.at.timeouts.pin });
  }

  iccid(): Promise<string> {
    return runQuery(this.at.channel, 'ICCID', this.iccidSteps);
  }

  async imsi(): Promise<string> {
    const lines = await this.at.execOk({ cmd: 'AT+CIMI', bare: true });
    return this.at.pick('AT+CIMI', lines, parseImsi);
  }

  async ownNumber(): Promise<string | null> {
    const r = await this.at.channel.send({ cmd: 'AT+CNUM', prefixes: ['+CNUM:'] });
    if (!r.ok) {
      this.at.log.debug({ final: describeFinal(r.final) }, 'AT+CNUM refused');
      return null;
    }
    for (const l of r.lines) {
      const n = parseCnum(l);
      if (n.ok && n.value.number !== '') return n.value.number;
    }
    return null;
  }
}

/** A +CRSM reply to READ BINARY of EF_ICCID: status 90 00 (or 91 xx) and the swapped-BCD bytes. */
function iccidFromCrsm(line: string): ParseResult<string> {
  const c = parseCrsm(line);
  if (!c.ok) return c;
  if (c.value.sw1 !== 0x90 && c.value.sw1 !== 0x91) return { ok: false, error: `+CRSM: SIM status ${c.value.sw1},${c.value.sw2}` };
  return iccidFromEf(c.value.response);
}
