/**
 * SMS capability in PDU mode (TS 27.005): reception settings, sending, and the message storage commands
 * (+CMGR / +CMGL / +CMGD), which act on the read memory <mem1>. With a `mem` ("SM", "ME", "SR", ... as
 * +CMTI/+CDSI name it) that memory is selected with AT+CPMS first and the previous one restored after.
 */
import type { SmsCapability } from '../capabilities.js';
import type { SmsMemories, StoredSms } from '../types.js';
import { firstValue, type AtContext } from './at-context.js';
import { ModemCommandError, ModemResponseError, InvalidArgumentError } from './errors.js';
import { GENERIC_SMS_SETTINGS } from './init-settings.js';
import { parseCmgl, parseCmgr, parseCmgs, parseCpms, parseCpmsTest, parseCsca } from './parse.js';
import { runSettings, type Setting } from './steps.js';

export interface SmsOptions {
  /** Reception settings; default GENERIC_SMS_SETTINGS. */
  settings?: readonly Setting[];
}

export class GenericSms implements SmsCapability {
  /** Serialises the message-storage commands, because `inMemory` switches the read memory for a while. */
  private storage: Promise<unknown> = Promise.resolve();
  private memoriesAsked: Promise<SmsMemories> | null = null;
  private memoriesKnown: SmsMemories | null = null;

  constructor(
    private readonly at: AtContext,
    private readonly opts: SmsOptions = {},
  ) {}

  async init(): Promise<void> {
    const skipped = await runSettings(this.at.channel, this.opts.settings ?? GENERIC_SMS_SETTINGS);
    if (skipped.length > 0) this.at.log.warn({ skipped }, 'modem refused SMS settings');
  }

  /**
   * AT+CMGS=<length> (TS 27.005 §3.5.1, PDU mode): <length> counts the TPDU octets only, so the PDU must be
   * the SMSC address (its first octet is its own length; `00` = the SIM's default SMSC) plus exactly
   * <length> octets. Checked before sending, because a wrong length leaves the modem waiting at `> `.
   */
  async send(pduHex: string, tpduLength: number): Promise<number> {
    if (!/^([0-9A-Fa-f]{2})+$/.test(pduHex)) throw new InvalidArgumentError('PDU must be a non-empty string of hex octets');
    if (!Number.isInteger(tpduLength) || tpduLength < 1) throw new InvalidArgumentError(`TPDU length must be a positive integer, got ${tpduLength}`);
    const total = pduHex.length / 2;
    const scaOctets = 1 + parseInt(pduHex.slice(0, 2), 16);
    if (total - tpduLength !== scaOctets) {
      throw new InvalidArgumentError(
        `PDU has ${total} octets: SMSC address ${scaOctets} + TPDU ${total - scaOctets}, but the TPDU length given is ${tpduLength}`,
      );
    }
    const cmd = `AT+CMGS=${tpduLength}`;
    const lines = await this.at.execOk({ cmd, prefixes: ['+CMGS:'], promptData: pduHex.toUpperCase(), timeoutMs: this.at.timeouts.sendSms, network: true });
    return this.at.pick(cmd, lines, parseCmgs);
  }

  /** AT+CMGR=<index> (TS 27.005 §3.4.3); null for an empty slot (no reply lines, or +CMS ERROR 321). */
  async read(index: number, mem?: string): Promise<StoredSms | null> {
    checkIndex(index);
    return this.withStorage(() => this.inMemory(mem, () => this.cmgr(index)));
  }

  private async cmgr(index: number): Promise<StoredSms | null> {
    const cmd = `AT+CMGR=${index}`;
    const r = await this.at.channel.send({ cmd, prefixes: ['+CMGR:'], pduAfter: ['+CMGR:'], timeoutMs: this.at.timeouts.readSms });
    if (!r.ok) {
      if (r.final.kind === 'CMS ERROR' && r.final.code === 321) return null;
      throw new ModemCommandError(cmd, r.final, r.lines);
    }
    if (r.lines.length === 0) return null;
    const m = parseCmgr(r.lines, index);
    if (!m.ok) throw new ModemResponseError(cmd, m.error, r.lines);
    return m.value;
  }

  /** AT+CMGL=<stat> (TS 27.005 §3.4.2): 0 unread, 1 read, 2 unsent, 3 sent, 4 all (default). */
  async list(stat = 4, mem?: string): Promise<StoredSms[]> {
    if (!Number.isInteger(stat) || stat < 0 || stat > 4) throw new InvalidArgumentError(`+CMGL <stat> must be 0..4, got ${stat}`);
    return this.withStorage(() =>
      this.inMemory(mem, async () => {
        const lines = await this.at.execOk({ cmd: `AT+CMGL=${stat}`, prefixes: ['+CMGL:'], pduAfter: ['+CMGL:'], timeoutMs: this.at.timeouts.listSms });
        const { messages, errors } = parseCmgl(lines);
        for (const error of errors) this.at.log.warn({ error }, 'unreadable +CMGL entry');
        return messages;
      }),
    );
  }

  /** AT+CMGD=<index> (TS 27.005 §3.5.4). */
  async delete(index: number, mem?: string): Promise<void> {
    checkIndex(index);
    return this.withStorage(() =>
      this.inMemory(mem, async () => {
        await this.at.execOk({ cmd: `AT+CMGD=${index}`, timeoutMs: this.at.timeouts.readSms });
      }),
    );
  }

  /**
   * The message memories (AT+CPMS=?, TS 27.005 §3.2.2, the <mem1> list: memories that can be read and
   * deleted): `messages` where received messages can be kept ("SM", "ME"; else "MT"; empty when the
   * modem does not say, meaning the current memory only) and `reports`, the memory that keeps status
   * reports apart ("SR"), or null. Only memories the modem lists are named: selecting one it does not
   * list fails (+CMS ERROR), on every sweep. Asked once per modem.
   */
  memories(): Promise<SmsMemories> {
    this.memoriesAsked ??= this.listedMemories().then(
      (m) => (this.memoriesKnown = m),
      (e: unknown) => {
        this.memoriesAsked = null;
        throw e;
      },
    );
    return this.memoriesAsked;
  }

  /** What memories() answered, once it has; null before (for URC handlers, which cannot wait). */
  get knownMemories(): SmsMemories | null {
    return this.memoriesKnown;
  }

  private async listedMemories(): Promise<SmsMemories> {
    const r = await this.at.channel.send({ cmd: 'AT+CPMS=?', prefixes: ['+CPMS:'] });
    const lists = r.ok ? firstValue(r.lines, parseCpmsTest) : undefined;
    if (!lists) {
      this.at.log.debug({ final: r.final }, 'AT+CPMS=? gave no memory list; only the current memory is swept');
      return { messages: [], reports: null };
    }
    const mem1 = lists[0]!;
    const own = ['SM', 'ME'].filter((m) => mem1.includes(m));
    return { messages: own.length > 0 ? own : mem1.includes('MT') ? ['MT'] : [], reports: mem1.includes('SR') ? 'SR' : null };
  }

  private withStorage<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.storage.then(fn, fn);
    this.storage = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `fn` with <mem1> (the memory +CMGR/+CMGL/+CMGD act on, TS 27.005 §3.2.2) set to `mem`, then puts
   * back the <mem1> that was in use: AT+CPMS? tells the current one; AT+CPMS="<mem>" changes only <mem1>,
   * so the receive memory (<mem3>) stays as init() set it. Without `mem`, just `fn`.
   */
  private async inMemory<T>(mem: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (mem === undefined) return fn();
    const want = mem.toUpperCase();
    if (!/^[A-Z]{2}$/.test(want)) throw new InvalidArgumentError(`message memory must be two letters (SM, ME, SR, ...), got ${JSON.stringify(mem)}`);
    const lines = await this.at.execOk({ cmd: 'AT+CPMS?', prefixes: ['+CPMS:'] });
    const current = firstValue(lines, parseCpms)?.[0]?.mem;
    if (!current) throw new ModemResponseError('AT+CPMS?', 'no current <mem1> in the reply', lines);
    if (current.toUpperCase() === want) return fn();
    await this.at.execOk({ cmd: `AT+CPMS="${want}"`, prefixes: ['+CPMS:'] });
    try {
      return await fn();
    } finally {
      const back = await this.at.channel.send({ cmd: `AT+CPMS="${current}"`, prefixes: ['+CPMS:'] }).catch(() => null);
      if (!back?.ok) this.at.log.error({ mem: current }, `could not restore the SMS read memory after using "${want}"`);
    }
  }

  /**
   * AT+CNMA (TS 27.005 §3.4.4): positive acknowledgement of a +CMT/+CDS routed directly to us (only needed
   * with +CSMS=1 and a +CNMI mode that routes them; the default settings store them instead).
   * +CMS ERROR 340 "no +CNMA acknowledgement expected" is not a failure.
   */
  async ack(): Promise<void> {
    const r = await this.at.channel.send({ cmd: 'AT+CNMA', priority: 'high' });
    if (r.ok) return;
    if (r.final.kind === 'CMS ERROR' && r.final.code === 340) {
      this.at.log.debug('AT+CNMA: no acknowledgement was expected');
      return;
    }
    throw new ModemCommandError('AT+CNMA', r.final, r.lines);
  }

  /** AT+CSCA? (TS 27.005 §3.3.1). */
  async serviceCentre(): Promise<string | null> {
    const lines = await this.at.execOk({ cmd: 'AT+CSCA?', prefixes: ['+CSCA:'] });
    return this.at.pick('AT+CSCA?', lines, parseCsca).address;
  }
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > 65535) throw new InvalidArgumentError(`message index must be an integer 0..65535, got ${index}`);
}
