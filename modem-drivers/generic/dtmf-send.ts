/**
 * DTMF tones towards the far end of the active call (3GPP TS 27.007 §C.2.11, `+VTS=<DTMF>`): one
 * command per key, the form the standard defines and every family here accepts (vendors' string and
 * duration extensions differ and are not needed: the network sets the tone length by default).
 */
import type { DtmfSendCapability } from '../capabilities.js';
import type { AtContext } from './at-context.js';
import { InvalidArgumentError } from './errors.js';

/** The keys a +VTS tone may carry (TS 27.007 §C.2.11: 0-9, #, *, A-D). */
const DTMF_KEYS = /^[0-9*#A-D]{1,64}$/;

/** The AT+VTS commands that send `keys` one by one, or an error text when a key is not a DTMF key. */
export function vtsCommands(keys: string): { ok: true; commands: string[] } | { ok: false; error: string } {
  const upper = keys.toUpperCase();
  if (!DTMF_KEYS.test(upper)) return { ok: false, error: `DTMF keys are 1 to 64 of 0-9 * # A-D, got ${JSON.stringify(keys)}` };
  return { ok: true, commands: [...upper].map((key) => `AT+VTS=${key}`) };
}

export class GenericDtmfSend implements DtmfSendCapability {
  constructor(private readonly at: AtContext) {}

  /** Sends each key in turn; rejects at the first key the modem refuses (no call up: +CME ERROR or ERROR). */
  async send(keys: string): Promise<void> {
    const plan = vtsCommands(keys);
    if (!plan.ok) throw new InvalidArgumentError(plan.error);
    for (const cmd of plan.commands) await this.at.execOk({ cmd, timeoutMs: 5_000, priority: 'high', network: true });
  }
}
