/**
 * Quectel voice calls: the generic ATD / AT+CHUP (TS 27.007 §6.2, §6.5), telling the list of calls
 * `+QIND: "ccinfo"` reported (./ccinfo-calls.ts) where the host's own calls start and stop.
 */
import type { AtContext } from '../generic/at-context.js';
import { GenericVoiceCall } from '../generic/voicecall.js';
import type { CcinfoCalls } from './ccinfo-calls.js';

export class QuectelVoiceCall extends GenericVoiceCall {
  constructor(
    at: AtContext,
    private readonly ccinfo: CcinfoCalls,
  ) {
    super(at);
  }

  override async dial(number: string): Promise<void> {
    this.ccinfo.clear();
    await super.dial(number);
  }

  override async hangup(): Promise<void> {
    await super.hangup();
    this.ccinfo.clear();
  }
}
