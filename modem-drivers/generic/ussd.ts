/** USSD capability: TS 27.007 §7.15 +CUSD. Replies arrive as 'ussd' events (see urc-handler.ts). */
import type { UssdCapability } from '../capabilities.js';
import type { AtContext } from './at-context.js';
import { describeFinal } from './error-codes.js';
import { InvalidArgumentError } from './errors.js';

/** USSD strings as typed on a handset: `*100#`, `*123*1#`, or a menu answer such as `1`. */
const USSD_STRING = /^[0-9*#+]{1,160}$/;

export class GenericUssd implements UssdCapability {
  constructor(private readonly at: AtContext) {}

  /**
   * AT+CUSD=1,"<code>",15 (dcs 15 = GSM 7-bit, language unspecified, TS 23.038 §5). The reply is a +CUSD
   * URC, before or after OK; no `prefixes` so it always reaches the URC handlers.
   */
  async send(code: string): Promise<void> {
    if (!USSD_STRING.test(code)) throw new InvalidArgumentError(`USSD string may hold only digits, *, # and + (1 to 160), got ${JSON.stringify(code)}`);
    await this.at.execOk({ cmd: `AT+CUSD=1,"${code}",15`, bare: false, timeoutMs: this.at.timeouts.ussd, network: true });
  }

  /** AT+CUSD=2 closes the session; a refusal (no session open) is logged, not thrown. */
  async cancel(): Promise<void> {
    const r = await this.at.channel.send({ cmd: 'AT+CUSD=2', bare: false });
    if (!r.ok) this.at.log.debug({ final: describeFinal(r.final) }, 'AT+CUSD=2 refused (no open session?)');
  }
}
