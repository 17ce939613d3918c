/** Call waiting and call hold: TS 27.007 §7.12 AT+CCWA and §7.13 AT+CHLD, as Quectel EC2x and SIMCom SIM7600 take them. */
import type { CallHoldAction, CallWaitingCapability } from '../capabilities.js';
import type { AtContext } from './at-context.js';

/** <n> of AT+CHLD for each action (§7.13). */
const CHLD_N: Record<CallHoldAction, number> = { 'release-waiting': 0, 'release-active': 1, 'hold-active': 2 };

export class GenericCallWaiting implements CallWaitingCapability {
  constructor(private readonly at: AtContext) {}

  async setWaiting(enabled: boolean): Promise<void> {
    // <n>,<mode>,<class>: <mode> asks the network to (de)activate the service, so it takes the network's time.
    const cmd = enabled ? 'AT+CCWA=1,1,1' : 'AT+CCWA=0,0,1';
    await this.at.execOk({ cmd, timeoutMs: this.at.timeouts.dial, network: true });
  }

  async hold(action: CallHoldAction): Promise<void> {
    await this.at.execOk({ cmd: `AT+CHLD=${CHLD_N[action]}`, timeoutMs: this.at.timeouts.answer, priority: 'high', network: true });
  }
}
