/** Reset capability: a full restart; the port may vanish before OK arrives. */
import { done, fail, next, runSequence, type SeqStep } from '../../src/at/sequence.js';
import { AtClosedError } from '../../src/at/types.js';
import type { ResetCapability } from '../capabilities.js';
import type { AtContext } from './at-context.js';
import { describeFinal } from './error-codes.js';

/** AT+CFUN=1,1 (TS 27.007 §8.2: full functionality with MT reset); else CFUN=0 then CFUN=1. */
export function genericResetSteps(timeoutMs: number): SeqStep<true>[] {
  const t = timeoutMs;
  return [
    { cmd: { cmd: 'AT+CFUN=1,1', timeoutMs: t, network: true }, on: (r) => (r.ok ? done(true as const) : next) },
    { cmd: { cmd: 'AT+CFUN=0', timeoutMs: t, network: true }, on: (r) => (r.ok ? next : fail(`AT+CFUN=0: ${describeFinal(r.final)}`)) },
    { cmd: { cmd: 'AT+CFUN=1', timeoutMs: t, network: true }, on: (r) => (r.ok ? done(true as const) : fail(`AT+CFUN=1: ${describeFinal(r.final)}`)) },
  ];
}

export class GenericReset implements ResetCapability {
  constructor(private readonly at: AtContext) {}

  /** A closed port during the reset counts as done (the modem is restarting). */
  async reset(): Promise<void> {
    try {
      await runSequence(this.at.channel, genericResetSteps(this.at.timeouts.cfun));
    } catch (e) {
      if (e instanceof AtClosedError) {
        this.at.log.info('AT port closed during reset (the modem is restarting)');
        return;
      }
      throw e;
    }
  }
}
