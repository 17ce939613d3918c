/**
 * SIMCom voice calls: the generic ATD / AT+CHUP (TS 27.007 §6.2, §6.5), telling the call end tracker
 * (./call-end.ts) where one call stops and the next begins, so a VOICE CALL: END printed for a call the
 * host already ended (inside the AT+CHUP reply, fixtures/simcom/sim7600/call-mo.txt) never ends a later one.
 */
import type { AtContext } from '../generic/at-context.js';
import { GenericVoiceCall } from '../generic/voicecall.js';
import type { CallEndTracker } from './call-end.js';

export class SimcomVoiceCall extends GenericVoiceCall {
  constructor(
    at: AtContext,
    private readonly ends: CallEndTracker,
  ) {
    super(at);
  }

  override async dial(number: string): Promise<void> {
    this.ends.dialling();
    try {
      await super.dial(number);
    } catch (e) {
      // No call, or one ended by the ATD's own result code (BUSY, NO CARRIER, ...): the host knows.
      this.ends.hungUp();
      throw e;
    }
    this.ends.dialled();
  }

  override async hangup(): Promise<void> {
    await super.hangup();
    this.ends.hungUp();
  }
}
