/** Voice call capability: ATD / ATA / ATH (V.250), TS 27.007 §6.5 +CHUP, §7.18 +CLCC, §6.10 +CEER. */
import { done, fail, next, runQuery, type SeqStep } from '../../src/at/sequence.js';
import type { FinalKind } from '../../src/at/types.js';
import type { VoiceCallCapability } from '../capabilities.js';
import type { CallInfo } from '../types.js';
import { firstValue, type AtContext } from './at-context.js';
import { describeFinal } from './error-codes.js';
import { InvalidArgumentError } from './errors.js';
import { parseCeer, parseClcc } from './parse.js';

const DIAL_FINALS: readonly FinalKind[] = ['NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE'];

/** Digits, `+`, `*`, `#` (the GSM dial-string characters of TS 22.030 / TS 27.007 §6.2). */
const DIAL_STRING = /^[0-9*#+]{1,64}$/;

/**
 * AT+CHUP (TS 27.007 §6.5) ends every call; ATH (V.250 §6.3.6) is the fallback, which some modems
 * apply to voice calls only with +CVHU=0. Both jump the queue.
 */
export function genericHangupSteps(timeoutMs: number): SeqStep<true>[] {
  return [
    { cmd: { cmd: 'AT+CHUP', priority: 'urgent', timeoutMs, network: true }, on: (r) => (r.ok ? done(true as const) : next), optional: true },
    {
      cmd: { cmd: 'ATH', priority: 'urgent', timeoutMs, network: true },
      on: (r) => (r.ok ? done(true as const) : fail(`ATH: ${describeFinal(r.final)}`)),
    },
  ];
}

export class GenericVoiceCall implements VoiceCallCapability {
  /** TS 27.007 has no answer URC for a voice call (+COLP holds ATD until the answer): families set it. */
  reportsAnswer = false;

  constructor(private readonly at: AtContext) {}

  /**
   * `ATD<number>;` (V.250 §6.3.1; the `;` makes it a voice call, TS 27.007 §6.2). Resolves on OK; a
   * BUSY / NO CARRIER / NO ANSWER / NO DIALTONE final rejects with ModemCommandError (see `.final.kind`).
   */
  async dial(number: string): Promise<void> {
    if (!DIAL_STRING.test(number) || !/\d/.test(number)) {
      throw new InvalidArgumentError(`dial string may hold only digits, +, * and # (1 to 64 characters), got ${JSON.stringify(number)}`);
    }
    await this.at.execOk({ cmd: `ATD${number};`, extraFinals: DIAL_FINALS, timeoutMs: this.at.timeouts.dial, priority: 'high', network: true });
  }

  /** ATA (V.250 §6.3.5); NO CARRIER when the caller gave up first. */
  async answer(): Promise<void> {
    await this.at.execOk({ cmd: 'ATA', extraFinals: ['NO CARRIER'], timeoutMs: this.at.timeouts.answer, priority: 'high', network: true });
  }

  async hangup(): Promise<void> {
    await runQuery(this.at.channel, 'hangup', genericHangupSteps(this.at.timeouts.hangup));
  }

  async list(): Promise<CallInfo[]> {
    const lines = await this.at.execOk({ cmd: 'AT+CLCC', prefixes: ['+CLCC:'] });
    const calls: CallInfo[] = [];
    for (const l of lines) {
      const c = parseClcc(l);
      if (c.ok) calls.push(c.value);
      else this.at.log.warn({ error: c.error }, 'unreadable +CLCC row');
    }
    return calls;
  }

  /** AT+CEER (TS 27.007 §6.10); null when refused or empty. */
  async endCause(): Promise<string | null> {
    const r = await this.at.channel.send({ cmd: 'AT+CEER', prefixes: ['+CEER:'] });
    if (!r.ok) return null;
    return firstValue(r.lines, parseCeer) ?? null;
  }
}
