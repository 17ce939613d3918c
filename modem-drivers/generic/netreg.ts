/**
 * Network registration capability: TS 27.007 §7.2 +CREG / §10.1.20 +CGREG / §10.1.22 +CEREG, §7.3 +COPS,
 * §8.5 +CSQ, §8.71 +CIREG, §8.15 +CCLK. A vendor plugs its cheaper or richer queries in through
 * NetregVendorQueries; each falls back to the standard way when it gives no answer.
 */
import type { NetworkCapability } from '../capabilities.js';
import type { OperatorInfo, OperatorSelection, Rat, Registration, Signal } from '../types.js';
import { firstValue, type AtContext } from './at-context.js';
import { describeFinal } from './error-codes.js';
import { InvalidArgumentError } from './errors.js';
import { copsModeName, isRegQueryShape, parseCclk, parseCireg, parseCops, parseCsq, parseRegistration, ratOfAct, type CopsReading } from './parse.js';
import type { ModemEvents } from './urc-events.js';

/** The read commands registration() runs, one per domain. */
export const GENERIC_REGISTRATION_QUERIES: readonly { cmd: string; prefix: string }[] = [
  { cmd: 'AT+CREG?', prefix: '+CREG:' },
  { cmd: 'AT+CGREG?', prefix: '+CGREG:' },
  { cmd: 'AT+CEREG?', prefix: '+CEREG:' },
];

/** Vendor queries tried before (or after) the standard ones; null means "no answer, use the standard way". */
export interface NetregVendorQueries {
  /** The operator's long name, tried before switching the +COPS format twice. */
  operatorName?: () => Promise<string | null>;
  /** The access technology in use, asked when +COPS? reported no <AcT>. */
  accessTechnology?: () => Promise<Rat | null>;
  /** VoLTE state, tried before AT+CIREG?. */
  volte?: () => Promise<boolean | null>;
}

export class GenericNetreg implements NetworkCapability {
  constructor(
    private readonly at: AtContext,
    private readonly events: ModemEvents,
    private readonly vendor: NetregVendorQueries = {},
  ) {}

  /**
   * One Registration per domain the modem answers for (a domain whose read command is refused is left
   * out). A registration URC that arrived while its own read command ran carries the same prefix and so
   * ends up among the reply lines; it is recognised by its shape and delivered as an event.
   */
  async registration(): Promise<Registration[]> {
    const out: Registration[] = [];
    for (const q of GENERIC_REGISTRATION_QUERIES) {
      const r = await this.at.channel.send({ cmd: q.cmd, prefixes: [q.prefix] });
      if (!r.ok) {
        this.at.log.debug({ cmd: q.cmd, final: describeFinal(r.final) }, 'registration query refused');
        continue;
      }
      let reg: Registration | undefined;
      for (const line of r.lines) {
        if (!isRegQueryShape(line)) {
          this.events.deliver({ line, known: true });
          continue;
        }
        const p = parseRegistration(line, 'query');
        if (p.ok) reg = p.value;
        else this.at.log.warn({ error: p.error }, 'unreadable registration reply');
      }
      if (reg) out.push(reg);
    }
    return out;
  }

  /**
   * AT+COPS? (TS 27.007 §7.3). init() set the numeric format, so the first reading gives the PLMN and
   * the name is fetched separately; if the format was alphanumeric (init not run) the PLMN is fetched.
   * The vendor's access technology fills a <AcT> the reply left out.
   */
  async operator(): Promise<OperatorInfo> {
    const info = await this.copsOperator();
    if (info.rat === null && info.plmn !== null && this.vendor.accessTechnology) info.rat = await this.vendor.accessTechnology();
    return info;
  }

  private async copsOperator(): Promise<OperatorInfo> {
    const first = await this.readCops();
    const info: OperatorInfo = { mode: copsModeName(first.mode), name: null, plmn: null, rat: ratOfAct(first.act) };
    if (first.oper === null) return info;
    if (first.format === 2 && /^\d{5,6}$/.test(first.oper)) {
      info.plmn = first.oper;
      info.name = await this.operatorName();
    } else {
      info.name = first.oper;
      const numeric = await this.copsInFormat(2);
      if (numeric?.oper && /^\d{5,6}$/.test(numeric.oper)) info.plmn = numeric.oper;
    }
    return info;
  }

  /** The long alphanumeric operator name: the vendor's query, else +COPS in format 0. */
  private async operatorName(): Promise<string | null> {
    const vendorName = this.vendor.operatorName ? await this.vendor.operatorName() : null;
    if (vendorName) return vendorName;
    const r = await this.copsInFormat(0);
    return r && r.format !== 2 ? r.oper : null;
  }

  private async readCops(): Promise<CopsReading> {
    const lines = await this.at.execOk({ cmd: 'AT+COPS?', prefixes: ['+COPS:'] });
    return this.at.pick('AT+COPS?', lines, parseCops);
  }

  /** `AT+COPS=3,<format>`, `AT+COPS?`, then back to the numeric format init() chose. Null when refused. */
  private async copsInFormat(format: 0 | 1 | 2): Promise<CopsReading | null> {
    const ch = this.at.channel;
    const set = await ch.send({ cmd: `AT+COPS=3,${format}` });
    if (!set.ok) return null;
    try {
      const r = await ch.send({ cmd: 'AT+COPS?', prefixes: ['+COPS:'] });
      return r.ok ? (firstValue(r.lines, parseCops) ?? null) : null;
    } finally {
      if (format !== 2) {
        const back = await ch.send({ cmd: 'AT+COPS=3,2' });
        if (!back.ok) this.at.log.warn({ final: describeFinal(back.final) }, 'could not restore the numeric +COPS format');
      }
    }
  }

  async signal(): Promise<Signal> {
    const lines = await this.at.execOk({ cmd: 'AT+CSQ', prefixes: ['+CSQ:'] });
    return this.at.pick('AT+CSQ', lines, parseCsq);
  }

  /** The vendor's VoLTE query, else IMS registration via AT+CIREG? (TS 27.007 §8.71); null when unsupported. */
  async volte(): Promise<boolean | null> {
    const vendorState = this.vendor.volte ? await this.vendor.volte() : null;
    if (vendorState !== null) return vendorState;
    const r = await this.at.channel.send({ cmd: 'AT+CIREG?', prefixes: ['+CIREG:'] });
    if (!r.ok) return null;
    const v = firstValue(r.lines, parseCireg);
    return v ? v.registered : null;
  }

  /** AT+COPS=0 or AT+COPS=1,2,"<plmn>"[,<AcT>] (TS 27.007 §7.3). */
  async select(sel: OperatorSelection): Promise<void> {
    let cmd: string;
    if (sel.mode === 'auto') cmd = 'AT+COPS=0';
    else {
      if (!/^\d{5,6}$/.test(sel.plmn)) throw new InvalidArgumentError(`PLMN must be MCC+MNC (5 or 6 digits), got ${JSON.stringify(sel.plmn)}`);
      if (sel.act !== undefined && !(Number.isInteger(sel.act) && sel.act >= 0 && sel.act <= 13)) {
        throw new InvalidArgumentError(`AcT must be an integer 0..13 (TS 27.007 §7.3), got ${sel.act}`);
      }
      cmd = `AT+COPS=1,2,"${sel.plmn}"${sel.act !== undefined ? `,${sel.act}` : ''}`;
    }
    await this.at.execOk({ cmd, timeoutMs: this.at.timeouts.selectOperator, network: true });
  }

  /** AT+CCLK? (TS 27.007 §8.15): the network's time (NITZ) as the modem's clock holds it. */
  async networkTime(): Promise<{ utcMs: number; tzMinutes: number } | null> {
    const r = await this.at.channel.send({ cmd: 'AT+CCLK?', prefixes: ['+CCLK:'] });
    if (!r.ok) return null;
    for (const l of r.lines) {
      const t = parseCclk(l);
      if (t !== undefined) return t;
    }
    return null;
  }
}
